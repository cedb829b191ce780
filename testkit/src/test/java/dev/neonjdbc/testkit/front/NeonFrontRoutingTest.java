package dev.neonjdbc.testkit.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.neonjdbc.testkit.ServerEndpoint;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoint routing and Neon's errors for connects that name no endpoint, or a wrong one. */
class NeonFrontRoutingTest {
  @TempDir static Path certificates;
  private static FrontFixture fixture;

  @BeforeAll
  static void startFront() throws Exception {
    fixture = FrontFixture.start(certificates);
  }

  @AfterAll
  static void stopFront() {
    fixture.close();
    assertEquals(0, fixture.front.liveThreads(), "threads left behind after close");
  }

  @Test
  void sniOfThePoolerHostReachesPgBouncerAndTheEndpointHostReachesPostgres() throws Exception {
    NeonFront front = fixture.front;
    try (Connection pooled = fixture.connect(fixture.url(front.pooledHostName(), ""));
        Connection direct = fixture.connect(fixture.url(front.directHostName(), ""));
        Connection reference = fixture.stack.openDirect()) {
      assertEquals(ServerEndpoint.POOLED, fixture.stack.endpointOf(pooled));
      assertEquals(ServerEndpoint.DIRECT, fixture.stack.endpointOf(direct));
      // The port the server sees (a container maps the stack's direct port to its own).
      assertEquals(
          FrontFixture.scalar(reference, "SELECT inet_server_port()"),
          FrontFixture.scalar(direct, "SELECT inet_server_port()"),
          "the direct session is a PostgreSQL backend reached over TCP on the direct port");
    }
  }

  @Test
  void optionsEndpointRoutesWhenThereIsNoSni() throws Exception {
    String pooledId = NeonFrontConfig.DEFAULT_ENDPOINT_ID + "-pooler";
    try (Connection pooled =
            fixture.connect(fixture.urlWithoutSni("options=endpoint%3D" + pooledId));
        Connection direct =
            fixture.connect(
                fixture.urlWithoutSni(
                    "options=-c%20statement_timeout%3D4321%20endpoint%3D"
                        + NeonFrontConfig.DEFAULT_ENDPOINT_ID))) {
      assertEquals(ServerEndpoint.POOLED, fixture.stack.endpointOf(pooled));
      assertEquals(ServerEndpoint.DIRECT, fixture.stack.endpointOf(direct));
      assertEquals(
          "4321ms",
          FrontFixture.scalar(direct, "SHOW statement_timeout"),
          "options other than endpoint= reach PostgreSQL");
    }
  }

  @Test
  void passwordHackCarriesTheEndpointWhenNothingElseDoes() throws Exception {
    String payload =
        "endpoint=" + NeonFrontConfig.DEFAULT_ENDPOINT_ID + ";" + fixture.stack.password();
    try (Connection direct = fixture.connect(fixture.urlWithoutSni(""), payload)) {
      assertEquals(ServerEndpoint.DIRECT, fixture.stack.endpointOf(direct));
    }
  }

  @Test
  void noEndpointAnywhereGetsNeonsMissingEndpointError() {
    SQLException e =
        assertThrows(SQLException.class, () -> fixture.connect(fixture.urlWithoutSni("")));
    assertEquals(NeonError.MISSING_ENDPOINT.message(), e.getMessage().replaceFirst("^ERROR: ", ""));
    assertEquals("XX000", e.getSQLState());
    assertEquals(
        "Endpoint ID is not specified. Either please upgrade the postgres client library (libpq)"
            + " for SNI support or pass the endpoint ID (first part of the domain name) as a"
            + " parameter: '?options=endpoint%3D<endpoint-id>'. See more at"
            + " https://neon.tech/sni",
        NeonError.MISSING_ENDPOINT.message());
  }

  @Test
  void unknownEndpointIsNotFoundAndSniMustAgreeWithOptions() {
    SQLException unknown =
        assertThrows(
            SQLException.class,
            () ->
                fixture.connect(
                    fixture.url("ep-other-999999." + NeonFrontConfig.DEFAULT_DOMAIN, "")));
    assertEquals(
        "ERROR: Control plane request failed: endpoint cannot be found", unknown.getMessage());
    assertEquals("XX000", unknown.getSQLState());

    SQLException inconsistent =
        assertThrows(
            SQLException.class,
            () ->
                fixture.connect(
                    fixture.url(
                        fixture.front.pooledHostName(),
                        "options=endpoint%3D" + NeonFrontConfig.DEFAULT_ENDPOINT_ID)));
    assertEquals(
        "ERROR: Inconsistent project name inferred from SNI ('"
            + NeonFrontConfig.DEFAULT_ENDPOINT_ID
            + "-pooler') and project option ('"
            + NeonFrontConfig.DEFAULT_ENDPOINT_ID
            + "').",
        inconsistent.getMessage());
  }

  @Test
  void startupWithoutTlsIsRefusedAsInsecure() {
    SQLException e =
        assertThrows(
            SQLException.class,
            () ->
                fixture.connect(
                    "jdbc:postgresql://127.0.0.1:"
                        + fixture.front.port()
                        + "/neondb?sslmode=disable"));
    assertEquals("ERROR: connection is insecure (try using `sslmode=require`)", e.getMessage());
    assertEquals("XX000", e.getSQLState());
  }
}

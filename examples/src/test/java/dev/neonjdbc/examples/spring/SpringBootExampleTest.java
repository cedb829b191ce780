package dev.neonjdbc.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Spring Boot example on the kit's stack, from {@code application.properties} and {@code
 * spring.datasource.url}, {@code username} and {@code password}: the starter's NeonDataSource,
 * Flyway at start-up, transactions on the pooled endpoint as the server says, and Actuator's health
 * (both endpoints) and metrics (the routing meters) over HTTP.
 */
@SpringBootTest(
    classes = SpringBootExample.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SpringBootExampleTest {
  private static final NeonStack STACK = NeonStacks.shared();

  @DynamicPropertySource
  static void kitDataSource(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", STACK::neonJdbcUrl);
    registry.add("spring.datasource.username", STACK::user);
    registry.add("spring.datasource.password", STACK::password);
  }

  @Autowired DataSource dataSource;
  @Autowired NotesService notes;

  @Value("${local.server.port}")
  int port;

  @Test
  void dataSourceIsTheStartersNeonDataSource() {
    NeonDataSource neon = assertInstanceOf(NeonDataSource.class, dataSource);
    assertEquals(STACK.neonJdbcUrl(), neon.getUrl());
  }

  @Test
  void flywayMigratedAtStartUp() throws SQLException {
    try (Connection direct = STACK.openDirect()) {
      assertEquals(
          "2",
          scalar(
              direct,
              "SELECT count(*) FROM spring_example_schema_history WHERE success AND type = 'SQL'"));
      assertEquals(
          "t",
          scalar(
              direct,
              "SELECT indisvalid FROM pg_index WHERE indexrelid = 'spring_notes_body_idx'::regclass"));
    }
  }

  @Test
  void transactionalMethodCommitsOrRollsBackAsOne() {
    long before = notes.count();
    notes.addBoth("a", "b");
    assertEquals(before + 2, notes.count());
    assertThrows(IllegalStateException.class, () -> notes.addBothThenFail("c", "d"));
    assertEquals(before + 2, notes.count());
  }

  @Test
  void transactionsRunOnThePooledEndpointAsTheServerSays() throws SQLException {
    ServerEndpoint endpoint =
        notes.addAndAsk("where", (ConnectionCallback<ServerEndpoint>) STACK::endpointOf);
    assertEquals(ServerEndpoint.POOLED, endpoint);
    String backend = notes.backendsOfOneTransaction();
    assertTrue(backend.endsWith(":pooled"), backend);
    String pid = backend.substring(0, backend.indexOf(':'));
    List<String> pgbouncerBackends =
        STACK.pgbouncerAdmin().orElseThrow().show("SERVERS").stream()
            .map(row -> row.get("remote_pid"))
            .toList();
    assertTrue(pgbouncerBackends.contains(pid), pid + " among PgBouncer's " + pgbouncerBackends);
  }

  @Test
  void actuatorHealthShowsBothEndpoints() throws IOException, InterruptedException {
    HttpResponse<String> response = get("/actuator/health");
    String body = response.body();
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "example-actuator-health.json"), body);
    assertEquals(200, response.statusCode(), body);
    String neon = body.substring(body.indexOf("\"neon\""));
    assertTrue(neon.matches("(?s).*\"pooled\":\\{[^}]*\"status\":\"UP\".*"), body);
    assertTrue(neon.matches("(?s).*\"direct\":\\{[^}]*\"status\":\"UP\".*"), body);
    assertFalse(body.contains(STACK.password()));
  }

  @Test
  void actuatorMetricsShowsTheRoutingMeters() throws IOException, InterruptedException {
    notes.addBoth("metered", "twice");
    String names = get("/actuator/metrics").body();
    for (String meter : List.of("neon.statements", "neon.connects", "neon.direct.borrows")) {
      assertTrue(names.contains("\"" + meter + "\""), meter + " in " + names);
    }
    HttpResponse<String> pooled = get("/actuator/metrics/neon.statements?tag=endpoint:pooled");
    assertEquals(200, pooled.statusCode(), pooled.body());
    Files.writeString(Path.of("target", "example-actuator-metrics.json"), pooled.body());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }
}

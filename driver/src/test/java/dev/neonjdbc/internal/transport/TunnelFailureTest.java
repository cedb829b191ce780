package dev.neonjdbc.internal.transport;

import static dev.neonjdbc.internal.transport.TunnelFixture.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ws.WebSocketProxy;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Refusals before connecting, and failures during a connection, are clear and prompt. */
@NeonStackTest
class TunnelFailureTest {
  private final NeonStack stack;
  private final TunnelFixture fixture;

  TunnelFailureTest(NeonStack stack) {
    this.stack = stack;
    this.fixture = new TunnelFixture(stack);
  }

  @BeforeEach
  void needsTheKitsProxy() {
    assumeFalse("neon".equals(stack.providerName()), "the kit's proxy relays to local servers");
  }

  @Test
  void aCertificateForAnotherHostIsRefusedClearly() throws SQLException {
    try (WebSocketProxy wrongHost =
        WebSocketProxy.builder().tls(stack.wrongHostCertificate(), stack.wrongHostKey()).start()) {
      SQLException error =
          assertThrows(
              SQLException.class, () -> fixture.direct(fixture.tunnel(wrongHost.urlTemplate())));
      assertEquals("08001", error.getSQLState());
      assertTrue(error.getMessage().contains("TLS handshake"), error.getMessage());
      assertTrue(error.getMessage().contains("valid for the host '127.0.0.1'"), error.getMessage());
      assertEquals(0, wrongHost.tunnelsOpened(), "no WebSocket was opened");
    }
  }

  @Test
  void plainWebSocketToANonLoopbackHostIsRefusedBeforeConnecting() {
    // A non-routable address: any connection attempt would hang until the connect timeout.
    Properties properties = fixture.tunnel("ws://10.255.255.1:5433/v1?address={host}:{port}");
    long start = System.nanoTime();
    SQLException error = assertThrows(SQLException.class, () -> fixture.direct(properties));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1000);
    assertEquals("22023", error.getSQLState());
    assertTrue(error.getMessage().contains("webSocketAllowInsecure"), error.getMessage());
    assertFalse(error.getMessage().contains(stack.password()), "no password in messages");
  }

  @Test
  void plainWebSocketToANonLoopbackHostIsAttemptedOnlyWithTheOptIn() {
    Properties properties = fixture.tunnel("ws://10.255.255.1:5433/v1?address={host}:{port}");
    properties.setProperty("webSocketAllowInsecure", "true");
    properties.setProperty("connectTimeout", "1");
    SQLException error = assertThrows(SQLException.class, () -> fixture.direct(properties));
    // Whatever answers there (nothing, or a network's own web proxy), the tunnel tried it.
    assertFalse(error.getMessage().contains("webSocketAllowInsecure"), error.getMessage());
  }

  @Test
  void channelBindingRequireIsRefusedRatherThanDropped() {
    Properties properties = fixture.secure();
    properties.setProperty("channel_binding", "require");
    SQLException error = assertThrows(SQLException.class, () -> fixture.direct(properties));
    assertEquals("22023", error.getSQLState());
    assertTrue(error.getMessage().contains("channel_binding=require"), error.getMessage());
  }

  @Test
  void aProxyKilledMidQueryFailsTheQueryPromptly() throws Exception {
    try (WebSocketProxy doomed =
        WebSocketProxy.builder().sourceAddress(stack.webSocketProxy().sourceAddress()).start()) {
      Properties properties = fixture.tunnel(doomed.urlTemplate());
      properties.setProperty("socketTimeout", "20");
      try (Connection connection = fixture.direct(properties);
          Statement statement = connection.createStatement()) {
        assertEquals("1", scalar(connection, "select 1"));
        CompletableFuture<Void> kill =
            CompletableFuture.runAsync(
                () -> {
                  sleep(300);
                  doomed.kill();
                });
        long start = System.nanoTime();
        SQLException error =
            assertThrows(SQLException.class, () -> statement.execute("select pg_sleep(30)"));
        kill.get(5, TimeUnit.SECONDS);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(millis < 5000, "failed after " + millis + " ms");
        assertEquals("08006", error.getSQLState(), error.getMessage());
      }
    }
  }

  @Test
  void pipelinedConnectToAScramServerNamesTheSetting() {
    // PgBouncer asks for SCRAM, not for a cleartext password.
    Properties properties = fixture.plain();
    properties.setProperty("webSocketPipelineConnect", "true");
    SQLException error = assertThrows(SQLException.class, () -> fixture.pooled(properties));
    assertEquals("08001", error.getSQLState());
    assertTrue(error.getMessage().contains("webSocketPipelineConnect=false"), error.getMessage());
    assertTrue(error.getMessage().contains("SCRAM"), error.getMessage());
  }

  @Test
  void aWrongPasswordIsReportedByTheServerWithPipelining() throws SQLException {
    assumeFalse(!stack.tunnelUsesCleartextPassword(), "needs cleartext auth for tunnels");
    Properties properties = fixture.plain();
    properties.setProperty("webSocketPipelineConnect", "true");
    properties.setProperty("password", "not-the-password");
    SQLException error = assertThrows(SQLException.class, () -> fixture.direct(properties));
    assertEquals("28P01", error.getSQLState(), error.getMessage());
    assertFalse(error.getMessage().contains("not-the-password"));
  }

  @Test
  void theDefaultUrlIsNeonsProxyOverWss() throws SQLException {
    // No webSocketUrl: wss://{host}/v2, port 443 on loopback, where nothing listens.
    Properties properties = stack.credentials();
    properties.setProperty("transport", "websocket");
    properties.setProperty("connectTimeout", "2");
    SQLException error =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(fixture.directUrl(), properties));
    assertTrue(
        String.valueOf(error.getCause()).contains("Connection refused")
            || error.getMessage().contains("refused"),
        String.valueOf(error));
  }

  @Test
  void aDownProxyIsNamedInTheConnectErrorInsteadOfThePostgresEndpoint() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort(); // nothing listens there once closed
    }
    String proxy = "ws://127.0.0.1:" + port + "/v1";
    Properties properties =
        fixture.tunnel(
            "ws://alex:url-secret@127.0.0.1:"
                + port
                + "/v1?address={host}:{port}&token=tok-secret");
    SQLException error = assertThrows(SQLException.class, () -> fixture.pooled(properties));
    assertEquals("08001", error.getSQLState(), error.getMessage());
    assertTrue(error.getMessage().contains("WebSocket server " + proxy), error.getMessage());
    assertTrue(error.getMessage().contains("refused"), "says why: " + error.getMessage());
    assertFalse(
        error.getMessage().contains("Connection to " + stack.pooledHost()),
        "the attempt did not go to the Postgres endpoint: " + error.getMessage());
    for (String secret : new String[] {"url-secret", "tok-secret", stack.password()}) {
      assertFalse(error.getMessage().contains(secret), "no credentials: " + error.getMessage());
    }
    boolean refusedBelow = false;
    for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
      refusedBelow |= cause instanceof ConnectException;
    }
    assertTrue(refusedBelow, "the socket's own failure is kept as a cause");
  }

  @Test
  void aDownProxyOnARoutedUrlNamesTheEndpointAndTheWebSocketUrl() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Properties properties = fixture.tunnel("ws://127.0.0.1:" + port + "/v1?address={host}:{port}");
    SQLException error =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(stack.neonJdbcUrl(), properties));
    assertEquals("08001", error.getSQLState(), error.getMessage());
    assertTrue(
        error
            .getMessage()
            .contains("pooled endpoint " + stack.pooledHost() + ":" + stack.pooledPort()),
        error.getMessage());
    assertTrue(
        error.getMessage().contains("WebSocket server ws://127.0.0.1:" + port + "/v1"),
        error.getMessage());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

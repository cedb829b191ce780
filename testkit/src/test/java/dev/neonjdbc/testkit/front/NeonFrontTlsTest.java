package dev.neonjdbc.testkit.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.ServerEndpoint;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Direct TLS and SCRAM-SHA-256-PLUS at the front. */
class NeonFrontTlsTest {
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
  void pgJdbcDirectTlsNegotiationLogsInWithoutSslRequest() throws Exception {
    long before = fixture.front.logins("direct-tls");
    try (Connection direct =
        fixture.connect(fixture.url(fixture.front.directHostName(), "sslNegotiation=direct"))) {
      assertEquals(ServerEndpoint.DIRECT, fixture.stack.endpointOf(direct));
    }
    assertEquals(before + 1, fixture.front.logins("direct-tls"));
  }

  @Test
  void directTlsWithAlpnPostgresqlIsAcceptedAndAnotherAlpnIsRefused() throws Exception {
    try (SSLSocket socket = directTls(List.of("postgresql"))) {
      socket.startHandshake();
      assertEquals("postgresql", socket.getApplicationProtocol());
      OutputStream out = socket.getOutputStream();
      out.write(startupMessage(fixture.stack.user(), fixture.stack.database()));
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      assertEquals('R', in.readByte());
      int length = in.readInt();
      assertEquals(10, in.readInt(), "AuthenticationSASL: SCRAM at the front");
      String mechanisms =
          new String(in.readNBytes(length - 8), java.nio.charset.StandardCharsets.UTF_8);
      assertEquals("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0", mechanisms);
    }
    try (SSLSocket socket = directTls(List.of("http/1.1"))) {
      assertThrows(SSLHandshakeException.class, socket::startHandshake);
    }
  }

  @Test
  void directTlsWithoutAlpnIsAcceptedLikeNeonUnlessConfiguredToRequireIt() throws Exception {
    try (SSLSocket socket = directTls(fixture.front.port(), List.of())) {
      socket.startHandshake();
      assertEquals("", socket.getApplicationProtocol());
      socket.getOutputStream().write(startupMessage(fixture.stack.user(), "neondb"));
      socket.getOutputStream().flush();
      assertEquals('R', socket.getInputStream().read(), "Neon's proxy accepts a missing ALPN");
    }
    Path strictCertificates = certificates.resolve("strict");
    try (FrontFixture strict =
            FrontFixture.start(strictCertificates, builder -> builder.directTlsRequiresAlpn(true));
        SSLSocket socket = directTls(strict.front.port(), List.of())) {
      socket.startHandshake();
      socket.getOutputStream().write(startupMessage(fixture.stack.user(), "neondb"));
      socket.getOutputStream().flush();
      assertEquals(-1, socket.getInputStream().read(), "closed, as PostgreSQL 17 does");
    }
  }

  @Test
  void channelBindingRequireWorksAtTheFrontWherePgBouncerCannot() throws Exception {
    try (Connection pooled =
        fixture.connect(fixture.url(fixture.front.pooledHostName(), "channelBinding=require"))) {
      assertEquals(ServerEndpoint.POOLED, fixture.stack.endpointOf(pooled));
    }
    // The same requirement against the kit's PgBouncer itself: it offers no SCRAM-SHA-256-PLUS.
    SQLException plain =
        assertThrows(
            SQLException.class,
            () -> fixture.connect(fixture.stack.pooledJdbcUrl() + "&channelBinding=require"));
    assertTrue(plain.getMessage().toLowerCase().contains("channel binding"), plain.getMessage());
  }

  @Test
  void cancelThroughTheFrontReachesTheUpstreamSession() throws Exception {
    try (Connection direct = fixture.connect(fixture.url(fixture.front.directHostName(), ""));
        java.sql.Statement sleeping = direct.createStatement()) {
      Thread canceller =
          new Thread(
              () -> {
                try {
                  Thread.sleep(500);
                  sleeping.cancel();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      canceller.start();
      long start = System.nanoTime();
      SQLException e =
          assertThrows(SQLException.class, () -> sleeping.execute("SELECT pg_sleep(30)"));
      canceller.join();
      assertEquals("57014", e.getSQLState(), e.getMessage());
      assertTrue(System.nanoTime() - start < 20_000_000_000L, "cancelled long before 30 s");
    }
  }

  @Test
  void wrongPasswordGetsNeonsPasswordError() {
    SQLException e =
        assertThrows(
            SQLException.class,
            () ->
                fixture.connect(
                    fixture.url(fixture.front.pooledHostName(), "channelBinding=require"),
                    "not-the-password"));
    assertEquals(
        "ERROR: password authentication failed for user '" + fixture.stack.user() + "'",
        e.getMessage());
    assertEquals("XX000", e.getSQLState());
  }

  private static SSLSocket directTls(List<String> alpn) throws Exception {
    return directTls(fixture.front.port(), alpn);
  }

  private static SSLSocket directTls(int port, List<String> alpn) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(fixture.stack.trustStore())) {
      trust.load(in, fixture.stack.trustStorePassword().toCharArray());
    }
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustManagers.getTrustManagers(), null);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(fixture.front.directHostName())));
    if (!alpn.isEmpty()) {
      parameters.setApplicationProtocols(alpn.toArray(String[]::new));
    }
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(10_000);
    return socket;
  }

  static byte[] startupMessage(String user, String database) throws IOException {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream data = new java.io.DataOutputStream(body);
    data.writeInt(196608);
    for (String part : new String[] {"user", user, "database", database}) {
      data.write(part.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      data.write(0);
    }
    data.write(0);
    java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
    new java.io.DataOutputStream(message).writeInt(body.size() + 4);
    body.writeTo(message);
    return message.toByteArray();
  }
}

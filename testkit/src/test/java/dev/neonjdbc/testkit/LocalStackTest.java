package dev.neonjdbc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stack as tests see it: two TLS endpoints, SCRAM, one pooled alias with a single backend. */
@NeonStackTest
class LocalStackTest {
  private static NeonStack fromBeforeAll;
  private final NeonStack stack;

  LocalStackTest(NeonStack stack) {
    this.stack = stack;
  }

  @BeforeAll
  static void injectIntoBeforeAll(NeonStack stack) {
    fromBeforeAll = stack;
  }

  @Test
  void everyInjectionPointGetsTheOneSharedStack(NeonStack parameter) {
    assertSame(NeonStacks.shared(), stack);
    assertSame(stack, parameter);
    assertSame(stack, fromBeforeAll);
  }

  @Test
  void bothEndpointsAcceptVerifyFullTlsAgainstTheKitCa() throws SQLException {
    assertTrue(stack.sslParameters().contains("sslmode=verify-full"), stack.sslParameters());
    try (Connection pooled = stack.openPooled();
        Connection direct = stack.openDirect()) {
      assertEquals("1", scalar(pooled, "SELECT 1"));
      assertEquals("t", scalar(direct, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
      assertEquals(stack.user(), scalar(pooled, "SELECT current_user"));
      assertEquals(stack.database(), scalar(direct, "SELECT current_database()"));
    }
  }

  @Test
  void endpointOfTellsPooledFromDirect() throws SQLException {
    try (Connection pooled = stack.openPooled();
        Connection direct = stack.openDirect()) {
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(pooled));
      assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(direct));
    }
  }

  @Test
  void singleBackendDatabaseSharesOneBackendBetweenClients() throws SQLException {
    assumeTrue(!"neon".equals(stack.providerName()), "Neon's pooler cannot be configured");
    try (Connection first = stack.openPooled(stack.singleBackendDatabase());
        Connection second = stack.openPooled(stack.singleBackendDatabase())) {
      String firstPid = scalar(first, "SELECT pg_backend_pid()");
      String secondPid = scalar(second, "SELECT pg_backend_pid()");
      assertEquals(firstPid, secondPid);
      assertEquals(stack.singleBackendDatabase(), scalar(second, "SELECT current_database()"));
    }
  }

  @Test
  void adminConsoleListsPooledClients() throws SQLException {
    PgBouncerAdmin admin = stack.pgbouncerAdmin().orElseThrow();
    try (Connection pooled = stack.openPooled()) {
      scalar(pooled, "SELECT 1");
      List<Map<String, String>> clients = admin.show("CLIENTS");
      assertTrue(
          clients.stream()
              .anyMatch(
                  row ->
                      stack.user().equals(row.get("user"))
                          && stack.database().equals(row.get("database"))),
          clients.toString());
      List<Map<String, String>> pools = admin.show("SHOW POOLS");
      assertTrue(
          pools.stream().anyMatch(row -> stack.database().equals(row.get("database"))),
          pools.toString());
      List<Map<String, String>> databases = admin.show("DATABASES");
      assertTrue(
          databases.stream()
              .anyMatch(
                  row ->
                      stack.singleBackendDatabase().equals(row.get("name"))
                          && "1".equals(row.get("pool_size"))),
          databases.toString());
    }
  }

  @Test
  void pooledClientsTalkTlsToPgBouncer() throws SQLException {
    Properties properties = stack.credentials();
    properties.setProperty("ApplicationName", "tls-probe");
    try (Connection pooled = DriverManager.getConnection(stack.pooledJdbcUrl(), properties)) {
      scalar(pooled, "SELECT 1");
      Map<String, String> client =
          stack.pgbouncerAdmin().orElseThrow().show("CLIENTS").stream()
              .filter(row -> "tls-probe".equals(row.get("application_name")))
              .findFirst()
              .orElseThrow();
      assertTrue(client.get("tls").startsWith("TLSv1"), client.toString());
    }
  }

  @Test
  void everyLoginIsScram() throws SQLException {
    Properties noPassword = new Properties();
    noPassword.setProperty("user", stack.user());
    for (String url : List.of(stack.directJdbcUrl(), stack.pooledJdbcUrl())) {
      SQLException refused =
          assertThrows(SQLException.class, () -> DriverManager.getConnection(url, noPassword));
      assertTrue(refused.getMessage().contains("SCRAM"), refused.getMessage());
    }
    try (Connection superuser = stack.openSuperuser()) {
      assertEquals(
          "0",
          scalar(
              superuser,
              // except the WebSocket proxies' logins, which get cleartext as behind Neon's proxy:
              // from their own address (local), or without TLS (containers, where Docker forwards
              // every connection from one address)
              "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256'"
                  + " AND address IS DISTINCT FROM '127.0.0.2' AND type <> 'hostnossl'"));
      assertTrue(
          scalar(superuser, "SELECT rolpassword FROM pg_authid WHERE rolname = current_user")
              .startsWith("SCRAM-SHA-256$"));
      assertEquals("on", scalar(superuser, "SHOW ssl"));
    }
  }

  @Test
  void aWrongPasswordIsRefusedOnBothEndpoints() {
    Properties wrong = stack.credentials();
    wrong.setProperty("password", "not-" + stack.password());
    SQLException direct =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(stack.directJdbcUrl(), wrong));
    assertEquals("28P01", direct.getSQLState(), direct.getMessage());
    // PgBouncer reports a failed SCRAM exchange as a protocol violation, not 28P01.
    SQLException pooled =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(stack.pooledJdbcUrl(), wrong));
    assertTrue(pooled.getMessage().contains("SASL authentication failed"), pooled.getMessage());
    assertFalse(pooled.getMessage().contains(stack.password()));
  }

  @Test
  void pooledSessionsAreTransactionPooled() throws SQLException {
    try (Connection pooled = stack.openPooled(stack.singleBackendDatabase());
        Connection other = stack.openPooled(stack.singleBackendDatabase())) {
      // A setting PgBouncer does not track per client: 1.24 gives each client its own
      // application_name back on every handover (1.18 let a set_config of it leak), not this one.
      scalar(pooled, "SELECT set_config('neonkit.probe', 'leaked-setting', false)");
      // The backend went back to the pool after that statement; the next client gets it as is.
      assertEquals("leaked-setting", scalar(other, "SELECT current_setting('neonkit.probe')"));
      try (Statement reset = other.createStatement()) {
        reset.execute("RESET neonkit.probe");
      }
    }
  }

  @Test
  void certificatesAndTrustStoreAreUsable() throws Exception {
    assumeTrue(stack.caCertificate() != null, "no kit CA on this provider");
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    X509Certificate ca;
    X509Certificate wrongHost;
    try (InputStream in = Files.newInputStream(stack.caCertificate())) {
      ca = (X509Certificate) x509.generateCertificate(in);
    }
    try (InputStream in = Files.newInputStream(stack.wrongHostCertificate())) {
      wrongHost = (X509Certificate) x509.generateCertificate(in);
    }
    wrongHost.verify(ca.getPublicKey());
    assertEquals(List.of(List.of(2, "wrong.example")), List.copyOf(subjectAltNames(wrongHost)));
    assertTrue(Files.readString(stack.wrongHostKey()).contains("PRIVATE KEY"));

    KeyStore trustStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(stack.trustStore())) {
      trustStore.load(in, stack.trustStorePassword().toCharArray());
    }
    String alias = trustStore.aliases().nextElement();
    assertTrue(trustStore.isCertificateEntry(alias));
    assertEquals(ca, trustStore.getCertificate(alias));
  }

  @Test
  void urlsAndEnvironmentDescribeBothEndpoints() {
    String pooled = stack.pooledHost() + ":" + stack.pooledPort();
    String direct = stack.directHost() + ":" + stack.directPort();
    assertEquals(
        "jdbc:postgresql://" + pooled + "/neondb?" + stack.sslParameters(), stack.pooledJdbcUrl());
    assertEquals(
        "jdbc:postgresql://" + direct + "/neondb?" + stack.sslParameters(), stack.directJdbcUrl());
    assertEquals(
        "jdbc:neon://"
            + pooled
            + "/neondb_single?directHost="
            + stack.directHost()
            + "&directPort="
            + stack.directPort()
            + "&"
            + stack.sslParameters(),
        stack.neonJdbcUrl("neondb_single"));

    Map<String, String> env = stack.environment();
    String credentials = stack.user() + ":" + stack.password() + "@";
    assertTrue(
        env.get("DATABASE_URL")
            .startsWith(
                "postgresql://"
                    + credentials
                    + pooled
                    + "/neondb?sslmode=verify-full&sslrootcert="),
        env.get("DATABASE_URL"));
    assertTrue(
        env.get("DATABASE_URL_UNPOOLED")
            .startsWith("postgresql://" + credentials + direct + "/neondb?"));
    assertEquals(Integer.toString(stack.pooledPort()), env.get("PGPORT"));
    assertEquals(stack.directHost(), env.get("PGHOST_UNPOOLED"));
    assertEquals(Integer.toString(stack.directPort()), env.get("PGPORT_UNPOOLED"));
    assertEquals("verify-full", env.get("PGSSLMODE"));
    assertEquals(stack.caCertificate().toString(), env.get("PGSSLROOTCERT"));
    assertEquals(stack.password(), env.get("PGPASSWORD"));
  }

  @Test
  void logsAreKeptUnderTarget() {
    assertTrue(
        stack.logDirectory().toString().contains("neon-testkit"), stack.logDirectory().toString());
    assertTrue(Files.isRegularFile(stack.logDirectory().resolve("stack.txt")));
    assertNotNull(stack.logDirectory());
  }

  private static java.util.Collection<List<?>> subjectAltNames(X509Certificate certificate)
      throws Exception {
    return certificate.getSubjectAlternativeNames();
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      assertTrue(row.next(), sql);
      return row.getString(1);
    }
  }
}

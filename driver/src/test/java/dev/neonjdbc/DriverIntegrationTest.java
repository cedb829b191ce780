package dev.neonjdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code jdbc:neon:} against the kit's real PostgreSQL and PgBouncer (TLS, SCRAM). */
@NeonStackTest
class DriverIntegrationTest {
  private final NeonStack stack;

  DriverIntegrationTest(NeonStack stack) {
    this.stack = stack;
  }

  @Test
  void connectsToThePooledEndpointByDefaultWithVerifyFull(NeonStack stack) throws SQLException {
    try (Connection connection =
        DriverManager.getConnection(stack.neonJdbcUrl(), stack.credentials())) {
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(connection));
      assertEquals(stack.user(), scalar(connection, "select current_user"));
    }
  }

  @Test
  void connectsToTheDirectEndpointWithRouteDirectOverTls() throws SQLException {
    try (Connection connection =
        DriverManager.getConnection(stack.neonJdbcUrl() + "&route=direct", stack.credentials())) {
      assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(connection));
      assertEquals(
          "t", scalar(connection, "select ssl from pg_stat_ssl where pid = pg_backend_pid()"));
    }
  }

  @Test
  void verifyFullRejectsAServerItCannotVerify() {
    // The JVM trust store does not hold the kit's CA: verification must fail on both endpoints.
    for (String route : List.of("pooled", "direct")) {
      String url =
          "jdbc:neon://"
              + stack.pooledHost()
              + ":"
              + stack.pooledPort()
              + "/"
              + stack.database()
              + "?directPort="
              + stack.directPort()
              + "&route="
              + route
              + "&sslmode=verify-full&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory";
      SQLException error =
          assertThrows(
              SQLException.class, () -> DriverManager.getConnection(url, stack.credentials()));
      assertTrue(
          String.valueOf(error.getMessage()).toLowerCase().contains("ssl"), error.getMessage());
    }
  }

  @Test
  void pastedNeonFormWithUserInfoConnects() throws SQLException {
    String url =
        "jdbc:neon:postgresql://"
            + stack.user()
            + ":"
            + stack.password()
            + "@"
            + stack.pooledHost()
            + ":"
            + stack.pooledPort()
            + "/"
            + stack.database()
            + "?"
            + stack.sslParameters()
            + "&directPort="
            + stack.directPort()
            + "&application_name=pasted";
    try (Connection connection = DriverManager.getConnection(url)) {
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(connection));
      assertEquals("pasted", scalar(connection, "show application_name"));
    }
  }

  @Test
  void channelBindingRequireWorksOnTheDirectEndpoint() throws SQLException {
    try (Connection connection =
        DriverManager.getConnection(
            stack.neonJdbcUrl() + "&route=direct&channel_binding=require", stack.credentials())) {
      assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(connection));
    }
  }

  @Test
  void channelBindingRequireFailsClearlyThroughPgBouncer() {
    SQLException error =
        assertThrows(
            SQLException.class,
            () ->
                DriverManager.getConnection(
                    stack.neonJdbcUrl() + "&channel_binding=require", stack.credentials()));
    assertEquals("08001", error.getSQLState(), error.getMessage());
    assertTrue(error.getMessage().contains("channel_binding=require"), error.getMessage());
    assertTrue(error.getMessage().contains("PgBouncer"), error.getMessage());
    assertFalse(error.getMessage().contains(stack.password()), error.getMessage());
  }

  @Test
  void singleEndpointUrlIsPlainPgJdbcPassThrough() throws SQLException {
    // Only one endpoint known: no pooler assumptions, so startup settings reach the server as is.
    String url =
        "jdbc:neon://"
            + stack.directHost()
            + ":"
            + stack.directPort()
            + "/"
            + stack.database()
            + "?"
            + stack.sslParameters()
            + "&currentSchema=pg_catalog";
    try (Connection connection = DriverManager.getConnection(url, stack.credentials())) {
      assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(connection));
      assertEquals("pg_catalog", scalar(connection, "select current_schema()"));
      assertFalse(connection.unwrap(NeonConnection.class).isRouting());
    }
  }

  @Test
  void wrongPasswordFailsWithoutEchoingIt() {
    Properties wrong = new Properties();
    wrong.setProperty("user", stack.user());
    wrong.setProperty("password", "Wr0ngSecret");
    SQLException error =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(stack.neonJdbcUrl(), wrong));
    assertFalse(String.valueOf(error.getMessage()).contains("Wr0ngSecret"), error.getMessage());
  }

  @Test
  void badInputThroughDriverManagerIsAClearSqlException() {
    SQLException error =
        assertThrows(
            SQLException.class,
            () ->
                DriverManager.getConnection(
                    "jdbc:neon:postgresql://alex:Sup3rSecret@localhost:65536/db"));
    assertEquals("22023", error.getSQLState());
    assertTrue(error.getMessage().contains("'port'"), error.getMessage());
    assertTrue(error.getMessage().contains("alex:***@localhost"), error.getMessage());
    assertFalse(error.getMessage().contains("Sup3rSecret"), error.getMessage());
  }

  @Test
  void connectReturnsNullForOtherUrls() throws SQLException {
    assertNull(new Driver().connect(stack.pooledJdbcUrl(), stack.credentials()));
    assertFalse(new Driver().acceptsURL("jdbc:postgresql://localhost/db"));
  }

  @Test
  void propertyInfoListsEveryPropertyAndMasksThePassword() throws SQLException {
    DriverPropertyInfo[] info =
        new Driver()
            .getPropertyInfo(
                "jdbc:neon:postgresql://alex:Sup3rSecret@db.example.com/app?route=direct&directPort=5433",
                new Properties());
    Set<String> names = Arrays.stream(info).map(p -> p.name).collect(Collectors.toSet());
    for (NeonProperty property : NeonProperty.values()) {
      assertTrue(names.contains(property.getName()), property.getName());
    }
    assertTrue(names.contains("sslmode"), "pgJDBC's properties follow ours");
    assertEquals(
        info.length, names.size(), "a key both drivers know (loginTimeout) is listed once");
    for (DriverPropertyInfo property : info) {
      assertFalse(String.valueOf(property.value).contains("Sup3rSecret"), property.name);
      if (property.name.equals("route")) {
        assertEquals("direct", property.value);
        assertNotNull(property.description);
      }
    }
  }

  @Test
  void bareUrlReadsTheEnvironmentAndDriverManagerFindsTheDriver()
      throws IOException, InterruptedException {
    // A fresh JVM, so nothing has loaded dev.neonjdbc.Driver before DriverManager looks for it.
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(EnvironmentProbe.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("PG") || name.startsWith("DATABASE_URL"));
    builder.environment().putAll(stack.environment());
    Process process = builder.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("driver=dev.neonjdbc.Driver"), output);
    assertTrue(output.contains("user=" + stack.user()), output);
    assertTrue(output.contains("endpoint=pooled"), output);
    assertTrue(output.contains("direct-endpoint=direct"), output);
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}

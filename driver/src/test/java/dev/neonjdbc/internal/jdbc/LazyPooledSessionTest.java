package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.ErrorStatesTest.closedPort;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.run;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.scalar;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * The pooled session opens on first need: work that needs only the direct endpoint (migrations,
 * DDL) runs while PgBouncer is down, and bad credentials still fail at {@code getConnection()}.
 */
@NeonStackTest
class LazyPooledSessionTest {
  private final NeonStack stack;
  private int deadPooledPort;

  LazyPooledSessionTest(NeonStack stack) {
    this.stack = stack;
  }

  @BeforeEach
  void poolerDown() throws IOException {
    assumeFalse("neon".equals(stack.providerName()), "points the pooled endpoint at a dead port");
    deadPooledPort = closedPort();
  }

  /** The kit's endpoints, except that nothing listens on the pooled one. */
  private String poolerDownUrl(String extra) {
    return "jdbc:neon://"
        + stack.pooledHost()
        + ":"
        + deadPooledPort
        + "/"
        + stack.database()
        + "?directHost="
        + stack.directHost()
        + "&directPort="
        + stack.directPort()
        + "&"
        + stack.sslParameters()
        + extra;
  }

  @Test
  void migrationsRunOnDirectWhileThePoolerIsDown() throws SQLException {
    String table = unique("lazy_migration");
    try (Connection connection =
        DriverManager.getConnection(poolerDownUrl(""), stack.credentials())) {
      NeonConnection neon = connection.unwrap(NeonConnection.class);
      assertTrue(
          neon.session(EndpointKind.POOLED).isEmpty(),
          "nothing opened on the dead pooled endpoint");
      run(connection, "CREATE TABLE " + table + " (id int primary key)");
      run(connection, "ALTER TABLE " + table + " ADD COLUMN note text");
      run(connection, "CREATE INDEX CONCURRENTLY " + table + "_note ON " + table + " (note)");
      assertEquals("direct", endpointOfHintedStatement(connection));
      run(connection, "DROP TABLE " + table);
      assertFalse(connection.isClosed());
    }
    try (Connection observer = stack.openDirect()) {
      assertEquals(
          "0",
          scalar(observer, "select count(*) from pg_tables where tablename = '" + table + "'"),
          "the migration ran to its end on the server");
    }
  }

  @Test
  void aPooledStatementFailsWith08001NamingThePooledEndpoint() throws SQLException {
    try (Connection connection =
        DriverManager.getConnection(poolerDownUrl(""), stack.credentials())) {
      SQLException error = assertThrows(SQLException.class, () -> scalar(connection, "select 1"));
      assertEquals("08001", error.getSQLState(), error.getMessage());
      assertTrue(
          error
              .getMessage()
              .contains("pooled endpoint " + stack.pooledHost() + ":" + deadPooledPort),
          error.getMessage());
      assertFalse(error.getMessage().contains(stack.password()));
      // The connection stays usable for direct work, and the pooled endpoint is tried again.
      assertEquals("direct", endpointOfHintedStatement(connection));
      assertEquals(
          "08001",
          assertThrows(SQLException.class, () -> scalar(connection, "select 2")).getSQLState());
    }
  }

  @Test
  void badCredentialsStillFailAtGetConnectionWhileThePoolerIsDown() {
    Properties wrong = stack.credentials();
    wrong.setProperty("password", "not-the-password");
    SQLException error =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(poolerDownUrl(""), wrong));
    assertEquals("28P01", error.getSQLState(), error.getMessage());
    assertFalse(error.getMessage().contains("not-the-password"));
  }

  @Test
  void badCredentialsFailAtGetConnectionWhenBothEndpointsAnswer() {
    Properties wrong = stack.credentials();
    wrong.setProperty("password", "not-the-password");
    SQLException error =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(stack.neonJdbcUrl(), wrong));
    // The pooled endpoint answers: PostgreSQL says 28P01, PgBouncer its own 08P01. Either is the
    // server's answer, passed through; the direct endpoint is not asked to hide it.
    assertTrue(
        error.getSQLState().equals("28P01") || error.getSQLState().equals("08P01"),
        error.getSQLState() + " " + error.getMessage());
    assertTrue(error.getMessage().contains("authentication failed"), error.getMessage());
    assertInstanceOf(PSQLException.class, error, "the server's answer, unchanged");
    assertFalse(error.getMessage().contains("not-the-password"));
  }

  @Test
  void routePooledWithThePoolerDownFailsAtGetConnection() {
    SQLException error =
        assertThrows(
            SQLException.class,
            () -> DriverManager.getConnection(poolerDownUrl("&route=pooled"), stack.credentials()));
    assertEquals("08001", error.getSQLState(), error.getMessage());
  }

  /** Which endpoint ran a statement hinted to direct, as the server reports it. */
  private static String endpointOfHintedStatement(Connection connection) throws SQLException {
    return scalar(
        connection,
        "/* neon:direct */ select case when inet_server_addr() is null then 'pooled' else"
            + " 'direct' end");
  }
}

package dev.neonjdbc.front;

import static dev.neonjdbc.front.FrontSupport.frontOf;
import static dev.neonjdbc.front.FrontSupport.run;
import static dev.neonjdbc.front.FrontSupport.runThenAsk;
import static dev.neonjdbc.front.FrontSupport.scalar;
import static dev.neonjdbc.front.FrontSupport.tcpLogins;
import static dev.neonjdbc.front.FrontSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ServerEndpoint;
import dev.neonjdbc.testkit.front.NeonFront;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * A {@code jdbc:neon:} URL that names only Neon's pooled host, reaching the kit's Neon-shaped front
 * the way an application reaches Neon: the driver derives the direct host, the front routes each
 * session by its TLS server name, and the servers behind it say which endpoint ran what.
 */
@NeonStackTest
class FrontRoutingTest {
  private final NeonStack stack;
  private final NeonFront front;

  FrontRoutingTest(NeonStack stack) {
    this.stack = stack;
    this.front = frontOf(stack);
  }

  @Test
  void queriesGoToPgBouncerAndDdlToPostgresThroughTheFront() throws SQLException {
    String table = unique("front_routed");
    FrontSupport.LogTail log = new FrontSupport.LogTail(stack);
    long logins = tcpLogins(front);
    try (Connection connection = open()) {
      NeonConnection neon = connection.unwrap(NeonConnection.class);
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(connection));
      // PgBouncer reaches PostgreSQL over its Unix socket: no server port on pooled sessions.
      assertNull(scalar(connection, "SELECT inet_server_port()"));

      String ddlPort = runThenAsk(connection, "CREATE TABLE " + table + " (v int)", PORT);
      try {
        assertEquals(FrontSupport.directServerPort(stack), ddlPort, "DDL ran on PostgreSQL");
        String directPid =
            scalar(neon.session(EndpointKind.DIRECT).orElseThrow(), "SELECT pg_backend_pid()");
        assertEquals(
            directPid,
            runThenAsk(connection, "ALTER TABLE " + table + " ADD COLUMN w int", PID),
            "DDL ran on the direct session the connection holds");

        run(connection, "INSERT INTO " + table + " VALUES (1, 2)");
        assertEquals(ServerEndpoint.POOLED, stack.endpointOf(connection));
        assertEquals("1", scalar(connection, "SELECT count(*) FROM " + table));
        assertFalse(neon.isPinned());
      } finally {
        run(connection, "DROP TABLE " + table);
      }
    }
    assertEquals(2, tcpLogins(front) - logins, "one login at the front per endpoint");
    assertEquals(1, log.count("(pooled) user " + stack.user()), "front log: pooled session");
    assertEquals(1, log.count("(direct) user " + stack.user()), "front log: direct session");
  }

  @Test
  void listenThroughTheFrontPinsTheConnectionToPostgres() throws SQLException {
    String channel = unique("front_channel");
    try (Connection connection = open()) {
      NeonConnection neon = connection.unwrap(NeonConnection.class);
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(connection));
      run(connection, "LISTEN " + channel);
      assertTrue(neon.isPinned(), "LISTEN pins");
      assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(connection));
      assertEquals(
          FrontSupport.directServerPort(stack), scalar(connection, "SELECT inet_server_port()"));
      assertEquals(
          "t",
          scalar(connection, "SELECT '" + channel + "' IN (SELECT pg_listening_channels())"),
          "the session that listens is the one the connection now uses");
    }
  }

  @Test
  void temporaryTableThroughTheFrontLivesOnThePinnedDirectSession() throws SQLException {
    try (Connection connection = open()) {
      NeonConnection neon = connection.unwrap(NeonConnection.class);
      String port = runThenAsk(connection, "CREATE TEMP TABLE front_scratch (v int)", PORT);
      assertEquals(FrontSupport.directServerPort(stack), port);
      assertTrue(neon.isPinned(), "a temporary table pins");
      run(connection, "INSERT INTO front_scratch VALUES (42)");
      assertEquals("42", scalar(connection, "SELECT v FROM front_scratch"));
      assertEquals(
          scalar(neon.session(EndpointKind.DIRECT).orElseThrow(), "SELECT pg_backend_pid()"),
          scalar(connection, "SELECT pg_backend_pid()"));
    }
  }

  @Test
  void neonsPooledStringWithChannelBindingRequireWorksEndToEnd() throws SQLException {
    long logins = tcpLogins(front);
    String table = unique("front_bound");
    try (Connection connection = DriverManager.getConnection(neonConsoleString(front))) {
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(connection));
      assertEquals(
          FrontSupport.directServerPort(stack),
          runThenAsk(connection, "CREATE TABLE " + table + " (v int)", PORT));
      run(connection, "DROP TABLE " + table);
    }
    // pgJDBC with channelBinding=require accepts only SCRAM-SHA-256-PLUS: both logins used it.
    assertEquals(2, tcpLogins(front) - logins);
  }

  @Test
  void theSameStringAgainstPlainPgBouncerFailsOnChannelBinding() {
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
            + "?sslmode=require&channel_binding=require&directPort="
            + stack.directPort();
    SQLException error;
    try (Connection connection = DriverManager.getConnection(url)) {
      error = assertThrows(SQLException.class, () -> scalar(connection, "SELECT 1"));
    } catch (SQLException e) {
      error = e;
    }
    assertTrue(
        String.valueOf(error.getMessage()).contains("channel_binding=require"), error.getMessage());
    assertFalse(error.getMessage().contains(stack.password()), "password masked");
  }

  /**
   * The pooled string Neon's console shows ({@code sslmode=require&channel_binding=require}), with
   * only the front's socket factory added, since the Neon host names do not resolve here.
   */
  private String neonConsoleString(NeonFront front) {
    return "jdbc:neon:postgresql://"
        + stack.user()
        + ":"
        + stack.password()
        + "@"
        + front.pooledHostName()
        + "/"
        + stack.database()
        + "?sslmode=require&channel_binding=require&"
        + front.socketFactoryParameters()
        + (stack.poolerKeepsPreparedStatements() ? "" : "&poolerPreparedStatements=false");
  }

  private Connection open() throws SQLException {
    return DriverManager.getConnection(stack.frontNeonJdbcUrl().orElseThrow(), stack.credentials());
  }

  private static final String PORT = "SELECT inet_server_port()";
  private static final String PID = "SELECT pg_backend_pid()";
}

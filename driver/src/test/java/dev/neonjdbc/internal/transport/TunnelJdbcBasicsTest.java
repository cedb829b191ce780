package dev.neonjdbc.internal.transport;

import static dev.neonjdbc.internal.transport.TunnelFixture.run;
import static dev.neonjdbc.internal.transport.TunnelFixture.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ordinary JDBC work through the kit's WebSocket proxies, on both endpoints. */
@NeonStackTest
class TunnelJdbcBasicsTest {
  private final NeonStack stack;
  private final TunnelFixture fixture;

  TunnelJdbcBasicsTest(NeonStack stack) {
    this.stack = stack;
    this.fixture = new TunnelFixture(stack);
  }

  @BeforeEach
  void needsTheKitsProxy() {
    assumeFalse("neon".equals(stack.providerName()), "the kit's proxy relays to local servers");
  }

  @Test
  void queriesRunOnTheDirectEndpointThroughWss() throws SQLException {
    long before = stack.secureWebSocketProxy().tunnelsOpened();
    try (Connection connection = fixture.direct(fixture.secure())) {
      assertEquals("2", scalar(connection, "select 1 + 1"));
      assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(connection));
      // Inside the tunnel there is no Postgres TLS: wss carries the encryption.
      assertEquals(
          "f", scalar(connection, "select ssl from pg_stat_ssl where pid = pg_backend_pid()"));
    }
    assertTrue(stack.secureWebSocketProxy().tunnelsOpened() > before, "went through the proxy");
  }

  @Test
  void queriesRunOnThePooledEndpointThroughWss() throws SQLException {
    try (Connection connection = fixture.pooled(fixture.secure())) {
      assertEquals("hello", scalar(connection, "select 'hello'"));
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(connection));
    }
  }

  @Test
  void tunnelledDirectLoginsComeFromTheProxy() throws SQLException {
    assumeFalse(!stack.tunnelUsesCleartextPassword(), "needs the stack's pg_hba rule");
    try (Connection connection = fixture.direct(fixture.plain())) {
      // The proxy's own connection: no TLS inside the tunnel, as behind Neon's proxy.
      assertEquals(
          "f", scalar(connection, "select ssl from pg_stat_ssl where pid = pg_backend_pid()"));
      if (stack.webSocketProxy().sourceAddress() != null) {
        // The local provider's proxies connect from an address of their own.
        assertEquals(
            stack.webSocketProxy().sourceAddress() + "/32",
            scalar(connection, "select inet_client_addr()::text"));
      }
    }
  }

  @Test
  void preparedStatementsBindAndRepeat() throws SQLException {
    try (Connection connection = fixture.direct(fixture.secure());
        PreparedStatement statement =
            connection.prepareStatement("select ?::int * 2, ?::text || '!'")) {
      for (int i = 0; i < 8; i++) { // past prepareThreshold: server-side statements too
        statement.setInt(1, i);
        statement.setString(2, "n" + i);
        try (ResultSet row = statement.executeQuery()) {
          assertTrue(row.next());
          assertEquals(2 * i, row.getInt(1));
          assertEquals("n" + i + "!", row.getString(2));
        }
      }
    }
  }

  @Test
  void transactionsCommitAndRollBack() throws SQLException {
    String table = TunnelFixture.unique("ws_tx");
    // Both endpoints tunnelled; the transaction stays on the one its first statement chose.
    try (Connection connection =
        java.sql.DriverManager.getConnection(stack.neonJdbcUrl(), fixture.secure())) {
      run(connection, "create table " + table + " (v int)");
      try {
        connection.setAutoCommit(false);
        run(connection, "insert into " + table + " values (1)");
        connection.commit();
        run(connection, "insert into " + table + " values (2)");
        connection.rollback();
        connection.setAutoCommit(true);
        assertEquals("1", scalar(connection, "select string_agg(v::text, ',') from " + table));
      } finally {
        connection.setAutoCommit(true);
        run(connection, "drop table " + table);
      }
    }
  }

  @Test
  void aServerErrorLeavesTheTunnelUsable() throws SQLException {
    try (Connection connection = fixture.direct(fixture.plain())) {
      SQLException error =
          org.junit.jupiter.api.Assertions.assertThrows(
              SQLException.class, () -> scalar(connection, "select 1/0"));
      assertEquals("22012", error.getSQLState());
      assertEquals("3", scalar(connection, "select 3"));
      assertFalse(connection.isClosed());
    }
  }
}

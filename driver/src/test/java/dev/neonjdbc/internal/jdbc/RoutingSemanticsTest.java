package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.RoutingFixture.endpointOfStatement;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.run;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.scalar;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import org.junit.jupiter.api.Test;

/** The router's semantics on the real stack: transactions, refusals, prepared statements. */
@NeonStackTest
class RoutingSemanticsTest {
  private final RoutingFixture kit;

  RoutingSemanticsTest(NeonStack stack) {
    this.kit = new RoutingFixture(stack);
  }

  @Test
  void transactionThatHasWrittenStaysOnOneBackendWhateverItsStatements() throws SQLException {
    String table = unique("tx_one");
    try (Connection client = kit.neon()) {
      client.setAutoCommit(false);
      String pid = scalar(client, "SELECT pg_backend_pid()");
      assertEquals("pooled", endpointOfStatement(client));
      scalar(client, "SELECT pg_current_xact_id()"); // assigns a transaction id: it has written
      run(client, "CREATE TABLE " + table + " (id int)"); // DDL inside the pooled transaction
      run(client, "INSERT INTO " + table + " VALUES (1)");
      assertEquals(pid, scalar(client, "SELECT pg_backend_pid()"));
      client.commit();
      assertEquals("1", scalar(client, "SELECT count(*) FROM " + table));
      client.commit();
      client.setAutoCommit(true);
      run(client, "DROP TABLE " + table);
    }
  }

  @Test
  void ddlInsideAPooledTransactionRollsBackWithIt() throws SQLException {
    String table = unique("tx_rollback");
    try (Connection client = kit.neon();
        Connection observer = kit.plainDirect()) {
      client.setAutoCommit(false);
      scalar(client, "SELECT 1");
      run(client, "CREATE TABLE " + table + " (id int)");
      client.rollback();
      assertNull(scalar(observer, "SELECT to_regclass('" + table + "')"));
      scalar(client, "SELECT 1");
      run(client, "CREATE TABLE " + table + " (id int)");
      client.commit();
      assertEquals(table, scalar(observer, "SELECT to_regclass('" + table + "')::text"));
      run(observer, "DROP TABLE " + table);
    }
  }

  @Test
  void pinningStatementInsideAPooledTransactionThatWroteIsRefusedBeforeItIsSent()
      throws SQLException {
    String channel = unique("refused");
    try (Connection client = kit.neon()) {
      client.setAutoCommit(false);
      scalar(client, "SELECT pg_current_xact_id()"); // assigns a transaction id: it has written
      SQLException error = assertThrows(SQLException.class, () -> run(client, "LISTEN " + channel));
      assertEquals("0A000", error.getSQLState());
      assertTrue(error.getMessage().contains("already written"), error.getMessage());
      assertTrue(error.getMessage().contains("/* neon:direct */"), error.getMessage());
      assertTrue(error.getMessage().contains("pinDirect()"), error.getMessage());
      // Nothing reached the server: the transaction is healthy and listens to nothing.
      assertEquals("0", scalar(client, "SELECT count(*) FROM pg_listening_channels()"));
      assertEquals("pooled", endpointOfStatement(client));
      assertFalse(client.unwrap(NeonConnection.class).isPinned());
      client.rollback();
    }
  }

  @Test
  void transactionHintedDirectMayCreateSessionState() throws SQLException {
    String table = unique("hinted");
    try (Connection client = kit.neon()) {
      client.setAutoCommit(false);
      assertEquals("direct", scalar(client, "/* neon:direct */ SELECT 'direct'"));
      assertEquals("direct", endpointOfStatement(client));
      run(client, "CREATE TEMP TABLE " + table + " (x int)");
      client.commit();
      assertTrue(client.unwrap(NeonConnection.class).isPinned());
      assertEquals("0", scalar(client, "SELECT count(*) FROM " + table));
      client.commit();
    }
  }

  @Test
  void pinDirectBeforeATransactionMovesItToDirect() throws SQLException {
    try (Connection client = kit.neon()) {
      NeonConnection neon = client.unwrap(NeonConnection.class);
      assertEquals(EndpointKind.POOLED, neon.endpointFor("SELECT 1"));
      assertEquals(EndpointKind.DIRECT, neon.endpointFor("LISTEN x"));
      neon.pinDirect();
      assertEquals(EndpointKind.DIRECT, neon.endpointFor("SELECT 1"));
      assertEquals("direct", endpointOfStatement(client));
    }
  }

  @Test
  void preparedStatementCreatedInAutoCommitRunsInATransactionThatBeganOnDirect()
      throws SQLException {
    try (Connection client = kit.neon();
        PreparedStatement probe =
            client.prepareStatement(
                "SELECT inet_server_addr() IS NULL, pg_backend_pid(), ?::int + ?::int")) {
      probe.setInt(1, 40);
      probe.setInt(2, 2);
      try (ResultSet rs = probe.executeQuery()) {
        rs.next();
        assertTrue(rs.getBoolean(1), "auto-commit SELECT runs pooled");
        assertEquals(42, rs.getInt(3));
      }
      client.setAutoCommit(false);
      String directPid = scalar(client, "/* neon:direct */ SELECT pg_backend_pid()");
      try (ResultSet rs = probe.executeQuery()) {
        rs.next();
        assertFalse(rs.getBoolean(1), "inside the direct transaction");
        assertEquals(directPid, rs.getString(2));
        assertEquals(42, rs.getInt(3), "parameters replayed on the direct session");
      }
      client.commit();
    }
  }

  @Test
  void batchesRunOnTheRouteOfTheirStrongestStatement() throws SQLException {
    String table = unique("batch");
    try (Connection client = kit.neon()) {
      run(client, "CREATE TABLE " + table + " (id int, pooled boolean)");
      try (Statement statement = client.createStatement()) {
        statement.addBatch("INSERT INTO " + table + " VALUES (1, inet_server_addr() IS NULL)");
        statement.addBatch("INSERT INTO " + table + " VALUES (2, inet_server_addr() IS NULL)");
        assertArrayEquals(new int[] {1, 1}, statement.executeBatch());
      }
      try (PreparedStatement insert =
          client.prepareStatement(
              "INSERT INTO " + table + " VALUES (?, inet_server_addr() IS NULL)")) {
        for (int id = 3; id <= 5; id++) {
          insert.setInt(1, id);
          insert.addBatch();
        }
        assertArrayEquals(new int[] {1, 1, 1}, insert.executeBatch());
      }
      assertEquals("5", scalar(client, "SELECT count(*) FROM " + table + " WHERE pooled"));
      try (Statement statement = client.createStatement()) {
        statement.addBatch("INSERT INTO " + table + " VALUES (6, inet_server_addr() IS NULL)");
        statement.addBatch("COMMENT ON TABLE " + table + " IS 'batched'");
        statement.executeBatch();
      }
      assertEquals("f", scalar(client, "SELECT pooled FROM " + table + " WHERE id = 6"));
      run(client, "DROP TABLE " + table);
    }
  }

  @Test
  void multiStatementStringTakesItsStrongestRoute() throws SQLException {
    String channel = unique("multi");
    try (Connection client = kit.neon()) {
      run(client, "SELECT 1; LISTEN " + channel);
      assertTrue(client.unwrap(NeonConnection.class).isPinned());
      assertEquals("1", scalar(client, "SELECT count(*) FROM pg_listening_channels()"));
    }
  }

  @Test
  void discardAllUnpins() throws SQLException {
    String channel = unique("discard");
    try (Connection client = kit.neon()) {
      NeonConnection neon = client.unwrap(NeonConnection.class);
      run(client, "LISTEN " + channel);
      assertTrue(neon.isPinned());
      assertEquals("direct", endpointOfStatement(client));
      run(client, "DISCARD ALL");
      assertFalse(neon.isPinned());
      assertEquals("pooled", endpointOfStatement(client));
    }
  }

  @Test
  void handedOutObjectsPointBackAtTheLogicalOnes() throws SQLException {
    try (Connection client = kit.neon();
        Statement statement = client.createStatement();
        PreparedStatement prepared = client.prepareStatement("SELECT ?::int");
        CallableStatement call = client.prepareCall("{? = call upper(?)}")) {
      assertSame(client, statement.getConnection());
      try (ResultSet rs = statement.executeQuery("SELECT 1")) {
        assertSame(statement, rs.getStatement());
      }
      prepared.setInt(1, 7);
      try (ResultSet rs = prepared.executeQuery()) {
        assertSame(prepared, rs.getStatement());
        assertSame(client, rs.getStatement().getConnection());
      }
      DatabaseMetaData metadata = client.getMetaData();
      assertSame(client, metadata.getConnection());
      try (ResultSet tables = metadata.getTables(null, "pg_catalog", "pg_class", null)) {
        assertTrue(tables.next());
        assertNull(tables.getStatement(), "no way back to the physical connection");
      }
      call.registerOutParameter(1, Types.VARCHAR);
      call.setString(2, "neon");
      call.execute();
      assertEquals("NEON", call.getString(1));
      assertSame(client, call.getConnection());
    }
  }

  @Test
  void savepointsStayInTheirTransaction() throws SQLException {
    String table = unique("savepoint");
    try (Connection client = kit.neon()) {
      run(client, "CREATE TABLE " + table + " (id int)");
      client.setAutoCommit(false);
      run(client, "INSERT INTO " + table + " VALUES (1)");
      Savepoint savepoint = client.setSavepoint();
      run(client, "INSERT INTO " + table + " VALUES (2)");
      client.rollback(savepoint);
      client.commit();
      assertEquals("1", scalar(client, "SELECT count(*) FROM " + table));
      client.commit();
      client.setAutoCommit(true);
      run(client, "DROP TABLE " + table);
    }
  }

  @Test
  void closingTheConnectionClosesBothSessions() throws SQLException {
    Connection client = kit.neon();
    run(client, "LISTEN " + unique("close"));
    NeonConnection neon = client.unwrap(NeonConnection.class);
    Connection pooled = neon.session(EndpointKind.POOLED).orElseThrow();
    Connection direct = neon.session(EndpointKind.DIRECT).orElseThrow();
    Statement statement = client.createStatement();
    client.close();
    assertTrue(pooled.isClosed());
    assertTrue(direct.isClosed());
    assertTrue(statement.isClosed());
  }
}

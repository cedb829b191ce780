package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.RoutingFixture.endpointOfStatement;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.run;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.scalar;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Routing bugs found in review, each pinned by what the server reports. */
@NeonStackTest
class RoutingRegressionTest {
  private final NeonStack stack;
  private final RoutingFixture kit;

  RoutingRegressionTest(NeonStack stack) {
    this.stack = stack;
    this.kit = new RoutingFixture(stack);
  }

  @Test
  void commitOnAForcedRouteCommits() throws SQLException {
    String table = unique("forced_commit");
    try (Connection observer = kit.plainDirect()) {
      run(observer, "CREATE TABLE " + table + " (route text)");
      for (String route : new String[] {"direct", "pooled"}) {
        try (Connection client =
            DriverManager.getConnection(
                stack.neonJdbcUrl() + "&route=" + route, stack.credentials())) {
          client.setAutoCommit(false);
          run(client, "INSERT INTO " + table + " VALUES ('" + route + "')");
          client.commit();
          assertEquals(
              "1",
              scalar(observer, "SELECT count(*) FROM " + table + " WHERE route = '" + route + "'"),
              "committed with route=" + route);
          run(client, "INSERT INTO " + table + " VALUES ('rolled back')");
          client.rollback();
        }
      }
      assertEquals("2", scalar(observer, "SELECT count(*) FROM " + table));
      run(observer, "DROP TABLE " + table);
    }
  }

  @Test
  void transactionBegunInSqlStaysTogetherWhenAutoCommitIsSwitchedOff() throws SQLException {
    String table = unique("begin_then_off");
    try (Connection client = kit.neon();
        Connection observer = kit.plainDirect()) {
      run(client, "BEGIN");
      String pid = scalar(client, "SELECT pg_backend_pid()");
      client.setAutoCommit(false); // JDBC: no commit when switching auto-commit off
      scalar(client, "SELECT pg_current_xact_id()"); // it has written: the DDL cannot move it
      run(client, "CREATE TABLE " + table + " (id int)");
      assertEquals(pid, scalar(client, "SELECT pg_backend_pid()"), "one backend");
      assertEquals("pooled", endpointOfStatement(client));
      client.rollback();
      assertNull(scalar(observer, "SELECT to_regclass('" + table + "')"));
      assertEquals("pooled", endpointOfStatement(client));
      client.rollback();
    }
  }

  @Test
  void metadataQueryInAManualTransactionMovesWithItsDdl() throws SQLException {
    String table = unique("metadata_tx");
    try (Connection client = kit.neon();
        Connection observer = kit.plainDirect()) {
      client.setAutoCommit(false);
      // pgJDBC answers metadata with queries of its own, which open a transaction on the pooler.
      try (ResultSet tables = client.getMetaData().getTables(null, null, table, null)) {
        assertFalse(tables.next());
      }
      run(client, "CREATE TABLE " + table + " (id int)");
      // The transaction had only read: it moved to direct with its DDL, whole.
      assertEquals("direct", endpointOfStatement(client), "the write-free transaction moved");
      assertEquals(table, scalar(client, "SELECT to_regclass('" + table + "')::text"));
      client.rollback();
      assertNull(scalar(observer, "SELECT to_regclass('" + table + "')"));
    }
  }

  @Test
  void discardAllKeepsAStartupSchemaPinned() throws SQLException {
    String schema = unique("startup_schema");
    try (Connection observer = kit.plainDirect()) {
      run(observer, "CREATE SCHEMA " + schema);
      run(observer, "CREATE TABLE " + schema + ".marker (id int)");
      try (Connection client =
          DriverManager.getConnection(
              stack.neonJdbcUrl() + "&currentSchema=" + schema, stack.credentials())) {
        assertEquals(schema, scalar(client, "SELECT current_schema()"));
        run(client, "DISCARD ALL");
        // DISCARD ALL resets to the startup parameters: the schema is still this session's.
        assertEquals(schema, scalar(client, "SELECT current_schema()"));
        assertEquals("0", scalar(client, "SELECT count(*) FROM marker"));
        assertTrue(client.unwrap(NeonConnection.class).isPinned());
      }
      run(observer, "DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void statementClosedOnCompletionRefusesToRunAgain() throws SQLException {
    try (Connection client = kit.neon();
        Statement statement = client.createStatement()) {
      statement.closeOnCompletion();
      try (ResultSet rs = statement.executeQuery("SELECT 1")) {
        assertTrue(rs.next());
      }
      assertThrows(SQLException.class, () -> statement.executeQuery("SELECT 2"));
      assertTrue(statement.isClosed());
    }
  }

  @Test
  void readOnlyRefusedInsideADirectTransactionLeavesThePooledSessionWritable() throws SQLException {
    String table = unique("read_only");
    try (Connection client = kit.neon()) {
      run(client, "CREATE TABLE " + table + " (id int)");
      client.setAutoCommit(false);
      assertEquals("direct", scalar(client, "/* neon:direct */ SELECT 'direct'"));
      assertThrows(SQLException.class, () -> client.setReadOnly(true));
      client.commit();
      assertFalse(client.isReadOnly());
      run(client, "INSERT INTO " + table + " VALUES (1)");
      assertEquals("pooled", endpointOfStatement(client));
      client.commit();
      client.setAutoCommit(true);
      run(client, "DROP TABLE " + table);
    }
  }

  @Test
  void schemaResetToDefaultInsideAPooledTransaction() throws SQLException {
    String schema = unique("reset_schema");
    try (Connection client = kit.neon();
        Connection observer = kit.plainDirect()) {
      run(observer, "CREATE SCHEMA " + schema);
      client.setAutoCommit(false);
      String defaultSchema = scalar(client, "SELECT current_schema()");
      client.setSchema(schema);
      assertEquals(schema, scalar(client, "SELECT current_schema()"));
      client.setSchema(null); // pgJDBC: back to the default search_path
      assertEquals(defaultSchema, scalar(client, "SELECT current_schema()"));
      assertEquals("pooled", endpointOfStatement(client));
      client.commit();
      run(observer, "DROP SCHEMA " + schema);
    }
  }

  @Test
  void connectionReportsClosedAfterItsSessionDied() throws SQLException {
    try (Connection client = kit.neon();
        Connection killer = kit.plainDirect()) {
      run(client, "LISTEN " + unique("dying"));
      String pid = scalar(client, "SELECT pg_backend_pid()");
      assertFalse(client.isClosed());
      scalar(killer, "SELECT pg_terminate_backend(" + pid + ")");
      assertThrows(SQLException.class, () -> scalar(client, "SELECT 1"));
      assertTrue(client.isClosed(), "a dead direct session leaves the logical connection closed");
    }
  }
}

package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.RoutingFixture.endpointOfStatement;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.holdBackend;
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
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Two ways to leave session state that do not start with the words that usually announce it: an
 * object created in the {@code pg_temp} schema is temporary without {@code CREATE TEMP}, and {@code
 * EXPLAIN ANALYZE} runs the statement it explains. Plain pgJDBC on PgBouncer loses the temporary
 * table to whichever client gets the backend next; {@code jdbc:neon:} on the same pooled URL keeps
 * it on its pinned direct session. Judged by what the servers report and by a second client.
 */
@NeonStackTest
class TemporarySchemaAndExplainAnalyzeTest {
  private final RoutingFixture kit;

  TemporarySchemaAndExplainAnalyzeTest(NeonStack stack) {
    this.kit = new RoutingFixture(stack);
  }

  private static NeonConnection neon(Connection connection) throws SQLException {
    return connection.unwrap(NeonConnection.class);
  }

  // ---- CREATE … pg_temp.name ---------------------------------------------------------------

  @Test
  void tableCreatedInPgTempOnPlainPooledConnectionVanishes() throws SQLException {
    String table = "pg_temp." + unique("scratch");
    try (Connection client = kit.plainPooled();
        Connection other = kit.plainPooled()) {
      run(client, "CREATE TABLE " + table + " (x int)");
      holdBackend(other); // PgBouncer hands the server connection that holds the table to `other`
      SQLException error =
          assertThrows(
              SQLException.class, () -> run(client, "INSERT INTO " + table + " VALUES (1)"));
      assertEquals("42P01", error.getSQLState(), error.getMessage());
      other.rollback();
    }
  }

  @Test
  void tableCreatedInPgTempOnPooledUrlStaysOnItsPinnedSession() throws SQLException {
    String table = "pg_temp." + unique("scratch");
    try (Connection client = kit.neon();
        Connection other = kit.plainPooled()) {
      run(client, "CREATE TABLE " + table + " (x int)");
      assertTrue(neon(client).isPinned(), "a table in pg_temp is a temporary table");
      String backend = scalar(client, "SELECT pg_backend_pid()");
      holdBackend(other);

      run(client, "INSERT INTO " + table + " VALUES (1), (2)");

      assertEquals("2", scalar(client, "SELECT count(*) FROM " + table));
      assertEquals(
          "t",
          scalar(
              client, "SELECT relpersistence FROM pg_class WHERE oid = '" + table + "'::regclass"));
      assertEquals(backend, scalar(client, "SELECT pg_backend_pid()"), "the same server session");
      assertEquals("direct", endpointOfStatement(client));
      assertNull(scalar(other, "SELECT to_regclass('" + table + "')"), "leaked to another client");
      other.rollback();
    }
  }

  @Test
  void functionCreatedInPgTempOnPooledUrlStaysCallable() throws SQLException {
    String function = "pg_temp." + unique("answer");
    try (Connection client = kit.neon();
        Connection other = kit.plainPooled()) {
      run(client, "CREATE FUNCTION " + function + "() RETURNS int LANGUAGE sql AS 'SELECT 42'");
      assertTrue(neon(client).isPinned(), "a function in pg_temp lives in the session");
      holdBackend(other);
      assertEquals("42", scalar(client, "SELECT " + function + "()"));
      assertEquals("direct", endpointOfStatement(client));
      other.rollback();
    }
  }

  // ---- EXPLAIN ANALYZE ---------------------------------------------------------------------

  @Test
  void explainAnalyzeCreateTempTableOnPlainPooledConnectionVanishes() throws SQLException {
    String table = unique("explained");
    try (Connection client = kit.plainPooled();
        Connection other = kit.plainPooled()) {
      run(client, "EXPLAIN ANALYZE CREATE TEMP TABLE " + table + " AS SELECT 1 AS x");
      holdBackend(other);
      SQLException error =
          assertThrows(SQLException.class, () -> scalar(client, "SELECT count(*) FROM " + table));
      assertEquals("42P01", error.getSQLState(), error.getMessage());
      other.rollback();
    }
  }

  @Test
  void explainAnalyzeCreateTempTableOnPooledUrlLeavesAUsableTable() throws SQLException {
    String table = unique("explained");
    try (Connection client = kit.neon();
        Connection other = kit.plainPooled()) {
      run(client, "EXPLAIN ANALYZE CREATE TEMP TABLE " + table + " AS SELECT 1 AS x");
      assertTrue(neon(client).isPinned(), "EXPLAIN ANALYZE created a temporary table");
      holdBackend(other);

      run(client, "INSERT INTO " + table + " VALUES (2)");

      assertEquals("3", scalar(client, "SELECT sum(x) FROM " + table));
      assertEquals("direct", endpointOfStatement(client));
      assertNull(scalar(other, "SELECT to_regclass('" + table + "')"), "leaked to another client");
      other.rollback();
    }
  }

  @Test
  void explainAnalyzeRunsEachStatementOnTheEndpointThatStatementNeeds() throws SQLException {
    String log = unique("endpoint_log");
    String created = unique("endpoint_made");
    try (Connection client = kit.neon()) {
      run(client, "CREATE TABLE " + log + " (endpoint text)");
      String endpoint = "CASE WHEN " + kit.runsPooled(client) + " THEN 'pooled' ELSE 'direct' END";
      try {
        run(client, "EXPLAIN ANALYZE INSERT INTO " + log + " SELECT " + endpoint);
        assertEquals("pooled", scalar(client, "SELECT endpoint FROM " + log));

        run(
            client,
            "EXPLAIN (ANALYZE, COSTS OFF) CREATE TABLE "
                + created
                + " AS SELECT "
                + endpoint
                + " AS endpoint");
        assertEquals("direct", scalar(client, "SELECT endpoint FROM " + created));

        assertFalse(neon(client).isPinned(), "neither statement leaves session state");
      } finally {
        run(client, "DROP TABLE IF EXISTS " + log + ", " + created);
      }
    }
  }
}

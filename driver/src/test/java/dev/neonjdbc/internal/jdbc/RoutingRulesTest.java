package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.RoutingFixture.endpointOfStatement;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.holdBackend;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.run;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.scalar;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Every routing rule twice: plain pgJDBC on the PgBouncer URL shows the problem (the notification
 * that never arrives, the temp table that vanishes, the setting that leaks to another client), and
 * {@code jdbc:neon:} on the same pooled URL gets it right. Judged by what the servers report.
 */
@NeonStackTest
class RoutingRulesTest {
  private final NeonStack stack;
  private final RoutingFixture kit;

  RoutingRulesTest(NeonStack stack) {
    this.stack = stack;
    this.kit = new RoutingFixture(stack);
  }

  // 1. LISTEN / NOTIFY

  @Test
  void listenOnPlainPooledConnectionNeverDeliversNotifications() throws SQLException {
    String channel = unique("jobs");
    try (Connection listener = kit.plainPooled();
        Connection notifier = kit.plainDirect()) {
      run(listener, "LISTEN " + channel);
      run(notifier, "NOTIFY " + channel + ", 'hello'");
      PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(1500);
      assertTrue(received == null || received.length == 0, "plain pgJDBC got a notification");
    }
  }

  @Test
  void listenOnPooledUrlDeliversNotifications() throws SQLException {
    String channel = unique("jobs");
    try (Connection listener = kit.neon();
        Connection notifier = kit.plainPooled()) {
      run(listener, "LISTEN " + channel);
      run(notifier, "NOTIFY " + channel + ", 'hello'");
      PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(10_000);
      assertNotNull(received, "no notification arrived");
      assertEquals(1, received.length);
      assertEquals(channel, received[0].getName());
      assertEquals("hello", received[0].getParameter());
      assertEquals("direct", endpointOfStatement(listener), "pinned to direct after LISTEN");
    }
  }

  // 2. Temporary tables

  @Test
  void tempTableOnPlainPooledConnectionVanishes() throws SQLException {
    String table = unique("scratch");
    try (Connection client = kit.plainPooled();
        Connection other = kit.plainPooled()) {
      run(client, "CREATE TEMP TABLE " + table + " (x int)");
      holdBackend(other); // PgBouncer hands the server connection that holds the table to `other`
      SQLException error =
          assertThrows(
              SQLException.class, () -> run(client, "INSERT INTO " + table + " VALUES (1)"));
      assertEquals("42P01", error.getSQLState(), error.getMessage());
      other.rollback();
    }
  }

  @Test
  void tempTableOnPooledUrlSurvivesAcrossStatements() throws SQLException {
    String table = unique("scratch");
    try (Connection client = kit.neon();
        Connection other = kit.plainPooled()) {
      run(client, "CREATE TEMP TABLE " + table + " (x int)");
      holdBackend(other);
      run(client, "INSERT INTO " + table + " VALUES (1), (2)");
      assertEquals("2", scalar(client, "SELECT count(*) FROM " + table));
      assertNull(scalar(other, "SELECT to_regclass('" + table + "')"), "leaked to another client");
      other.rollback();
    }
  }

  // 3. SQL PREPARE / EXECUTE

  @Test
  void sqlPrepareOnPlainPooledConnectionIsLost() throws SQLException {
    String name = unique("plan");
    try (Connection client = kit.plainPooled();
        Connection other = kit.plainPooled()) {
      run(client, "PREPARE " + name + " AS SELECT 41 + 1");
      holdBackend(other);
      SQLException error = assertThrows(SQLException.class, () -> run(client, "EXECUTE " + name));
      assertEquals("26000", error.getSQLState(), error.getMessage());
      other.rollback();
    }
  }

  @Test
  void sqlPrepareOnPooledUrlExecutesLater() throws SQLException {
    String name = unique("plan");
    try (Connection client = kit.neon();
        Connection other = kit.plainPooled()) {
      run(client, "PREPARE " + name + " AS SELECT 41 + 1");
      holdBackend(other);
      assertEquals("42", scalar(client, "EXECUTE " + name));
      run(client, "DEALLOCATE " + name);
      other.rollback();
    }
  }

  // 4. Session SET

  @Test
  void sessionSetOnPlainPooledConnectionLeaksToAnotherClient() throws SQLException {
    try (Connection client = kit.plainSingle();
        Connection other = kit.plainSingle()) {
      run(client, "SET statement_timeout = '4321ms'");
      assertEquals("4321ms", scalar(other, "SHOW statement_timeout"), "expected the leak");
      run(client, "RESET statement_timeout");
    }
  }

  @Test
  void sessionSetOnPooledUrlStaysWithItsConnection() throws SQLException {
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      run(client, "SET statement_timeout = '4321ms'");
      run(client, "SET search_path TO pg_catalog, public");
      assertEquals("4321ms", scalar(client, "SHOW statement_timeout"));
      assertEquals("pg_catalog, public", scalar(client, "SHOW search_path"));
      assertEquals("0", scalar(other, "SHOW statement_timeout"));
      assertEquals("\"$user\", public", scalar(other, "SHOW search_path"));
    }
  }

  // 5. Advisory locks

  @Test
  void advisoryLockOnPlainPooledConnectionCannotBeReleased() throws SQLException {
    long key = ProcessHandle.current().pid() * 1000 + 5;
    try (Connection client = kit.plainPooled();
        Connection other = kit.plainPooled();
        Connection observer = kit.plainDirect()) {
      run(client, "SELECT pg_advisory_lock(" + key + ")");
      holdBackend(other);
      assertEquals("f", scalar(client, "SELECT pg_advisory_unlock(" + key + ")"));
      assertEquals("1", scalar(observer, lockCount(key)), "the lock is stranded on the server");
      other.rollback();
      // Clean up: the stranded lock lives on a pooled server connection; end that backend.
      scalar(
          observer,
          "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = "
              + (key & 0xffffffffL));
    }
  }

  @Test
  void advisoryLockOnPooledUrlIsHeldAndReleased() throws SQLException {
    long key = ProcessHandle.current().pid() * 1000 + 6;
    try (Connection client = kit.neon();
        Connection other = kit.plainPooled();
        Connection observer = kit.plainDirect()) {
      run(client, "SELECT pg_advisory_lock(" + key + ")");
      holdBackend(other);
      assertEquals("1", scalar(observer, lockCount(key)));
      assertEquals("t", scalar(client, "SELECT pg_advisory_unlock(" + key + ")"));
      assertEquals("0", scalar(observer, lockCount(key)));
      other.rollback();
    }
  }

  private static String lockCount(long key) {
    return "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = "
        + (key & 0xffffffffL);
  }

  // 6. CONCURRENTLY

  @Test
  void concurrentIndexBuildsRunOnTheDirectEndpoint() throws SQLException {
    String table = unique("orders");
    try (Connection client = kit.neon()) {
      run(client, "CREATE TABLE " + table + " (id int, note text)");
      run(client, "INSERT INTO " + table + " SELECT g, 'n' || g FROM generate_series(1, 1000) g");
      long pooledQueriesBefore = pooledQueryCount();
      run(client, "CREATE INDEX CONCURRENTLY " + table + "_id ON " + table + " (id)");
      run(client, "REINDEX INDEX CONCURRENTLY " + table + "_id");
      assertEquals(
          pooledQueriesBefore, pooledQueryCount(), "PgBouncer saw the concurrent index builds");
      assertEquals(
          "t",
          scalar(
              client,
              "SELECT indisvalid FROM pg_index WHERE indexrelid = '" + table + "_id'::regclass"));
      run(client, "DROP TABLE " + table);
    }
  }

  @Test
  void concurrentIndexBuildThroughPlainPooledTransactionFails() throws SQLException {
    // Migration tools and @Transactional code run with auto-commit off; through the pooler that
    // wraps the build in a transaction block, where PostgreSQL refuses it.
    String table = unique("orders");
    try (Connection setup = kit.plainDirect();
        Connection client = kit.plainPooled()) {
      run(setup, "CREATE TABLE " + table + " (id int)");
      client.setAutoCommit(false);
      SQLException error =
          assertThrows(
              SQLException.class,
              () ->
                  run(client, "CREATE INDEX CONCURRENTLY " + table + "_id ON " + table + " (id)"));
      assertEquals("25001", error.getSQLState(), error.getMessage());
      client.rollback();
      run(setup, "DROP TABLE " + table);
    }
  }

  private long pooledQueryCount() throws SQLException {
    List<Map<String, String>> rows = stack.pgbouncerAdmin().orElseThrow().show("STATS");
    long total = 0;
    for (Map<String, String> row : rows) {
      if (row.get("database").startsWith(stack.database())) {
        total += Long.parseLong(row.get("total_query_count"));
      }
    }
    return total;
  }

  // 7. DDL direct, DML pooled

  @Test
  void ddlOnPlainPooledConnectionRunsThroughThePooler() throws SQLException {
    String table = unique("ddl_plain");
    try (Connection client = kit.plainPooled()) {
      run(client, "CREATE TABLE " + table + " (id int)");
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(client), "one endpoint: the pooler");
      run(client, "DROP TABLE " + table);
    }
  }

  @Test
  void ddlRunsDirectAndDataStatementsRunPooled() throws SQLException {
    String table = unique("ddl_neon");
    try (Connection client = kit.neon()) {
      String pooled = kit.runsPooled(client);
      run(client, "CREATE TABLE " + table + " AS SELECT " + pooled + " AS pooled");
      assertEquals("f", scalar(client, "SELECT pooled FROM " + table), "DDL ran on the pooler");
      assertEquals(
          "t", scalar(client, "INSERT INTO " + table + " SELECT " + pooled + " RETURNING pooled"));
      assertEquals(
          "t", scalar(client, "UPDATE " + table + " SET pooled = pooled RETURNING " + pooled));
      assertEquals("t", scalar(client, "DELETE FROM " + table + " RETURNING " + pooled));
      assertEquals("pooled", endpointOfStatement(client));
      run(client, "ALTER TABLE " + table + " ADD COLUMN note text");
      run(client, "DROP TABLE " + table);
    }
  }

  // 8. setTransactionIsolation and setSchema

  @Test
  void isolationAndSchemaOnPlainPooledConnectionLeakToAnotherClient() throws SQLException {
    String schema = unique("tenant");
    try (Connection setup = kit.plainDirectSingle();
        Connection client = kit.plainSingle();
        Connection other = kit.plainSingle()) {
      run(setup, "CREATE SCHEMA " + schema);
      client.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      client.setSchema(schema);
      assertEquals("serializable", scalar(other, "SHOW default_transaction_isolation"));
      assertEquals(schema, scalar(other, "SELECT current_schema()"));
      run(client, "RESET ALL");
      run(setup, "DROP SCHEMA " + schema);
    }
  }

  @Test
  void isolationAndSchemaApplyToThisConnectionOnly() throws SQLException {
    String schema = unique("tenant");
    try (Connection setup = kit.plainDirectSingle();
        Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      run(setup, "CREATE SCHEMA " + schema);
      client.setAutoCommit(false);
      client.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      client.setSchema(schema);
      assertEquals("serializable", scalar(client, "SHOW transaction_isolation"));
      assertEquals(schema, scalar(client, "SELECT current_schema()"));
      assertEquals("pooled", endpointOfStatement(client), "the transaction stays pooled");
      client.commit();
      assertEquals("read committed", scalar(other, "SHOW default_transaction_isolation"));
      assertEquals("read committed", scalar(other, "SHOW transaction_isolation"));
      assertNotEquals(schema, scalar(other, "SELECT current_schema()"));
      // The next transaction gets them again.
      assertEquals("serializable", scalar(client, "SHOW transaction_isolation"));
      assertEquals(schema, scalar(client, "SELECT current_schema()"));
      client.commit();
      // In auto-commit mode each statement runs pooled in a transaction that carries the schema.
      client.setAutoCommit(true);
      assertEquals(schema, scalar(client, "SELECT current_schema()"));
      assertEquals("pooled", endpointOfStatement(client));
      assertNotEquals(schema, scalar(other, "SELECT current_schema()"));
      run(setup, "DROP SCHEMA " + schema);
    }
  }
}

package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.RoutingFixture.endpointOfStatement;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.run;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.scalar;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The rules that let real tools run on the pooled URL (DESIGN.md, Routing): session parameters are
 * logical state carried into pooled transactions, a transaction that has written nothing moves to
 * direct, pins end when the server holds nothing for them, {@code endRequest} resets. Each beside
 * plain pgJDBC on PgBouncer where it shows the problem; judged by what the servers report and by a
 * second client of the one-connection pool.
 */
@NeonStackTest
class SessionStateRulesTest {
  private final NeonStack stack;
  private final RoutingFixture kit;

  SessionStateRulesTest(NeonStack stack) {
    this.stack = stack;
    this.kit = new RoutingFixture(stack);
  }

  private static NeonConnection neon(Connection connection) throws SQLException {
    return connection.unwrap(NeonConnection.class);
  }

  // ---- 1. Session parameters are logical state ---------------------------------------------

  @Test
  void setInsidePlainPooledTransactionLeaksAfterCommit() throws SQLException {
    try (Connection client = kit.plainSingle();
        Connection other = kit.plainSingle()) {
      client.setAutoCommit(false);
      scalar(client, "SELECT 1");
      run(client, "SET statement_timeout = '6543ms'");
      client.commit();
      assertEquals("6543ms", scalar(other, "SHOW statement_timeout"), "expected the leak");
      run(other, "RESET statement_timeout");
    }
  }

  @Test
  void setInsidePooledTransactionRunsThereAndIsCarriedIntoTheNext() throws SQLException {
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      client.setAutoCommit(false);
      scalar(client, "SELECT 1");
      run(client, "SET statement_timeout = '6543ms'"); // no longer refused
      assertEquals("6543ms", scalar(client, "SHOW statement_timeout"));
      assertEquals("pooled", endpointOfStatement(client));
      client.commit();
      assertEquals("0", scalar(other, "SHOW statement_timeout"), "nothing reached the pooler");
      assertFalse(neon(client).isPinned());
      assertEquals("6543ms", scalar(client, "SHOW statement_timeout"), "the next transaction");
      assertEquals("pooled", endpointOfStatement(client));
      client.commit();
      assertEquals("0", scalar(other, "SHOW statement_timeout"));
    }
  }

  @Test
  void setInsideARolledBackTransactionIsGoneAsOnPostgres() throws SQLException {
    try (Connection client = kit.neonSingle()) {
      client.setAutoCommit(false);
      run(client, "SET statement_timeout = '6543ms'");
      assertEquals("6543ms", scalar(client, "SHOW statement_timeout"));
      client.rollback();
      assertEquals("0", scalar(client, "SHOW statement_timeout"));
      assertTrue(neon(client).sessionParameters().isEmpty());
      client.rollback();
    }
  }

  @Test
  void setInAFailedTransactionIsGoneAfterItsCommit() throws SQLException {
    try (Connection client = kit.neonSingle()) {
      client.setAutoCommit(false);
      run(client, "SET statement_timeout = '6543ms'");
      assertThrows(SQLException.class, () -> scalar(client, "SELECT 1/0"));
      try {
        client.commit(); // the server rolls a failed transaction back
      } catch (SQLException expected) {
        // pgJDBC may report the rollback
      }
      assertEquals("0", scalar(client, "SHOW statement_timeout"));
      assertTrue(neon(client).sessionParameters().isEmpty());
      client.rollback();
    }
  }

  @Test
  void autoCommitSetIsCarriedIntoPooledTransactionsAndEndsWithReset() throws SQLException {
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      run(client, "SET myapp.tenant = 'acme'");
      assertFalse(neon(client).isPinned(), "a SET is not a pin");
      assertEquals("acme", neon(client).sessionParameters().get("myapp.tenant"));
      // Auto-commit statements see it: each runs pooled, in a transaction that carries it.
      assertEquals("acme", scalar(client, "SELECT current_setting('myapp.tenant')"));
      assertEquals("pooled", endpointOfStatement(client));
      assertEquals("", scalar(other, "SELECT coalesce(current_setting('myapp.tenant', true), '')"));
      // Transactions run pooled and see it too.
      client.setAutoCommit(false);
      assertEquals("acme", scalar(client, "SELECT current_setting('myapp.tenant')"));
      assertEquals("pooled", endpointOfStatement(client));
      client.commit();
      assertEquals("", scalar(other, "SELECT coalesce(current_setting('myapp.tenant', true), '')"));
      client.setAutoCommit(true);
      run(client, "RESET myapp.tenant");
      assertTrue(neon(client).sessionParameters().isEmpty());
      assertEquals("pooled", endpointOfStatement(client), "back on the pooler");
    }
  }

  @Test
  void setConfigWithBindParametersIsRecordedAsTheServerReportsIt() throws SQLException {
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      // Flyway's form: the name in the SQL, the value bound.
      try (var statement = client.prepareStatement("SELECT set_config('search_path', ?, false)")) {
        statement.setString(1, "pg_catalog, public");
        statement.executeQuery().close();
      }
      assertEquals("pg_catalog, public", neon(client).sessionParameters().get("search_path"));
      client.setAutoCommit(false);
      assertEquals("pg_catalog, public", scalar(client, "SHOW search_path"));
      assertEquals("pooled", endpointOfStatement(client));
      client.commit();
      assertEquals("\"$user\", public", scalar(other, "SHOW search_path"));
      // Restoring the default value, as Flyway does when it finishes, ends the state.
      client.setAutoCommit(true);
      run(client, "SELECT set_config('search_path', '\"$user\", public', false)");
      assertTrue(neon(client).sessionParameters().isEmpty());
      assertEquals("pooled", endpointOfStatement(client));
    }
  }

  @Test
  void serializableAutoCommitStatementsRunSerializable() throws SQLException {
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      client.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      // Each auto-commit statement is a transaction of its own, at the level the application set.
      assertEquals("serializable", scalar(client, "SHOW transaction_isolation"));
      assertEquals("serializable", scalar(client, "SHOW transaction_isolation"));
      assertEquals("pooled", endpointOfStatement(client));
      assertEquals("read committed", scalar(other, "SHOW default_transaction_isolation"));
      client.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      assertEquals("read committed", scalar(client, "SHOW transaction_isolation"));
      assertEquals("pooled", endpointOfStatement(client));
    }
  }

  @Test
  void sessionCharacteristicsInSqlGovernLaterTransactions() throws SQLException {
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      run(client, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      client.setAutoCommit(false);
      assertEquals("repeatable read", scalar(client, "SHOW transaction_isolation"));
      assertEquals("pooled", endpointOfStatement(client));
      client.commit();
      assertEquals("read committed", scalar(other, "SHOW default_transaction_isolation"));
    }
  }

  @Test
  void setWhilePinnedStaysOnTheDirectSessionAndOutlivesThePin() throws SQLException {
    long key = ProcessHandle.current().pid() * 1000 + 34;
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      // Flyway with its session lock: the lock pins, then each migration sets the search path.
      scalar(client, "SELECT pg_advisory_lock(" + key + ")");
      try (var statement = client.prepareStatement("SELECT set_config('search_path', ?, false)")) {
        statement.setString(1, "pg_catalog, public");
        statement.executeQuery().close();
      }
      assertEquals("pg_catalog, public", scalar(client, "SHOW search_path"));
      assertEquals("pg_catalog, public", scalar(client, "SHOW search_path"), "not synced away");
      scalar(client, "SELECT pg_advisory_unlock(" + key + ")");
      assertFalse(neon(client).isPinned());
      assertEquals("pg_catalog, public", neon(client).sessionParameters().get("search_path"));
      assertEquals("pg_catalog, public", scalar(client, "SHOW search_path"));
      assertEquals("pooled", endpointOfStatement(client));
      assertEquals("\"$user\", public", scalar(other, "SHOW search_path"));
    }
  }

  // ---- what a pooled backend must never keep (found in review) -----------------------------

  @Test
  void customSetTogetherWithAnotherStatementNeverReachesThePooler() throws SQLException {
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      client.setAutoCommit(false);
      scalar(client, "SELECT 1");
      run(client, "SET myapp.tenant = 'acme'; SELECT 1"); // two statements: runs on direct
      client.commit();
      assertEquals("", scalar(other, "SELECT coalesce(current_setting('myapp.tenant', true), '')"));
      assertEquals("acme", neon(client).sessionParameters().get("myapp.tenant"));
      assertEquals("acme", scalar(client, "SELECT current_setting('myapp.tenant')"));
      assertEquals("pooled", endpointOfStatement(client));
      client.commit();
    }
  }

  @Test
  void setConfigWithABoundNameOrARolePinsInsteadOfLeaking() throws SQLException {
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      client.setAutoCommit(false);
      try (var statement = client.prepareStatement("SELECT set_config(?, ?, false)")) {
        statement.setString(1, "myapp.tenant");
        statement.setString(2, "bound");
        statement.executeQuery().close();
      }
      client.commit();
      assertEquals("", scalar(other, "SELECT coalesce(current_setting('myapp.tenant', true), '')"));
      assertTrue(neon(client).isPinned(), "a name the router cannot read back pins");
      assertEquals("bound", scalar(client, "SELECT current_setting('myapp.tenant')"));
      client.commit();
    }
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      String user = scalar(client, "SELECT current_user");
      client.setAutoCommit(false);
      scalar(client, "SELECT 1");
      scalar(client, "SELECT set_config('role', '" + user + "', false)");
      assertTrue(neon(client).isPinned(), "a role pins");
      client.commit();
      assertEquals("none", scalar(other, "SHOW role"));
      run(client, "SET extra_float_digits = 0");
      client.commit();
      assertEquals("1", scalar(other, "SHOW extra_float_digits"));
    }
  }

  @Test
  void setFollowedByCommitInOneStringLeavesNothingBehind() throws SQLException {
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      client.setAutoCommit(false);
      scalar(client, "SELECT 1");
      run(client, "SET statement_timeout = '3333ms'; COMMIT");
      client.rollback();
      assertEquals("0", scalar(other, "SHOW statement_timeout"));
      assertEquals("3333ms", scalar(client, "SHOW statement_timeout"));
      client.commit();
    }
  }

  @Test
  void setLocalStaysLocalWhenASessionSetFollowsIt() throws SQLException {
    try (Connection client = kit.neonSingle()) {
      client.setAutoCommit(false);
      run(client, "SET LOCAL lock_timeout = '1234ms'");
      scalar(client, "SELECT set_config('work_mem', '8MB', false)");
      client.commit();
      assertEquals("0", scalar(client, "SHOW lock_timeout"));
      assertEquals("8MB", scalar(client, "SHOW work_mem"));
      client.commit();
    }
  }

  @Test
  void parametersOfAMovedTransactionStayAfterItCommits() throws SQLException {
    String schema = unique("moved");
    String table = unique("t");
    try (Connection setup = kit.plainDirect();
        Connection client = kit.neon()) {
      run(setup, "CREATE SCHEMA " + schema);
      client.setAutoCommit(false);
      run(client, "SET search_path = " + schema + ", public");
      run(client, "CREATE TABLE " + table + "_a (id int)"); // moves the transaction
      client.commit();
      run(client, "CREATE TABLE " + table + "_b (id int)"); // a new transaction on direct
      client.commit();
      assertEquals(
          schema,
          scalar(setup, "SELECT schemaname FROM pg_tables WHERE tablename = '" + table + "_b'"));
      run(setup, "DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void setTransactionFirstStillWorksWhileStateIsCarried() throws SQLException {
    try (Connection client = kit.neonSingle()) {
      run(client, "SET statement_timeout = '9s'");
      client.setAutoCommit(false);
      run(client, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
      assertEquals("serializable", scalar(client, "SHOW transaction_isolation"));
      assertEquals("9s", scalar(client, "SHOW statement_timeout"));
      client.commit();
    }
  }

  @Test
  void notifyKeepsItsTransactionPooledThroughDdl() throws SQLException {
    String channel = unique("moving");
    String table = unique("after_notify");
    try (Connection listener = kit.plainDirect();
        Connection client = kit.neon()) {
      run(listener, "LISTEN " + channel);
      client.setAutoCommit(false);
      run(client, "NOTIFY " + channel);
      run(client, "CREATE TABLE " + table + " (id int)"); // stays with the NOTIFY
      client.commit();
      var notifications =
          listener.unwrap(org.postgresql.PGConnection.class).getNotifications(5_000);
      assertTrue(notifications != null && notifications.length == 1, "the NOTIFY was delivered");
      run(client, "DROP TABLE " + table);
      client.commit();
    }
  }

  @Test
  void endRequestWithAutoCommitOffResetsCleanly() throws SQLException {
    try (Connection client = kit.neon()) {
      run(client, "LISTEN " + unique("off"));
      client.setAutoCommit(false);
      client.endRequest();
      assertFalse(neon(client).isPinned());
      assertEquals("pooled", endpointOfStatement(client));
      client.commit();
    }
  }

  // ---- 2. A transaction that has written nothing moves ------------------------------------

  @Test
  void writeFreePooledTransactionMovesToDirectForAPinningStatement() throws SQLException {
    long key = ProcessHandle.current().pid() * 1000 + 31;
    try (Connection client = kit.neon();
        Connection observer = kit.plainDirect()) {
      client.setAutoCommit(false);
      assertEquals("pooled", endpointOfStatement(client));
      assertEquals("t", scalar(client, "SELECT pg_try_advisory_lock(" + key + ")"));
      assertEquals("direct", endpointOfStatement(client), "the transaction moved");
      client.commit();
      assertTrue(neon(client).isPinned());
      assertEquals("1", scalar(observer, lockCount(key)), "the session lock is held on direct");
      assertEquals("t", scalar(client, "SELECT pg_advisory_unlock(" + key + ")"));
      client.commit();
      assertEquals("0", scalar(observer, lockCount(key)));
      assertFalse(neon(client).isPinned(), "nothing is held any more");
      assertEquals("pooled", endpointOfStatement(client));
      client.commit();
    }
  }

  @Test
  void pooledTransactionThatWroteIsRefusedAndLosesNothing() throws SQLException {
    String table = unique("wrote");
    try (Connection client = kit.neon();
        Connection observer = kit.plainDirect()) {
      run(observer, "CREATE TABLE " + table + " (id int)");
      client.setAutoCommit(false);
      run(client, "INSERT INTO " + table + " VALUES (1)");
      SQLException error =
          assertThrows(SQLException.class, () -> run(client, "LISTEN " + unique("late")));
      assertEquals("0A000", error.getSQLState());
      assertTrue(error.getMessage().contains("already written"), error.getMessage());
      run(client, "INSERT INTO " + table + " VALUES (2)");
      client.commit();
      assertEquals("2", scalar(observer, "SELECT count(*) FROM " + table));
      run(observer, "DROP TABLE " + table);
    }
  }

  @Test
  void repeatableReadTransactionDoesNotMove() throws SQLException {
    try (Connection client = kit.neon()) {
      client.setAutoCommit(false);
      client.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      scalar(client, "SELECT 1");
      SQLException error =
          assertThrows(SQLException.class, () -> run(client, "LISTEN " + unique("rr")));
      assertEquals("0A000", error.getSQLState());
      assertTrue(error.getMessage().contains("REPEATABLE READ"), error.getMessage());
      client.rollback();
    }
  }

  // ---- 3. Pins end when the server holds nothing for them ----------------------------------

  @Test
  void pinEndsAfterUnlistenAndAfterTheTempTableIsDropped() throws SQLException {
    String channel = unique("chan");
    String table = unique("tmp");
    try (Connection client = kit.neon()) {
      run(client, "LISTEN " + channel);
      run(client, "CREATE TEMP TABLE " + table + " (id int)");
      assertTrue(neon(client).isPinned());
      assertEquals("LISTEN", neon(client).pinReason().orElseThrow());
      run(client, "UNLISTEN " + channel);
      assertTrue(neon(client).isPinned(), "the temp table still needs the session");
      assertEquals("direct", endpointOfStatement(client));
      run(client, "DROP TABLE " + table);
      assertFalse(neon(client).isPinned(), "nothing is left");
      assertEquals("pooled", endpointOfStatement(client));
    }
  }

  @Test
  void pinHoldsWhileAnyAdvisoryLockRemains() throws SQLException {
    long key = ProcessHandle.current().pid() * 1000 + 32;
    try (Connection client = kit.neon()) {
      scalar(client, "SELECT pg_advisory_lock(" + key + ")");
      scalar(client, "SELECT pg_advisory_lock(" + (key + 1) + ")");
      scalar(client, "SELECT pg_advisory_unlock(" + key + ")");
      assertTrue(neon(client).isPinned(), "one lock is still held");
      assertEquals("direct", endpointOfStatement(client));
      scalar(client, "SELECT pg_advisory_unlock(" + (key + 1) + ")");
      assertFalse(neon(client).isPinned());
      assertEquals("pooled", endpointOfStatement(client));
    }
  }

  @Test
  void pinOfASetRoleEndsWhenTheRoleIsTheLoginsAgain() throws SQLException {
    String role = unique("role");
    try (Connection admin = stack.openSuperuser()) {
      run(admin, "CREATE ROLE " + role + " NOLOGIN");
      run(admin, "GRANT " + role + " TO " + stack.user());
    }
    try (Connection client = kit.neon()) {
      String user = scalar(client, "SELECT current_user");
      run(client, "SET ROLE " + role);
      assertTrue(neon(client).isPinned());
      assertEquals(role, scalar(client, "SELECT current_user"));
      run(client, "RESET ROLE");
      assertFalse(neon(client).isPinned());
      // Setting the login's own role, as Flyway does when it restores its state, holds nothing.
      run(client, "SET ROLE '" + user + "'");
      assertFalse(neon(client).isPinned());
      assertEquals("pooled", endpointOfStatement(client));
    } finally {
      try (Connection admin = stack.openSuperuser()) {
        run(admin, "DROP ROLE " + role);
      }
    }
  }

  @Test
  void setRoleToTheLoginsOwnInsideALockedPooledTransactionRunsThereWithoutLeaking()
      throws SQLException {
    long key = ProcessHandle.current().pid() * 1000 + 33;
    try (Connection client = kit.neonSingle();
        Connection other = kit.plainSingle()) {
      String user = scalar(client, "SELECT current_user");
      client.setAutoCommit(false);
      // Flyway's default: a transaction-level lock, then it restores its original role in it.
      scalar(client, "SELECT pg_advisory_xact_lock(" + key + ")");
      run(client, "SET ROLE '" + user + "'");
      assertEquals("pooled", endpointOfStatement(client));
      assertFalse(neon(client).isPinned());
      client.commit();
      assertEquals("none", scalar(other, "SHOW role"), "no role left on the pooled backend");
      // Any other role in such a transaction is refused: it cannot move and cannot pin.
      scalar(client, "SELECT pg_advisory_xact_lock(" + key + ")");
      SQLException error =
          assertThrows(SQLException.class, () -> run(client, "SET ROLE pg_read_all_data"));
      assertEquals("0A000", error.getSQLState());
      client.rollback();
    }
  }

  @Test
  void endRequestResetsAPinnedConnection() throws SQLException {
    String channel = unique("request");
    try (Connection client = kit.neon()) {
      client.beginRequest();
      run(client, "LISTEN " + channel);
      run(client, "SET statement_timeout = '4444ms'");
      assertTrue(neon(client).isPinned());
      Connection direct = neon(client).session(EndpointKind.DIRECT).orElseThrow();
      client.endRequest();
      assertFalse(neon(client).isPinned());
      assertTrue(neon(client).sessionParameters().isEmpty());
      assertEquals("0", scalar(direct, "SELECT count(*) FROM pg_listening_channels()"));
      assertEquals("0", scalar(direct, "SHOW statement_timeout"));
      client.beginRequest();
      assertEquals("pooled", endpointOfStatement(client));
      assertEquals("0", scalar(client, "SHOW statement_timeout"));
    }
  }

  private static String lockCount(long key) {
    return "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = "
        + (key & 0xffffffffL);
  }
}

package dev.neonjdbc.datasource;

import static dev.neonjdbc.datasource.Kit.directBackendPid;
import static dev.neonjdbc.datasource.Kit.endpointOfStatement;
import static dev.neonjdbc.datasource.Kit.run;
import static dev.neonjdbc.datasource.Kit.scalar;
import static dev.neonjdbc.datasource.Kit.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** clientPooling=auto: direct sessions are borrowed only while something needs them. */
@NeonStackTest
class DirectBorrowingTest {
  private final Kit kit;

  DirectBorrowingTest(NeonStack stack) {
    this.kit = new Kit(stack);
  }

  @Test
  void ddlInAutoCommitGivesTheDirectSessionBackAtOnce() throws SQLException {
    String name = unique("ds_ddl");
    try (NeonDataSource dataSource = kit.dataSource(name);
        Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      assertFalse(statement.execute("CREATE TABLE " + name + " (id int)"));
      HikariPoolMXBean direct = dataSource.getDirectPoolMXBean();
      assertEquals(
          0, direct.getActiveConnections(), "back in the pool before the statement closes");
      assertEquals(1, direct.getIdleConnections());
      // What the statement left behind is still readable.
      assertEquals(0, statement.getUpdateCount());
      assertFalse(statement.getMoreResults());
      assertEquals(-1, statement.getUpdateCount());
      assertEquals(1, statement.executeUpdate("INSERT INTO " + name + " VALUES (1)"));
      assertEquals(1, statement.getUpdateCount());
      assertFalse(statement.execute("DROP TABLE " + name));
      assertEquals(0, direct.getActiveConnections());
      NeonDataSourceStats stats = dataSource.stats();
      assertEquals(2, stats.directBorrows());
      assertEquals(1, stats.directConnects(), "the second DDL reused the pooled direct session");
      assertEquals(2, stats.directStatements());
    }
  }

  @Test
  void directResultSetKeepsItsSessionUntilClosed() throws SQLException {
    String name = unique("ds_rs");
    try (NeonDataSource dataSource = kit.dataSource(name);
        Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      HikariPoolMXBean direct;
      // The direct pool opens sessions only on demand: borrowed one at a time, it holds just one.
      String directPid = directBackendPid(connection);
      try (ResultSet rs =
          statement.executeQuery(
              "/* neon:direct */ SELECT g, pg_backend_pid() FROM generate_series(1, 3) g")) {
        direct = dataSource.getDirectPoolMXBean();
        assertEquals(1, direct.getActiveConnections());
        int rows = 0;
        while (rs.next()) {
          assertEquals(directPid, rs.getString(2), "ran on direct");
          rows++;
        }
        assertEquals(3, rows);
      }
      assertEquals(0, direct.getActiveConnections());
    }
  }

  @Test
  void directTransactionHoldsItsSessionUntilCommit() throws SQLException {
    String name = unique("ds_tx");
    try (NeonDataSource dataSource = kit.dataSource(name);
        Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      run(connection, "CREATE TABLE " + name + " (id int)");
      HikariPoolMXBean direct = dataSource.getDirectPoolMXBean();
      run(connection, "INSERT INTO " + name + " VALUES (1)");
      assertEquals("direct", endpointOfStatement(connection));
      assertEquals(1, direct.getActiveConnections());
      connection.commit();
      assertEquals(0, direct.getActiveConnections());
      assertEquals("pooled", endpointOfStatement(connection));
      connection.commit();
      connection.setAutoCommit(true);
      run(connection, "DROP TABLE " + name);
      assertEquals(0, direct.getActiveConnections());
    }
  }

  @Test
  void pinnedSessionIsResetBeforeTheNextBorrower() throws SQLException {
    String name = unique("ds_pin");
    try (NeonDataSource dataSource = kit.dataSource(name)) {
      dataSource.setDirectPoolMaximumSize(1);
      String pid;
      try (Connection first = dataSource.getConnection()) {
        run(first, "CREATE TEMP TABLE scratch (id int)");
        run(first, "LISTEN " + name);
        run(first, "SET statement_timeout = '123s'");
        run(first, "SELECT pg_advisory_lock(4242)");
        run(first, "PREPARE ds_plan AS SELECT 1");
        assertTrue(first.unwrap(NeonConnection.class).isPinned());
        pid = scalar(first, "SELECT pg_backend_pid()");
        assertEquals(1, dataSource.getDirectPoolMXBean().getActiveConnections());
      }
      assertEquals(0, dataSource.getDirectPoolMXBean().getActiveConnections());
      try (Connection next = dataSource.getConnection()) {
        next.unwrap(NeonConnection.class).pinDirect();
        assertEquals(pid, scalar(next, "SELECT pg_backend_pid()"), "the same server session");
        assertNull(scalar(next, "SELECT to_regclass('pg_temp.scratch')"));
        assertEquals("0", scalar(next, "SELECT count(*) FROM pg_listening_channels()"));
        assertEquals("0", scalar(next, "SHOW statement_timeout"));
        assertEquals("0", scalar(next, "SELECT count(*) FROM pg_prepared_statements"));
        assertEquals(
            "0",
            scalar(
                next,
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    + " AND pid = pg_backend_pid()"));
      }
    }
  }

  @Test
  void sessionStateAppliedToABorrowedSessionDoesNotLeakIntoThePool() throws SQLException {
    String name = unique("ds_state");
    try (NeonDataSource dataSource = kit.dataSource(name)) {
      dataSource.setDirectPoolMaximumSize(1);
      try (Connection first = dataSource.getConnection()) {
        first.setAutoCommit(false);
        first.setReadOnly(true);
        first.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        first.setClientInfo("ApplicationName", name + "_changed");
        first.setHoldability(ResultSet.HOLD_CURSORS_OVER_COMMIT);
        first.setNetworkTimeout(Runnable::run, 60_000);
        assertEquals("serializable", scalar(first, "/* neon:direct */ SHOW transaction_isolation"));
        assertEquals("on", scalar(first, "SHOW transaction_read_only"));
        assertEquals(name + "_changed", scalar(first, "SHOW application_name"));
        first.rollback();
      }
      try (Connection next = dataSource.getConnection()) {
        next.unwrap(NeonConnection.class).pinDirect();
        assertEquals("direct", endpointOfStatement(next));
        Connection session =
            next.unwrap(NeonConnection.class).session(EndpointKind.DIRECT).orElseThrow();
        assertTrue(session.getAutoCommit());
        assertFalse(session.isReadOnly());
        assertEquals(0, session.getNetworkTimeout());
        assertEquals(
            ResultSet.CLOSE_CURSORS_AT_COMMIT, session.getHoldability(), "pgJDBC's default");
        assertEquals("read committed", scalar(next, "SHOW transaction_isolation"));
        assertEquals("off", scalar(next, "SHOW transaction_read_only"));
        assertEquals(name, scalar(next, "SHOW application_name"));
      }
    }
  }
}

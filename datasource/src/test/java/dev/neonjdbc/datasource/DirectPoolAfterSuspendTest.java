package dev.neonjdbc.datasource;

import static dev.neonjdbc.datasource.Kit.scalar;
import static dev.neonjdbc.datasource.Kit.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A suspended compute ends every session of the direct pool at once. The pool validates a session
 * before lending it (HikariCP's check on borrow: pgJDBC's {@code isValid}, an empty query, for a
 * session idle longer than half a second) and evicts the dead ones, so the application gets a new
 * session, never a dead one. Judged by the server: the backends that answer are new ones.
 */
@NeonStackTest
class DirectPoolAfterSuspendTest {
  private static final int SESSIONS = 3;
  private static final String BACKEND = "/* neon:direct */ SELECT pg_backend_pid()";

  private final Kit kit;

  DirectPoolAfterSuspendTest(NeonStack stack) {
    this.kit = new Kit(stack);
  }

  @Test
  void directWorkAfterEveryDirectBackendWasTerminatedRunsOnNewSessions() throws Exception {
    String name = unique("ds_suspend");
    try (NeonDataSource dataSource = kit.dataSource(name)) {
      Set<String> before = holdDirectSessionsAtOnce(dataSource);
      HikariPoolMXBean pool = dataSource.getDirectPoolMXBean();
      assertEquals(SESSIONS, pool.getIdleConnections(), "the sessions wait in the pool");

      assertEquals(SESSIONS, terminateBackends(name), "the server ended them all");
      Thread.sleep(700); // past HikariCP's window in which a just-returned session is trusted

      Set<String> after = holdDirectSessionsAtOnce(dataSource);
      assertEquals(SESSIONS, after.size());
      for (String pid : after) {
        assertFalse(before.contains(pid), "backend " + pid + " was terminated");
      }
      assertTrue(dataSource.stats().directConnects() >= 2L * SESSIONS, "new sessions were opened");
    }
  }

  /** Runs direct work on {@value #SESSIONS} connections at once; the backends that ran it. */
  private static Set<String> holdDirectSessionsAtOnce(NeonDataSource dataSource)
      throws SQLException {
    List<Connection> connections = new ArrayList<>();
    Set<String> pids = new HashSet<>();
    try {
      for (int i = 0; i < SESSIONS; i++) {
        Connection connection = dataSource.getConnection();
        connections.add(connection);
        connection.setAutoCommit(false); // the transaction holds its direct session
        pids.add(scalar(connection, BACKEND));
      }
      for (Connection connection : connections) {
        connection.commit();
      }
    } finally {
      for (Connection connection : connections) {
        connection.close();
      }
    }
    return pids;
  }

  private int terminateBackends(String applicationName) throws SQLException {
    try (Connection superuser = kit.stack().openSuperuser();
        PreparedStatement terminate =
            superuser.prepareStatement(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name = ? AND client_addr IS NOT NULL")) {
      terminate.setString(1, applicationName);
      try (var rows = terminate.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }
}

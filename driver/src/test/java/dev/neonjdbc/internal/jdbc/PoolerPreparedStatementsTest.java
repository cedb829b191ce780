package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.RoutingFixture.endpointOfStatement;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.run;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Server-side prepared statements on the pooled endpoint, on whichever pooler the kit runs ({@link
 * NeonStack#poolerKeepsPreparedStatements()}): Neon's kind (PgBouncer 1.21 or later with {@code
 * max_prepared_statements}) keeps pgJDBC's named statements, the plain kind (PgBouncer 1.18) lets
 * two clients' {@code S_1} collide on a shared backend. Two clients share the one-backend pool and
 * each runs one statement past pgJDBC's default {@code prepareThreshold} of 5; the backend's {@code
 * pg_prepared_statements} tells whether the driver prepared it there.
 */
@NeonStackTest
class PoolerPreparedStatementsTest {
  /** pgJDBC prepares a statement on the server at its fifth execution by default. */
  private static final int PAST_PREPARE_THRESHOLD = 6;

  private final NeonStack stack;
  private final RoutingFixture kit;

  PoolerPreparedStatementsTest(NeonStack stack) {
    this.stack = stack;
    this.kit = new RoutingFixture(stack);
  }

  /**
   * Without a pooler that keeps them, a client's named statements outlive it on the shared backend
   * and would break the next test's: start and leave with none.
   */
  @BeforeEach
  @AfterEach
  void clearTheSharedBackend() throws SQLException {
    try (Connection client = kit.plainSingle()) {
      run(client, "DEALLOCATE ALL");
    }
  }

  @Test
  void plainPgJdbcDefaultsWorkOnThePoolerOnlyWhenItKeepsPreparedStatements() throws SQLException {
    String sql = "SELECT /* plain-defaults */ ?::int + 1";
    String url = stack.pooledJdbcUrl(stack.singleBackendDatabase());
    try (Connection first = DriverManager.getConnection(url, stack.credentials());
        Connection second = DriverManager.getConnection(url, stack.credentials())) {
      runPastThreshold(first, sql);
      if (stack.poolerKeepsPreparedStatements()) {
        runPastThreshold(second, sql);
        assertTrue(serverNamesOf("plain-defaults").startsWith("PGBOUNCER_"));
      } else {
        SQLException collision =
            assertThrows(SQLException.class, () -> runPastThreshold(second, sql));
        assertEquals("42P05", collision.getSQLState(), collision.getMessage());
        assertTrue(
            collision.getMessage().contains("\"S_1\" already exists"), collision.getMessage());
      }
    }
  }

  @Test
  void byDefaultTheDriverPreparesNothingOnAPoolerItDoesNotKnow() throws SQLException {
    String sql = "SELECT /* neon-auto */ ?::int + 1";
    try (Connection first = kit.neonSingle();
        Connection second = kit.neonSingle()) {
      runPastThreshold(first, sql);
      runPastThreshold(second, sql);
      assertEquals("pooled", endpointOfStatement(first));
      assertNull(serverNamesOf("neon-auto"), "prepareThreshold=0 on the pooled session");
    }
  }

  @Test
  void toldThatThePoolerKeepsThemTheDriverPreparesOnTheServer() throws SQLException {
    String sql = "SELECT /* neon-true */ ?::int + 1";
    try (Connection first = neonSingle("poolerPreparedStatements=true");
        Connection second = neonSingle("poolerPreparedStatements=true")) {
      runPastThreshold(first, sql);
      if (stack.poolerKeepsPreparedStatements()) {
        runPastThreshold(second, sql);
        assertTrue(serverNamesOf("neon-true").startsWith("PGBOUNCER_"));
      } else {
        // The setting is a promise about the pooler; on one that keeps no statements it breaks,
        // as plain pgJDBC does.
        SQLException collision =
            assertThrows(SQLException.class, () -> runPastThreshold(second, sql));
        assertEquals("42P05", collision.getSQLState(), collision.getMessage());
      }
    }
  }

  @Test
  void whatTheKitSaysAboutThePoolerIsTheRightSettingOnEither() throws SQLException {
    String sql = "SELECT /* neon-kit */ ?::int + 1";
    String setting = "poolerPreparedStatements=" + stack.poolerKeepsPreparedStatements();
    try (Connection first = neonSingle(setting);
        Connection second = neonSingle(setting)) {
      runPastThreshold(first, sql);
      runPastThreshold(second, sql);
      runPastThreshold(first, sql);
      String names = serverNamesOf("neon-kit");
      if (stack.poolerKeepsPreparedStatements()) {
        assertTrue(names.startsWith("PGBOUNCER_"), names);
      } else {
        assertNull(names);
      }
    }
  }

  @Test
  void anExplicitPrepareThresholdOverridesTheDriversChoice() throws SQLException {
    String sql = "SELECT /* neon-explicit */ ?::int + 1";
    try (Connection client = neonSingle("poolerPreparedStatements=false&prepareThreshold=1")) {
      runPastThreshold(client, sql);
      String names = serverNamesOf("neon-explicit");
      if (stack.poolerKeepsPreparedStatements()) {
        assertTrue(names.startsWith("PGBOUNCER_"), names);
      } else {
        assertEquals("S_1", names);
      }
    }
  }

  private Connection neonSingle(String query) throws SQLException {
    return DriverManager.getConnection(
        stack.neonJdbcUrl(stack.singleBackendDatabase()) + "&" + query, stack.credentials());
  }

  private static void runPastThreshold(Connection client, String sql) throws SQLException {
    try (PreparedStatement statement = client.prepareStatement(sql)) {
      for (int i = 0; i < PAST_PREPARE_THRESHOLD; i++) {
        statement.setInt(1, i);
        try (ResultSet rs = statement.executeQuery()) {
          rs.next();
          assertEquals(i + 1, rs.getInt(1));
        }
      }
    }
  }

  /**
   * The names under which the shared backend holds protocol-level statements whose text carries
   * {@code marker}, comma-separated, or null when none.
   */
  private String serverNamesOf(String marker) throws SQLException {
    try (Connection observer = kit.plainSingle()) {
      return scalar(
          observer,
          "SELECT string_agg(name, ',' ORDER BY name) FROM pg_prepared_statements"
              + " WHERE NOT from_sql AND starts_with(statement, 'SELECT /* "
              + marker
              + " */')");
    }
  }
}

package dev.neonjdbc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link NeonStack#poolerKeepsPreparedStatements()} promises, checked against the pooler
 * itself: two plain pgJDBC clients that use named server-side statements ({@code
 * prepareThreshold=1}) on the pool with one server connection.
 */
@NeonStackTest
class PooledPreparedStatementsTest {
  private final NeonStack stack;

  PooledPreparedStatementsTest(NeonStack stack) {
    this.stack = stack;
  }

  /**
   * Empties the shared backend of named statements, before and after: without a pooler that keeps
   * them, a client's S_1 outlives the client there and breaks the next one's.
   */
  @BeforeEach
  @AfterEach
  void clearTheSharedBackend() throws SQLException {
    if (!"neon".equals(stack.providerName())) {
      try (Connection client = stack.openPooled(stack.singleBackendDatabase());
          Statement statement = client.createStatement()) {
        statement.execute("DEALLOCATE ALL");
      }
    }
  }

  @Test
  void namedStatementsOfTwoClientsOnOneBackendWorkExactlyWhenThePoolerKeepsThem()
      throws SQLException {
    assumeTrue(!"neon".equals(stack.providerName()), "Neon's pooler has no one-backend pool");
    String sql = "SELECT /* two-clients */ ?::int + 1";
    try (Connection first = namedStatementsClient();
        Connection second = namedStatementsClient();
        PreparedStatement firstQuery = first.prepareStatement(sql);
        PreparedStatement secondQuery = second.prepareStatement(sql)) {
      assertEquals(2, plusOne(firstQuery, 1));
      if (stack.poolerKeepsPreparedStatements()) {
        // PgBouncer prepares each client's S_1 under a name of its own on the shared backend.
        assertEquals(3, plusOne(secondQuery, 2));
        assertEquals(4, plusOne(firstQuery, 3));
        assertEquals(5, plusOne(secondQuery, 4));
      } else {
        // Both clients call their statement S_1, and the shared backend already has the first's.
        SQLException collision = assertThrows(SQLException.class, () -> plusOne(secondQuery, 2));
        assertEquals("42P05", collision.getSQLState(), collision.getMessage());
        assertTrue(collision.getMessage().contains("S_1"), collision.getMessage());
      }
    }
  }

  @Test
  void theBackendHoldsThePoolersNamesOnlyWhenThePoolerKeepsStatements() throws SQLException {
    assumeTrue(!"neon".equals(stack.providerName()), "Neon's pooler has no one-backend pool");
    String sql = "SELECT /* pooler-names */ ?::int + 1";
    try (Connection client = namedStatementsClient();
        PreparedStatement query = client.prepareStatement(sql)) {
      assertEquals(2, plusOne(query, 1));
      String names =
          scalar(
              client,
              "SELECT string_agg(name, ',') FROM pg_prepared_statements"
                  + " WHERE starts_with(statement, 'SELECT /* pooler-names */') AND NOT from_sql");
      if (stack.poolerKeepsPreparedStatements()) {
        assertTrue(names != null && names.startsWith("PGBOUNCER_"), names);
      } else {
        assertEquals("S_1", names);
      }
    }
  }

  @Test
  void theAdminConsoleShowsTheSettingThatMatchesTheStacksAnswer() throws SQLException {
    Optional<PgBouncerAdmin> admin = stack.pgbouncerAdmin();
    assumeTrue(admin.isPresent(), "no admin console on this provider");
    Optional<String> setting =
        admin.get().show("CONFIG").stream()
            .filter(row -> "max_prepared_statements".equals(row.get("key")))
            .map(row -> row.get("value"))
            .findFirst();
    if (stack.poolerKeepsPreparedStatements()) {
      assertTrue(Integer.parseInt(setting.orElseThrow()) > 0, setting.toString());
    } else {
      // PgBouncer 1.18 has no such setting; a newer one runs with it at zero.
      assertTrue(setting.isEmpty() || setting.get().equals("0"), setting.toString());
    }
    Map<String, String> version = admin.get().show("VERSION").get(0);
    assertTrue(version.get("version").startsWith("PgBouncer "), version.toString());
  }

  /** Plain pgJDBC on the one-backend pool, preparing every statement on the server at once. */
  private Connection namedStatementsClient() throws SQLException {
    return DriverManager.getConnection(
        stack.pooledJdbcUrl(stack.singleBackendDatabase()) + "&prepareThreshold=1",
        stack.credentials());
  }

  private static int plusOne(PreparedStatement query, int value) throws SQLException {
    query.setInt(1, value);
    try (ResultSet rs = query.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }
}

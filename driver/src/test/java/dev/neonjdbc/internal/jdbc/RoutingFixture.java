package dev.neonjdbc.internal.jdbc;

import dev.neonjdbc.testkit.NeonStack;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared helpers for tests that compare plain pgJDBC on PgBouncer with {@code jdbc:neon:}. */
final class RoutingFixture {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final NeonStack stack;

  RoutingFixture(NeonStack stack) {
    this.stack = stack;
  }

  /** A {@code jdbc:neon:} connection on the kit's pooled URL (default pool). */
  Connection neon() throws SQLException {
    return DriverManager.getConnection(stack.neonJdbcUrl(), stack.credentials());
  }

  /** A {@code jdbc:neon:} connection whose pooled endpoint has a single server connection. */
  Connection neonSingle() throws SQLException {
    return DriverManager.getConnection(
        stack.neonJdbcUrl(stack.singleBackendDatabase()), stack.credentials());
  }

  /**
   * Plain pgJDBC on PgBouncer (default pool). Its server-side prepared statements are switched off
   * ({@code prepareThreshold=0}) so that, on a pooler that keeps none, its own statement names
   * cannot collide on shared backends: the tests show the routing problems, not that one ({@link
   * PoolerPreparedStatementsTest} shows it).
   */
  Connection plainPooled() throws SQLException {
    return DriverManager.getConnection(
        stack.pooledJdbcUrl() + "&prepareThreshold=0", stack.credentials());
  }

  /** Plain pgJDBC on PgBouncer's single-server pool: every client shares one backend. */
  Connection plainSingle() throws SQLException {
    return DriverManager.getConnection(
        stack.pooledJdbcUrl(stack.singleBackendDatabase()) + "&prepareThreshold=0",
        stack.credentials());
  }

  /** Plain pgJDBC straight to PostgreSQL. */
  Connection plainDirect() throws SQLException {
    return stack.openDirect();
  }

  /** Plain pgJDBC straight to PostgreSQL's database behind the single-server pool. */
  Connection plainDirectSingle() throws SQLException {
    return DriverManager.getConnection(
        stack
            .directJdbcUrl()
            .replace("/" + stack.database() + "?", "/" + stack.singleBackendDatabase() + "?"),
        stack.credentials());
  }

  /** A name no other test uses. */
  static String unique(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  static void run(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /**
   * Which endpoint ran a statement, as the server reports it: PgBouncer reaches PostgreSQL over the
   * Unix socket, so {@code inet_server_addr()} is NULL on pooled sessions.
   */
  static String endpointOfStatement(Connection connection) throws SQLException {
    return scalar(
        connection, "select case when inet_server_addr() is null then 'pooled' else 'direct' end");
  }

  /** Opens a transaction on {@code other} that holds its server connection until rolled back. */
  static void holdBackend(Connection other) throws SQLException {
    other.setAutoCommit(false);
    scalar(other, "select 1");
  }
}

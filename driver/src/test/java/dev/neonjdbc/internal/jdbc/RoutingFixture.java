package dev.neonjdbc.internal.jdbc;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
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
   * Which endpoint a query on {@code connection} runs on now ({@code "pooled"} or {@code
   * "direct"}), as the kit's provider-aware {@link NeonStack#endpointOf} tells it: the kit's query
   * is routed like any other query, inside the open transaction if there is one.
   */
  static String endpointOfStatement(Connection connection) throws SQLException {
    return NeonStacks.shared().endpointOf(connection).name().toLowerCase(Locale.ROOT);
  }

  /**
   * An SQL boolean expression that is true when the statement holding it runs on a pooled session
   * of {@code connection}: its backend is not the connection's direct session. The direct backend
   * is the one a transaction begun by a {@code neon:direct} hint runs on, which the kit's {@link
   * NeonStack#endpointOf} confirms; a logical connection has one direct session, so every other
   * backend that serves it is the pooler's. Call in auto-commit mode (it opens the direct session
   * if none is open yet).
   */
  String runsPooled(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    try {
      String directPid = scalar(connection, "/* neon:direct */ SELECT pg_backend_pid()");
      if (stack.endpointOf(connection) != ServerEndpoint.DIRECT) {
        throw new AssertionError("a transaction begun by a neon:direct hint runs pooled");
      }
      return "(pg_backend_pid() <> " + directPid + ")";
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** Opens a transaction on {@code other} that holds its server connection until rolled back. */
  static void holdBackend(Connection other) throws SQLException {
    other.setAutoCommit(false);
    scalar(other, "select 1");
  }
}

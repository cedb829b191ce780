package dev.neonjdbc.datasource;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers shared by the data source tests on the real stack. */
final class Kit {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final NeonStack stack;

  Kit(NeonStack stack) {
    this.stack = stack;
  }

  NeonStack stack() {
    return stack;
  }

  /** A name no other test uses (also used as application name and pool name). */
  static String unique(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  /** A data source on the kit's URL whose sessions carry {@code applicationName}. */
  NeonDataSource dataSource(String applicationName) {
    return dataSource(applicationName, stack.neonJdbcUrl());
  }

  /** The same on another URL of the kit (e.g. the single-backend database). */
  NeonDataSource dataSource(String applicationName, String url) {
    NeonDataSource dataSource = new NeonDataSource();
    dataSource.setUrl(url);
    dataSource.setUser(stack.user());
    dataSource.setPassword(stack.password());
    dataSource.setPoolName(applicationName);
    dataSource.addDataSourceProperty("ApplicationName", applicationName);
    return dataSource;
  }

  /**
   * How many clients PgBouncer has for the kit's database. (PgBouncer 1.18 shows the application
   * name only for clients that reached a server before the pool's parameters were cached, so tests
   * compare counts before and after instead of filtering by name.)
   */
  int pgbouncerClients() throws SQLException {
    int count = 0;
    for (Map<String, String> row : stack.pgbouncerAdmin().orElseThrow().show("CLIENTS")) {
      if (stack.database().equals(row.get("database")) && stack.user().equals(row.get("user"))) {
        count++;
      }
    }
    return count;
  }

  /**
   * PostgreSQL sessions opened straight to the direct endpoint with {@code applicationName}
   * (PgBouncer's own server connections arrive over the Unix socket: no client address).
   */
  int directBackends(String applicationName) throws SQLException {
    try (Connection observer = stack.openDirect();
        PreparedStatement query =
            observer.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = ? AND client_addr IS NOT NULL")) {
      query.setString(1, applicationName);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** A check of the server that may need a moment to settle (a closed socket, a finished exit). */
  interface Probe {
    int get() throws SQLException;
  }

  /**
   * Polls {@code probe} for up to five seconds until it returns {@code expected}; returns the last.
   */
  static int eventually(int expected, Probe probe) throws SQLException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    int value = probe.get();
    while (value != expected && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return value;
      }
      value = probe.get();
    }
    return value;
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
   * The backend of the direct session that a transaction begun by a {@code neon:direct} hint runs
   * on, once the kit's {@link NeonStack#endpointOf} has confirmed that the transaction runs on
   * direct. Call in auto-commit mode; the transaction is committed and auto-commit restored.
   */
  static String directBackendPid(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    try {
      String pid = scalar(connection, "/* neon:direct */ SELECT pg_backend_pid()");
      if (NeonStacks.shared().endpointOf(connection) != ServerEndpoint.DIRECT) {
        throw new AssertionError("a transaction begun by a neon:direct hint runs pooled");
      }
      return pid;
    } finally {
      connection.setAutoCommit(true);
    }
  }
}

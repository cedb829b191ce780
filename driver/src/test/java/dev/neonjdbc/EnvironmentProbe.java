package dev.neonjdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Run in a child JVM by {@link DriverIntegrationTest}: connects with the bare {@code jdbc:neon:}
 * URL, so everything comes from the environment, and prints what the server reports.
 */
public final class EnvironmentProbe {
  private EnvironmentProbe() {}

  /** Prints {@code key=value} lines; exits non-zero on failure. */
  public static void main(String[] args) throws SQLException {
    System.out.println("driver=" + DriverManager.getDriver("jdbc:neon:").getClass().getName());
    try (Connection connection = DriverManager.getConnection("jdbc:neon:")) {
      print(connection, "");
    }
    try (Connection connection = DriverManager.getConnection("jdbc:neon:?route=direct")) {
      print(connection, "direct-");
    }
  }

  /**
   * Prints the user and which endpoint ran a plain query: {@code direct} when its backend is the
   * connection's direct session (the one a {@code neon:direct} hint reaches), else {@code pooled}.
   * A logical connection has one direct session, so this holds on every provider; this JVM has no
   * test kit to ask.
   */
  private static void print(Connection connection, String prefix) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("select current_user, pg_backend_pid()")) {
      rs.next();
      System.out.println(prefix + "user=" + rs.getString(1));
      int backend = rs.getInt(2);
      int direct = directBackend(connection);
      System.out.println(prefix + "endpoint=" + (backend == direct ? "direct" : "pooled"));
    }
  }

  private static int directBackend(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("/* neon:direct */ select pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}

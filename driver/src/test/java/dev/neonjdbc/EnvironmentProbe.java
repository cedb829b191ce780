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

  private static void print(Connection connection, String prefix) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "select current_user, case when inet_server_addr() is null then 'pooled'"
                    + " else 'direct' end")) {
      rs.next();
      System.out.println(prefix + "user=" + rs.getString(1));
      System.out.println(prefix + "endpoint=" + rs.getString(2));
    }
  }
}

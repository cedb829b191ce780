package dev.neonjdbc.examples;

import dev.neonjdbc.NeonConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Plain JDBC: {@code DriverManager} and the connection string Neon's console shows, pasted after
 * {@code jdbc:neon:}. Run it with {@code ./dev demo plain-jdbc}.
 */
public final class PlainJdbcExample {
  private PlainJdbcExample() {}

  /** Creates a table (direct), writes and reads it (pooled), drops it (direct). */
  public static void main(String[] args) throws SQLException {
    Target target = Target.resolve("neon-jdbc-plain-example");
    System.out.println("URL: " + target.shownUrl());
    try (Connection connection = DriverManager.getConnection(target.url());
        Statement statement = connection.createStatement()) {
      NeonConnection neon = connection.unwrap(NeonConnection.class);
      String[] setup = {
        "CREATE TABLE IF NOT EXISTS plain_example (id serial PRIMARY KEY, note text)",
        "INSERT INTO plain_example (note) VALUES ('written through the pooled endpoint')"
      };
      for (String sql : setup) {
        System.out.printf("%-8s %s%n", neon.endpointFor(sql), sql);
        statement.execute(sql);
      }
      String select = "SELECT count(*) FROM plain_example WHERE note = ?";
      System.out.printf("%-8s %s%n", neon.endpointFor(select), select);
      try (PreparedStatement query = connection.prepareStatement(select)) {
        query.setString(1, "written through the pooled endpoint");
        try (ResultSet rs = query.executeQuery()) {
          rs.next();
          System.out.println("         -> " + rs.getLong(1) + " row(s)");
        }
      }
      String drop = "DROP TABLE plain_example";
      System.out.printf("%-8s %s%n", neon.endpointFor(drop), drop);
      statement.execute(drop);
    }
  }
}

package dev.neonjdbc.examples;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./dev demo}: connects through {@code jdbc:neon:} and prints what it connected to.
 *
 * <p>With {@code DATABASE_URL} set (for example the string Neon's console shows), the bare {@code
 * jdbc:neon:} URL reads it from the environment. Otherwise the demo starts the local Neon-shaped
 * stack (PostgreSQL behind PgBouncer, TLS, SCRAM) and pastes a Neon-style {@code
 * postgresql://user:password@host/db} string after {@code jdbc:neon:}.
 */
public final class Demo {
  private Demo() {}

  /** Runs the demo. */
  public static void main(String[] args) throws SQLException {
    String url;
    String shown;
    if (System.getenv("DATABASE_URL") != null && !System.getenv("DATABASE_URL").isEmpty()) {
      url = "jdbc:neon:";
      shown = "jdbc:neon:   (from DATABASE_URL)";
    } else {
      System.out.println("Starting the local Neon-shaped stack (PostgreSQL + PgBouncer)...");
      NeonStack stack = NeonStacks.shared();
      url =
          "jdbc:neon:postgresql://"
              + stack.user()
              + ":"
              + stack.password()
              + "@"
              + stack.pooledHost()
              + ":"
              + stack.pooledPort()
              + "/"
              + stack.database()
              + "?"
              + stack.sslParameters()
              + "&directPort="
              + stack.directPort()
              + "&application_name=neon-jdbc-demo";
      shown = url.replace(":" + stack.password() + "@", ":***@");
      System.out.println(
          "  pooled endpoint: PgBouncer      " + stack.pooledHost() + ":" + stack.pooledPort());
      System.out.println(
          "  direct endpoint: PostgreSQL     " + stack.directHost() + ":" + stack.directPort());
      System.out.println("  logs:                           " + stack.logDirectory());
    }
    System.out.println();
    System.out.println("URL: " + shown);
    for (String route : new String[] {"pooled", "direct"}) {
      String routed = url + (url.contains("?") ? "&" : "?") + "route=" + route;
      try (Connection connection = DriverManager.getConnection(routed)) {
        System.out.println();
        System.out.println("route=" + route + ":");
        for (Map.Entry<String, String> line : describe(connection).entrySet()) {
          System.out.printf("  %-22s %s%n", line.getKey(), line.getValue());
        }
      }
    }
  }

  private static Map<String, String> describe(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "select current_user, current_database(), split_part(version(), ' ', 2),"
                    + " coalesce(host(inet_server_addr()), 'unix socket (via PgBouncer)'),"
                    + " pg_backend_pid(),"
                    + " coalesce((select version from pg_stat_ssl where pid = pg_backend_pid()),"
                    + " 'none')")) {
      rs.next();
      Map<String, String> lines = new LinkedHashMap<>();
      lines.put("user", rs.getString(1));
      lines.put("database", rs.getString(2));
      lines.put("server version", rs.getString(3));
      lines.put("server address", rs.getString(4));
      lines.put("backend pid", rs.getString(5));
      lines.put("backend TLS", rs.getString(6));
      lines.put("driver", connection.getMetaData().getDriverName());
      return lines;
    }
  }
}

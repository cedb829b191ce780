package dev.neonjdbc.examples;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.datasource.NeonDataSourceStats;
import dev.neonjdbc.examples.spring.SpringBootExample;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * {@code ./dev demo}: a short tour of {@code jdbc:neon:} through {@link NeonDataSource}. It runs a
 * scripted workload (a Flyway migration, inserts, a transaction, a LISTEN/NOTIFY round trip, a
 * temporary table) and prints which endpoint ran each statement, as the connection's router decides
 * it ({@link NeonConnection#endpointFor}, asked just before the statement runs, so the pin and an
 * open transaction count), and how long it took. On the local stack it then goes through the kit's
 * Neon-shaped front with Neon's own pooled string ({@link FrontTour}), and with the kit's read
 * replica ({@link ReplicaTour}).
 *
 * <p>With {@code DATABASE_URL} set (the string Neon's console shows) it runs there; otherwise on
 * the local Neon-shaped stack. {@code ./dev demo NAME} runs one example instead: {@code
 * plain-jdbc}, {@code spring-boot}, {@code flyway}, {@code listen-notify}.
 */
public final class Demo {
  private final List<String[]> rows = new ArrayList<>();

  private Demo() {}

  /** Runs the tour, or the example named by the first argument. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
      switch (args[0]) {
        case "plain-jdbc" -> PlainJdbcExample.main(rest);
        case "spring-boot" -> SpringBootExample.main(rest);
        case "flyway" -> FlywayExample.main(rest);
        case "listen-notify" -> ListenNotifyExample.main(rest);
        default -> {
          System.err.println(
              "unknown example "
                  + args[0]
                  + "; one of plain-jdbc, spring-boot, flyway,"
                  + " listen-notify");
          System.exit(2);
        }
      }
      return;
    }
    Target target = Target.resolve("neon-jdbc-demo");
    new Demo().tour(target);
    if (target.localStack().isPresent()) {
      System.out.println();
      FrontTour.runIfPresent(target.localStack().get());
      System.out.println();
      ReplicaTour.runIfPresent(target.localStack().get(), target.url());
    }
  }

  private void tour(Target target) throws Exception {
    System.out.println("URL: " + target.shownUrl());
    System.out.println();
    try (NeonDataSource dataSource = new NeonDataSource(target.url())) {
      long start = System.nanoTime();
      FlywayExample.migrate(dataSource);
      NeonDataSourceStats afterMigration = dataSource.stats();
      add(
          "migration (Flyway V1, V2)",
          "advisory lock + DDL",
          afterMigration.pins() > 0 ? "direct (pinned)" : "?",
          start);

      try (Connection connection = dataSource.getConnection()) {
        judged(connection, "insert", "INSERT INTO example_notes (body) VALUES ('one'), ('two')");
        judged(connection, "select", "SELECT count(*) FROM example_notes");

        connection.setAutoCommit(false);
        start = System.nanoTime();
        judgedQuietly(connection, "INSERT INTO example_notes (body) VALUES ('in a transaction')");
        String where =
            judgedQuietly(connection, "UPDATE example_notes SET body = upper(body) WHERE id = 1");
        connection.commit();
        add("transaction (2 statements)", "INSERT, UPDATE, COMMIT", where, start);
        connection.setAutoCommit(true);

        judged(connection, "ddl", "ALTER TABLE example_notes ADD COLUMN IF NOT EXISTS tag text");
      }

      try (Connection listener = dataSource.getConnection();
          Connection sender = dataSource.getConnection()) {
        judged(listener, "listen (pins)", "LISTEN demo_channel");
        judged(sender, "notify", "NOTIFY demo_channel, 'hello'");
        start = System.nanoTime();
        PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(5_000);
        add(
            "notification received",
            "getNotifications",
            received != null && received.length > 0 ? "direct (pinned)" : "none received",
            start);
      }

      try (Connection connection = dataSource.getConnection()) {
        judged(connection, "temp table (pins)", "CREATE TEMP TABLE demo_scratch (id int)");
        judged(connection, "insert into temp", "INSERT INTO demo_scratch VALUES (1)");
        judged(connection, "reset (unpins)", "DISCARD ALL");
        judged(connection, "select after reset", "SELECT 1");
      }

      try (Connection connection = dataSource.getConnection()) {
        judged(connection, "cleanup ddl", "DROP TABLE example_notes, example_schema_history");
      }
      print();
      NeonDataSourceStats stats = dataSource.stats();
      System.out.println();
      System.out.printf(
          "statements: %d pooled, %d direct; sessions opened: %d pooled, %d direct;"
              + " pins: %d; direct borrows: %d (held %d ms in total)%n",
          stats.pooledStatements(),
          stats.directStatements(),
          stats.pooledConnects(),
          stats.directConnects(),
          stats.pins(),
          stats.directBorrows(),
          stats.directBorrowTime().toMillis());
    }
  }

  /** Runs {@code sql} and records the endpoint it ran on. */
  private void judged(Connection connection, String step, String sql) throws SQLException {
    long start = System.nanoTime();
    String where = judgedQuietly(connection, sql);
    add(step, firstWords(sql), where, start);
  }

  /**
   * Runs {@code sql}; returns the endpoint the router sends it to ({@code pooled}, {@code direct}).
   */
  private static String judgedQuietly(Connection connection, String sql) throws SQLException {
    EndpointKind where = connection.unwrap(NeonConnection.class).endpointFor(sql);
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
    return where.name().toLowerCase(Locale.ROOT);
  }

  private void add(String step, String kind, String endpoint, long startNanos) {
    double millis = (System.nanoTime() - startNanos) / 1e6;
    rows.add(new String[] {step, kind, endpoint, String.format("%8.1f ms", millis)});
  }

  private void print() {
    String format = "%-28s %-26s %-16s %s%n";
    System.out.printf(format, "step", "statement kind", "endpoint", "time");
    System.out.printf(format, "----", "--------------", "--------", "----");
    for (String[] row : rows) {
      System.out.printf(format, (Object[]) row);
    }
  }

  private static String firstWords(String sql) {
    String[] words = sql.split("\\s+");
    String kind = words[0] + (words.length > 1 ? " " + words[1] : "");
    if (words.length > 2 && words[1].equalsIgnoreCase("TEMP")) {
      kind += " " + words[2];
    }
    return kind.replace(",", "");
  }
}

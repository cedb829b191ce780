package dev.neonjdbc.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.neonjdbc.NeonConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The statements the metrics tests run, with what each must count: the same sequence through a data
 * source and through {@code DriverManager}.
 */
final class KnownSequence {
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** Statements that end on the pooled endpoint: 3 + 1 + 1 SELECTs, and the last SELECT. */
  static final int POOLED_OK = 6;

  /** The SELECT from a table that does not exist. */
  static final int POOLED_ERROR = 1;

  /** CREATE TABLE, the moved CREATE TABLE, LISTEN, two DROP TABLEs, UNLISTEN. */
  static final int DIRECT_OK = 6;

  private KnownSequence() {}

  static String unique(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  /**
   * Runs: 3 SELECTs; CREATE TABLE (direct); a transaction whose SELECT begins it pooled and whose
   * CREATE TABLE moves it to direct; a transaction that has written and whose LISTEN is refused; a
   * failing SELECT; LISTEN (pins); two DROP TABLEs while pinned; UNLISTEN (the pin ends); a SELECT.
   */
  static void run(Connection connection, String name) throws SQLException {
    for (int i = 0; i < 3; i++) {
      execute(connection, "SELECT 1");
    }
    execute(connection, "CREATE TABLE " + name + " (id int)");

    connection.setAutoCommit(false);
    execute(connection, "SELECT 1");
    execute(connection, "CREATE TABLE " + name + "_moved (id int)");
    connection.commit();

    execute(connection, "SELECT pg_current_xact_id()"); // it has written: it cannot move
    SQLException refused =
        assertThrows(SQLException.class, () -> execute(connection, "LISTEN " + name));
    assertEquals("0A000", refused.getSQLState(), refused.getMessage());
    connection.rollback();
    connection.setAutoCommit(true);

    SQLException missing =
        assertThrows(
            SQLException.class, () -> execute(connection, "SELECT * FROM " + name + "_missing"));
    assertEquals("42P01", missing.getSQLState(), missing.getMessage());

    execute(connection, "LISTEN " + name);
    assertEquals(true, connection.unwrap(NeonConnection.class).isPinned());
    execute(connection, "DROP TABLE " + name);
    execute(connection, "DROP TABLE " + name + "_moved");
    execute(connection, "UNLISTEN " + name);
    assertEquals(false, connection.unwrap(NeonConnection.class).isPinned());
    execute(connection, "SELECT 1");
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** A body that may throw. */
  interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body} and returns what slf4j-simple wrote to stderr meanwhile. */
  static String logged(Body body) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    original.print(text);
    return text;
  }

  /** How many lines of {@code log} are DEBUG lines of the events logger containing {@code text}. */
  static int eventLines(String log, String text) {
    int count = 0;
    for (String line : log.split("\n")) {
      if (line.contains("DEBUG dev.neonjdbc.events") && line.contains(text)) {
        count++;
      }
    }
    return count;
  }
}

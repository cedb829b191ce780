package dev.neonjdbc.front;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.front.NeonFront;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/** What the tests through the kit's Neon front share: the front, its log, small JDBC helpers. */
final class FrontSupport {
  private static final AtomicLong NAMES = new AtomicLong();

  private FrontSupport() {}

  /** The stack's front; skips the test when the provider runs none or it is turned off. */
  static NeonFront frontOf(NeonStack stack) {
    assumeTrue(
        stack.neonFront().isPresent(),
        "the stack runs no Neon front (provider " + stack.providerName() + ", or turned off)");
    return stack.neonFront().orElseThrow();
  }

  /** Logins the front accepted on its Postgres port, by SSLRequest or direct TLS. */
  static long tcpLogins(NeonFront front) {
    return front.logins("tls") + front.logins("direct-tls");
  }

  /** A unique table or channel name. */
  static String unique(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  /**
   * The port PostgreSQL sees on a direct session of the stack's own: the stack's direct port, or
   * the port inside a container that publishes it under another.
   */
  static String directServerPort(NeonStack stack) throws SQLException {
    try (Connection direct = stack.openDirect()) {
      return scalar(direct, "SELECT inet_server_port()");
    }
  }

  static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  static void run(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /**
   * Runs {@code sql} and then {@code check} in one string, so the router sends both to the endpoint
   * {@code sql} needs (a string takes the route of its strongest statement), and returns the
   * check's single value.
   */
  static String runThenAsk(Connection connection, String sql, String check) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      boolean isResult = statement.execute(sql + "; " + check);
      String answer = null;
      while (isResult || statement.getUpdateCount() != -1) {
        if (isResult) {
          try (ResultSet row = statement.getResultSet()) {
            if (row.next()) {
              answer = row.getString(1);
            }
          }
        }
        isResult = statement.getMoreResults();
      }
      return answer;
    }
  }

  /** The lines the front writes to its log from now on. */
  static final class LogTail {
    private final Path file;
    private final long start;

    LogTail(NeonStack stack) {
      this.file = stack.logDirectory().resolve("neon-front.log");
      try {
        this.start = Files.exists(file) ? Files.size(file) : 0;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** New log lines that contain {@code text}. */
    long count(String text) {
      try {
        byte[] all = Files.readAllBytes(file);
        String added =
            new String(all, (int) start, all.length - (int) start, StandardCharsets.UTF_8);
        return added.lines().filter(line -> line.contains(text)).count();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

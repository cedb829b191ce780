package dev.neonjdbc.examples;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.front.NeonFront;
import dev.neonjdbc.testkit.front.WakePolicy;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The part of {@code ./dev demo} that goes through the test kit's Neon-shaped front: the string
 * Neon's console shows for a pooled endpoint (its host {@code ep-…-pooler.….aws.neon.tech}, {@code
 * channel_binding=require}), which endpoint served each statement, and a connect that meets a
 * suspended compute and waits for it to wake up.
 *
 * <p>The Neon host names do not resolve on this machine, so the URL carries the kit's {@code
 * socketFactory}, which sends every connection to the front while pgJDBC keeps the host name for
 * TLS SNI and the certificate check.
 */
final class FrontTour {
  private static final String BACKEND = "SELECT pg_backend_pid()";
  private static final Duration WAKE_UP = Duration.ofMillis(800);

  private final NeonStack stack;
  private final NeonFront front;

  private FrontTour(NeonStack stack, NeonFront front) {
    this.stack = stack;
    this.front = front;
  }

  /** Runs the tour when the stack runs a front; says so and returns when it does not. */
  static void runIfPresent(NeonStack stack) throws SQLException {
    if (stack.neonFront().isEmpty()) {
      System.out.println("(the test kit runs no Neon front: NEON_TESTKIT_FRONT=off?)");
      return;
    }
    new FrontTour(stack, stack.neonFront().orElseThrow()).run();
  }

  private void run() throws SQLException {
    String url = url(stack.password());
    System.out.println("Through the Neon-shaped front (" + front + "):");
    System.out.println("URL: " + url(stack.password()).replace(stack.password(), "***"));
    System.out.println();
    String format = "%-34s %-10s %s%n";
    System.out.printf(format, "step", "endpoint", "time");
    System.out.printf(format, "----", "--------", "----");
    long loginsBefore = logins();
    long directTlsBefore = front.logins("direct-tls");
    long start = System.nanoTime();
    try (Connection connection = DriverManager.getConnection(url)) {
      System.out.printf(format, "connect (SCRAM-SHA-256-PLUS)", "", millisSince(start));
      step(connection, format, "SELECT 1");
      step(connection, format, "CREATE TABLE demo_front (v int)");
      step(connection, format, "INSERT INTO demo_front VALUES (1)");
      step(connection, format, "DROP TABLE demo_front");
    }
    System.out.printf(
        "the front authenticated %d session(s) with channel binding (%d of them by direct TLS) and"
            + " routed each by its TLS server name (%s or %s)%n%n",
        logins() - loginsBefore,
        front.logins("direct-tls") - directTlsBefore,
        front.pooledHostName(),
        front.directHostName());

    front.suspend(WakePolicy.wakeAfter(WAKE_UP));
    try {
      start = System.nanoTime();
      try (Connection connection = DriverManager.getConnection(url)) {
        String backend = backendOf(connection, "SELECT 1");
        String time = millisSince(start).strip();
        System.out.printf(
            "connect + first query through a suspended compute (%d ms wake-up): %s, on %s%n",
            WAKE_UP.toMillis(), time, endpointOf(connection, backend));
      }
    } finally {
      front.wake();
    }
  }

  private static void step(Connection connection, String format, String sql) throws SQLException {
    long start = System.nanoTime();
    String backend = backendOf(connection, sql);
    String time = millisSince(start);
    System.out.printf(format, sql, endpointOf(connection, backend), time);
  }

  /**
   * Runs {@code sql} and asks for the backend in one string, so both take the same route; returns
   * the backend's process id.
   */
  private static String backendOf(Connection connection, String sql) throws SQLException {
    String backend = "?";
    try (Statement statement = connection.createStatement()) {
      boolean isResult = statement.execute(sql + "; " + BACKEND);
      while (isResult || statement.getUpdateCount() != -1) {
        if (isResult) {
          try (ResultSet row = statement.getResultSet()) {
            if (row.next()) {
              backend = row.getString(1);
            }
          }
        }
        isResult = statement.getMoreResults();
      }
    }
    return backend;
  }

  /**
   * Which endpoint {@code backend} belongs to, by the server's answer: a connection has one direct
   * session (the one a {@code neon:direct} hint reaches), so any other backend is one the pooler
   * lent.
   */
  private static String endpointOf(Connection connection, String backend) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("/* neon:direct */ " + BACKEND)) {
      row.next();
      return backend.equals(row.getString(1)) ? "direct" : "pooled";
    }
  }

  private long logins() {
    return front.logins("tls") + front.logins("direct-tls");
  }

  /** Neon's pooled connection string, plus the CA to verify and the socket factory. */
  private String url(String password) {
    return "jdbc:neon:postgresql://"
        + stack.user()
        + ":"
        + password
        + "@"
        + front.pooledHostName()
        + "/"
        + stack.database()
        + "?sslmode=verify-full&channel_binding=require&sslrootcert="
        + URLEncoder.encode(stack.caCertificate().toString(), StandardCharsets.UTF_8)
        + "&"
        + front.socketFactoryParameters()
        + (stack.poolerKeepsPreparedStatements() ? "" : "&poolerPreparedStatements=false");
  }

  private static String millisSince(long startNanos) {
    return String.format("%8.1f ms", (System.nanoTime() - startNanos) / 1e6);
  }
}

package dev.neonjdbc.replica;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.ReplicaStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The kit's primary and replica, and what the replica tests ask of them. */
final class ReplicaFixture {
  private static final AtomicInteger NAMES = new AtomicInteger();
  // Each test's URL differs, so that it gets its own replica state (turns, down marks, the
  // read-your-writes clock): the driver shares that state between equal URLs.
  private static final AtomicInteger SETS = new AtomicInteger();

  final NeonStack stack;
  final ReplicaStack replica;

  ReplicaFixture(NeonStack stack) {
    this.stack = stack;
    ReplicaStack started = stack.replica().orElse(null);
    assumeTrue(started != null, stack.replicaUnavailableReason());
    this.replica = started;
  }

  /**
   * A {@code jdbc:neon:} URL over the kit's primary (both endpoints) with {@code replicaHosts} and
   * the other query parameters given, its replica state of its own.
   */
  String url(String replicaHosts, String more) {
    return stack.neonJdbcUrl()
        + "&replicaHosts="
        + replicaHosts
        + "&replicaDownFor="
        + (1000 + SETS.incrementAndGet())
        + (more.isEmpty() ? "" : "&" + more);
  }

  /** {@link #url(String, String)} with the kit's replica. */
  String url(String more) {
    return url(replica.pooledAddress(), more);
  }

  Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, stack.credentials());
  }

  /** Whether the server that ran the query is a standby: {@code pg_is_in_recovery()}. */
  boolean onReplica(Connection connection) throws SQLException {
    return stack.servedByReplica(connection);
  }

  /**
   * The port the PostgreSQL that ran the query listens on, as it says ({@code
   * current_setting('port')}): the replica's compute and the primary's differ.
   */
  /**
   * Which PostgreSQL ran the query, as the server says: its postmaster's start time, which tells
   * the kit's primary and replica apart on every provider (a container's PostgreSQL listens on 5432
   * inside it, whatever port the kit publishes).
   */
  static String serverIdentity(Connection connection) throws SQLException {
    return scalar(connection, "SELECT pg_postmaster_start_time()::text");
  }

  /** {@link #serverIdentity} of the replica's PostgreSQL, asked on a session of its own. */
  String replicaIdentity() throws SQLException {
    try (Connection direct = replica.openDirect()) {
      return serverIdentity(direct);
    }
  }

  /** {@link #serverIdentity} of the primary's PostgreSQL, asked on a session of its own. */
  String primaryIdentity() throws SQLException {
    try (Connection direct = stack.openDirect()) {
      return serverIdentity(direct);
    }
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

  static String unique(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  /** Waits until the replica has replayed what the primary wrote so far. */
  void awaitReplay() {
    replica.awaitReplay(Duration.ofSeconds(30));
  }

  /** A loopback port where nothing listens: a replica that refuses every connection. */
  static int deadPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Runs {@code body} and returns what was logged meanwhile: slf4j-simple writes to stderr, or to
   * the file {@code org.slf4j.simpleLogger.logFile} names when a test run sets one.
   */
  static String logged(ThrowingRunnable body) throws Exception {
    String file = System.getProperty("org.slf4j.simpleLogger.logFile");
    if (file != null && !file.equals("System.err") && !file.equals("System.out")) {
      Path log = Path.of(file);
      long before = Files.exists(log) ? Files.size(log) : 0;
      body.run();
      byte[] all = Files.readAllBytes(log);
      return new String(all, (int) before, all.length - (int) before, StandardCharsets.UTF_8);
    }
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

  /** How many lines of {@code log} are the WARN that a replica did not answer. */
  static int downWarnings(String log) {
    int count = 0;
    for (String line : log.split("\n")) {
      if (line.contains("WARN")
          && line.contains("read replica")
          && line.contains("did not answer")) {
        count++;
      }
    }
    return count;
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}

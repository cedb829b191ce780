package dev.neonjdbc.benchmarks;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import dev.neonjdbc.testkit.relay.LatencyRelay;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * What the router's session-state rules cost, in round trips: a statement or transaction on a
 * {@code jdbc:neon:} connection without session state and with it (a session {@code SET}, an
 * isolation level), the {@code SET} itself, and a pooled transaction that moves to the direct
 * endpoint when it meets a session advisory lock; plain pgJDBC through PgBouncer as the baseline.
 * Like {@link ConnectLatencyHarness}, it reports the median of many runs, not JMH statistics: each
 * row is a handful of sequential round trips.
 *
 * <p>The kit's {@link LatencyRelay} sits in front of both endpoints (PgBouncer and PostgreSQL, TLS
 * and SCRAM on each), and the {@code jdbc:neon:} URL names the two relays. Each row is timed
 * through relays adding nothing and through relays adding the given round-trip time; the difference
 * divided by the round-trip time is the number of round trips, free of server work (reading {@code
 * pg_settings} costs the server time but is not a round trip). Connections are opened, and both
 * physical sessions used once, before anything is timed: connecting is {@link
 * ConnectLatencyHarness}'s subject, not this one's. Every row gets fresh connections (one through
 * each pair of relays, their runs alternating), so the state one row leaves cannot change the next;
 * between runs of a row the harness undoes what the timed part did (untimed) and checks, through
 * {@link NeonConnection}, that routing is in the state the row describes.
 *
 * <p>The "by the rules" column is the count the router's documented rules imply ({@code
 * dev.neonjdbc.internal.routing.Router}), and the last column says what each of those round trips
 * is. A measured count half a round trip or more away from it is marked and listed under the table:
 * the driver sends more (or less) than its rules say. pgJDBC's trace ({@code org.postgresql} at
 * {@code FINEST}: one {@code FE=> Sync} per round trip) shows what the extra one is.
 *
 * <p>Run: {@code mvn -B -pl benchmarks -am package -DskipTests && java -cp
 * benchmarks/target/benchmarks.jar dev.neonjdbc.benchmarks.SessionStateCostHarness [rttMillis]
 * [runs]} (defaults 20 ms, 15 runs; about a minute at the defaults). Needs the local test stack's
 * binaries (see the README).
 */
public final class SessionStateCostHarness {
  /** Runs of each row before the timed ones: class loading, JIT, the server's plan caches. */
  private static final int WARM_UP_RUNS = 2;

  /** A session parameter whose value is visible but harmless to every statement here. */
  private static final String SET_TIMEOUT = "SET statement_timeout = '30s'";

  // An exclusive lock the near and the far connection of a row take in turn: each run unlocks it.
  private static final String LOCK = "SELECT pg_advisory_lock(727001)";
  private static final String UNLOCK = "SELECT pg_advisory_unlock(727001)";

  private SessionStateCostHarness() {}

  /**
   * Runs every row and prints a Markdown table.
   *
   * @param args optional round-trip time in milliseconds and number of runs per row
   */
  public static void main(String[] args) throws Exception {
    Duration rtt = Duration.ofMillis(args.length > 0 ? Long.parseLong(args[0]) : 20);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    NeonStack stack = NeonStacks.shared();
    OperatingSystemMXBean system = ManagementFactory.getOperatingSystemMXBean();
    double loadBefore = system.getSystemLoadAverage();
    System.out.printf(
        "Session-state cost, median of %d runs, %s stack, both endpoints behind a latency relay."
            + " Round trips = (time at %d ms RTT - time at 0 ms RTT) / %d ms. Connections are"
            + " open and both sessions used before timing.%n%n",
        runs, stack.providerName(), rtt.toMillis(), rtt.toMillis());
    System.out.printf(
        "| # | timed | ms at 0 ms RTT | ms at %d ms RTT | round trips | by the rules | the"
            + " rules' round trips |%n",
        rtt.toMillis());
    System.out.println("|---|---|---|---|---|---|---|");
    List<String> differing = new ArrayList<>();
    try (Endpoints near = new Endpoints(stack, Duration.ZERO);
        Endpoints far = new Endpoints(stack, rtt)) {
      for (Row row : rows()) {
        double[] medians = medianMillis(near, far, row, runs);
        double nearMillis = medians[0];
        double farMillis = medians[1];
        double roundTrips = (farMillis - nearMillis) / rtt.toMillis();
        boolean differs = Math.abs(roundTrips - row.byTheRules) >= 0.5;
        if (differs) {
          differing.add(
              String.format(
                  "%s (%.1f measured, %d by the rules)", row.id, roundTrips, row.byTheRules));
        }
        System.out.printf(
            "| %s | %s | %.1f | %.1f | %.1f | %d%s | %s |%n",
            row.id,
            row.label,
            nearMillis,
            farMillis,
            roundTrips,
            row.byTheRules,
            differs ? " **≠**" : "",
            row.note);
      }
    }
    System.out.printf(
        "%n%d CPUs, load average %.1f before, %.1f after.%n",
        system.getAvailableProcessors(), loadBefore, system.getSystemLoadAverage());
    System.out.println(
        differing.isEmpty()
            ? "Every row matches the rules."
            : "Rows that differ from the rules: " + String.join("; ", differing) + ".");
    System.exit(0); // the shared stack stops in its shutdown hook
  }

  // ---- the rows ----------------------------------------------------------------------------

  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    rows.add(
        new Row("1a", "auto-commit `SELECT 1`, plain pgJDBC via PgBouncer", Client.PLAIN)
            .rules(1, "the query")
            .timed(c -> query(c, "SELECT 1")));
    rows.add(
        new Row("1b", "auto-commit `SELECT 1`, no state", Client.NEON)
            .rules(1, "the query, on the pooler")
            .setup(c -> requireEndpoint(c, "SELECT 1", EndpointKind.POOLED))
            .timed(c -> query(c, "SELECT 1")));
    rows.add(
        new Row("1c", "auto-commit `SELECT 1`, `statement_timeout` set", Client.NEON)
            .rules(3, "BEGIN with the prelude; SELECT 1; COMMIT, on the pooler")
            .setup(SessionStateCostHarness::setTimeout)
            .timed(c -> query(c, "SELECT 1")));
    rows.add(
        new Row("2a", "transaction `SELECT 1`, plain pgJDBC via PgBouncer", Client.PLAIN)
            .rules(2, "BEGIN with SELECT 1; COMMIT")
            .timed(c -> transaction(c, "SELECT 1"))
            .after(SessionStateCostHarness::autoCommit));
    rows.add(
        new Row("2b", "transaction `SELECT 1`, no state", Client.NEON)
            .rules(2, "BEGIN with SELECT 1; COMMIT (pooler)")
            .timed(c -> transaction(c, "SELECT 1"))
            .after(SessionStateCostHarness::autoCommit));
    rows.add(
        new Row("2c", "transaction `SELECT 1`, `statement_timeout` set", Client.NEON)
            .rules(3, "BEGIN with the prelude; SELECT 1; COMMIT (pooler)")
            .setup(SessionStateCostHarness::setTimeout)
            .timed(c -> transaction(c, "SELECT 1"))
            .after(SessionStateCostHarness::autoCommit));
    rows.add(
        new Row("3", "`SET statement_timeout` in auto-commit", Client.NEON)
            .rules(2, "the SET on direct; reading it back from pg_settings")
            .timed(c -> execute(c, SET_TIMEOUT))
            .after(
                c -> {
                  requireParameter(c, "statement_timeout", true);
                  execute(c, "RESET statement_timeout");
                  requireParameter(c, "statement_timeout", false);
                }));
    rows.add(
        new Row("4a", "`SET statement_timeout` in an open pooled transaction", Client.NEON)
            .rules(2, "the SET; reading it back and making it transaction-local")
            .before(c -> beginWith(c, "SELECT 1"))
            .timed(c -> execute(c, SET_TIMEOUT))
            .after(SessionStateCostHarness::rollBack));
    rows.add(
        new Row(
                "4b",
                "`SET lock_timeout` in an open pooled transaction, `statement_timeout` set",
                Client.NEON)
            .rules(2, "the SET; reading the parameters back and making them transaction-local")
            .setup(SessionStateCostHarness::setTimeout)
            .before(c -> beginWith(c, "SELECT 1"))
            .timed(c -> execute(c, "SET lock_timeout = '5s'"))
            .after(SessionStateCostHarness::rollBack));
    rows.add(
        new Row("5a", "`setTransactionIsolation(SERIALIZABLE)` itself", Client.NEON)
            .rules(1, "SET SESSION CHARACTERISTICS on the direct session")
            .before(c -> c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ))
            .timed(c -> c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE)));
    rows.add(
        new Row("5b", "auto-commit `SELECT 1`, SERIALIZABLE set", Client.NEON)
            .rules(3, "BEGIN with SET TRANSACTION ISOLATION LEVEL; SELECT 1; COMMIT, on the pooler")
            .setup(c -> isolation(c, Connection.TRANSACTION_SERIALIZABLE, EndpointKind.POOLED))
            .timed(c -> query(c, "SELECT 1")));
    rows.add(
        new Row("5c", "transaction `SELECT 1`, SERIALIZABLE set", Client.NEON)
            .rules(3, "BEGIN with SET TRANSACTION ISOLATION LEVEL; SELECT 1; COMMIT (pooler)")
            .setup(c -> isolation(c, Connection.TRANSACTION_SERIALIZABLE, EndpointKind.POOLED))
            .timed(c -> transaction(c, "SELECT 1"))
            .after(SessionStateCostHarness::autoCommit));
    rows.add(
        new Row("5d", "transaction `SELECT 1`, READ COMMITTED set explicitly", Client.NEON)
            .rules(2, "READ COMMITTED is the default, not state: BEGIN with SELECT 1; COMMIT")
            .setup(c -> isolation(c, Connection.TRANSACTION_READ_COMMITTED, EndpointKind.POOLED))
            .timed(c -> transaction(c, "SELECT 1"))
            .after(SessionStateCostHarness::autoCommit));
    rows.add(
        new Row("6a", "transaction `SELECT 1`, advisory lock, no state", Client.NEON)
            .rules(
                5,
                "BEGIN with SELECT 1; move check; ROLLBACK on the pooler; BEGIN with the lock on"
                    + " direct; COMMIT")
            .timed(c -> transaction(c, "SELECT 1", LOCK))
            .after(SessionStateCostHarness::unlockAfterTransaction));
    rows.add(
        new Row("6b", "transaction advisory lock, `SELECT 1`, no state", Client.NEON)
            .rules(3, "BEGIN with the lock on direct; SELECT 1; COMMIT")
            .timed(c -> transaction(c, LOCK, "SELECT 1"))
            .after(SessionStateCostHarness::unlockAfterTransaction));
    rows.add(
        new Row("6c", "transaction `SELECT 1`, advisory lock, `statement_timeout` set", Client.NEON)
            .rules(
                6,
                "BEGIN with the prelude; SELECT 1; move check; ROLLBACK on the pooler; BEGIN with"
                    + " the lock on direct (which holds the parameter already); COMMIT")
            .setup(SessionStateCostHarness::setTimeout)
            .timed(c -> transaction(c, "SELECT 1", LOCK))
            .after(SessionStateCostHarness::unlockAfterTransaction));
    rows.add(
        new Row("6d", "transaction advisory lock, `SELECT 1`, `statement_timeout` set", Client.NEON)
            .rules(3, "BEGIN with the lock on direct; SELECT 1; COMMIT")
            .setup(SessionStateCostHarness::setTimeout)
            .timed(c -> transaction(c, LOCK, "SELECT 1"))
            .after(SessionStateCostHarness::unlockAfterTransaction));
    rows.add(
        new Row("6e", "auto-commit unlock after a committed locking transaction", Client.NEON)
            .rules(2, "the unlock; the pin check")
            .before(
                c -> {
                  transaction(c, LOCK, "SELECT 1");
                  c.setAutoCommit(true);
                  requirePinned(c, true);
                })
            .timed(c -> query(c, UNLOCK))
            .after(c -> requirePinned(c, false)));
    rows.add(
        new Row("6f", "auto-commit unlock after an auto-commit lock", Client.NEON)
            .rules(2, "the unlock; the pin check")
            .before(
                c -> {
                  query(c, LOCK);
                  requirePinned(c, true);
                })
            .timed(c -> query(c, UNLOCK))
            .after(c -> requirePinned(c, false)));
    rows.add(
        new Row("6g", "auto-commit `SELECT 1`, pinned by an advisory lock", Client.NEON)
            .rules(1, "the query, on the direct session; nothing in it may release the pin")
            .setup(SessionStateCostHarness::lockAndPin)
            .timed(c -> query(c, "SELECT 1")));
    rows.add(
        new Row("6h", "transaction `SELECT 1`, pinned by an advisory lock", Client.NEON)
            .rules(2, "BEGIN with SELECT 1; COMMIT (direct); nothing in it may release the pin")
            .setup(SessionStateCostHarness::lockAndPin)
            .timed(c -> transaction(c, "SELECT 1"))
            .after(
                c -> {
                  c.setAutoCommit(true);
                  requirePinned(c, true);
                }));
    return rows;
  }

  // ---- steps the rows are made of ------------------------------------------------------------

  private static void setTimeout(Connection connection) throws SQLException {
    execute(connection, SET_TIMEOUT);
    requireParameter(connection, "statement_timeout", true);
    requireEndpoint(connection, "SELECT 1", EndpointKind.POOLED);
  }

  /**
   * Pins the connection with a lock held until the connection closes: a shared one, which the near
   * and the far connection of a row can hold at once.
   */
  private static void lockAndPin(Connection connection) throws SQLException {
    query(connection, "SELECT pg_advisory_lock_shared(727002)");
    requirePinned(connection, true);
  }

  private static void isolation(Connection connection, int level, EndpointKind autoCommitSelect)
      throws SQLException {
    connection.setTransactionIsolation(level);
    requireEndpoint(connection, "SELECT 1", autoCommitSelect);
  }

  /** {@code setAutoCommit(false)}, the statements, {@code commit()}: the timed transaction. */
  private static void transaction(Connection connection, String... queries) throws SQLException {
    connection.setAutoCommit(false);
    for (String sql : queries) {
      query(connection, sql);
    }
    connection.commit();
  }

  /** Opens a pooled transaction, in which a {@code SET} then runs. */
  private static void beginWith(Connection connection, String sql) throws SQLException {
    connection.setAutoCommit(false);
    query(connection, sql);
    requireEndpoint(connection, SET_TIMEOUT, EndpointKind.POOLED);
  }

  /** Sends nothing: no transaction is open after a commit. */
  private static void autoCommit(Connection connection) throws SQLException {
    connection.setAutoCommit(true);
  }

  private static void rollBack(Connection connection) throws SQLException {
    connection.rollback();
    connection.setAutoCommit(true);
  }

  /** The locking transaction left the connection pinned; the unlock must end the pin. */
  private static void unlockAfterTransaction(Connection connection) throws SQLException {
    connection.setAutoCommit(true);
    requirePinned(connection, true);
    query(connection, UNLOCK);
    requirePinned(connection, false);
  }

  private static void query(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  // ---- checks: a row measures what it says only if routing is where the row says -------------

  private static void requireEndpoint(Connection connection, String sql, EndpointKind expected)
      throws SQLException {
    EndpointKind actual = connection.unwrap(NeonConnection.class).endpointFor(sql);
    if (actual != expected) {
      throw new IllegalStateException(sql + " would run on " + actual + ", not " + expected);
    }
  }

  private static void requirePinned(Connection connection, boolean expected) throws SQLException {
    if (connection.unwrap(NeonConnection.class).isPinned() != expected) {
      throw new IllegalStateException(expected ? "not pinned" : "still pinned");
    }
  }

  private static void requireParameter(Connection connection, String name, boolean set)
      throws SQLException {
    boolean actual = connection.unwrap(NeonConnection.class).sessionParameters().containsKey(name);
    if (actual != set) {
      throw new IllegalStateException(name + (set ? " not recorded" : " still recorded"));
    }
  }

  // ---- timing ------------------------------------------------------------------------------

  /**
   * Median milliseconds of the row's timed part through {@code near} and through {@code far}, each
   * on a fresh connection. The runs alternate between the two, so that a change in the machine's
   * load shifts both sides of the difference alike.
   */
  private static double[] medianMillis(Endpoints near, Endpoints far, Row row, int runs)
      throws SQLException {
    try (Connection nearConnection = near.open(row.client);
        Connection farConnection = far.open(row.client)) {
      row.setup.run(nearConnection);
      row.setup.run(farConnection);
      long[] nearNanos = new long[runs];
      long[] farNanos = new long[runs];
      for (int run = -WARM_UP_RUNS; run < runs; run++) {
        long nearElapsed = timeOnce(row, nearConnection);
        long farElapsed = timeOnce(row, farConnection);
        if (run >= 0) {
          nearNanos[run] = nearElapsed;
          farNanos[run] = farElapsed;
        }
      }
      return new double[] {median(nearNanos) / 1e6, median(farNanos) / 1e6};
    }
  }

  private static long timeOnce(Row row, Connection connection) throws SQLException {
    row.before.run(connection);
    long start = System.nanoTime();
    row.timed.run(connection);
    long elapsed = System.nanoTime() - start;
    row.after.run(connection);
    return elapsed;
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Which driver a row runs on. */
  private enum Client {
    /** {@code jdbc:neon:} with both endpoints behind relays. */
    NEON,
    /** Plain pgJDBC to the pooled endpoint's relay. */
    PLAIN
  }

  /** Something a row does with its connection. */
  @FunctionalInterface
  private interface Step {
    void run(Connection connection) throws SQLException;
  }

  /** One line of the table: what is timed, what is done around it, and what the rules predict. */
  private static final class Row {
    private static final Step NOTHING = connection -> {};

    final String id;
    final String label;
    final Client client;
    int byTheRules;
    String note = "";
    Step setup = NOTHING;
    Step before = NOTHING;
    Step timed = NOTHING;
    Step after = NOTHING;

    Row(String id, String label, Client client) {
      this.id = id;
      this.label = label;
      this.client = client;
    }

    /** The round trips the rules imply, and what each one is. */
    Row rules(int roundTrips, String what) {
      this.byTheRules = roundTrips;
      this.note = what;
      return this;
    }

    /** Once, after the connection is open and warm, before the first run. */
    Row setup(Step step) {
      this.setup = step;
      return this;
    }

    /** Before each run, untimed. */
    Row before(Step step) {
      this.before = step;
      return this;
    }

    /** What is timed. */
    Row timed(Step step) {
      this.timed = step;
      return this;
    }

    /** After each run, untimed: undoes what the timed part left, so that every run starts alike. */
    Row after(Step step) {
      this.after = step;
      return this;
    }
  }

  /**
   * A relay in front of each endpoint, adding one round-trip time, and connections through them.
   */
  private static final class Endpoints implements AutoCloseable {
    private final NeonStack stack;
    private final LatencyRelay pooled;
    private final LatencyRelay direct;
    private final Driver neon = new dev.neonjdbc.Driver();
    private final Driver pgjdbc = new org.postgresql.Driver();

    Endpoints(NeonStack stack, Duration rtt) {
      this.stack = stack;
      this.pooled = stack.latencyRelay(stack.pooledHost(), stack.pooledPort(), rtt);
      this.direct = stack.latencyRelay(stack.directHost(), stack.directPort(), rtt);
    }

    /**
     * A connection whose sessions are open and have run a query each: the pooled one for plain
     * pgJDBC, both for {@code jdbc:neon:} (a hinted query opens the direct one without pinning).
     */
    Connection open(Client client) throws SQLException {
      Properties properties = stack.credentials();
      Connection connection;
      if (client == Client.PLAIN) {
        // The setting jdbc:neon: gives its pooled session for a PgBouncer that keeps no prepared
        // statements; it changes no round trip, only keeps the two comparable.
        properties.setProperty("prepareThreshold", "0");
        connection =
            pgjdbc.connect(
                "jdbc:postgresql://127.0.0.1:"
                    + pooled.port()
                    + "/"
                    + stack.database()
                    + "?"
                    + stack.sslParameters(),
                properties);
      } else {
        connection =
            neon.connect(
                "jdbc:neon://127.0.0.1:"
                    + pooled.port()
                    + "/"
                    + stack.database()
                    + "?directHost=127.0.0.1&directPort="
                    + direct.port()
                    + "&"
                    + stack.sslParameters(),
                properties);
      }
      try {
        query(connection, "SELECT 1");
        if (client == Client.NEON) {
          query(connection, "/* neon:direct */ SELECT 1");
          NeonConnection routing = connection.unwrap(NeonConnection.class);
          if (routing.session(EndpointKind.DIRECT).isEmpty() || routing.isPinned()) {
            throw new IllegalStateException("the direct session did not open unpinned");
          }
        }
        return connection;
      } catch (SQLException | RuntimeException e) {
        connection.close();
        throw e;
      }
    }

    @Override
    public void close() {
      pooled.close();
      direct.close();
    }
  }
}

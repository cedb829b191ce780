package dev.neonjdbc.benchmarks;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import dev.neonjdbc.testkit.relay.LatencyRelay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.TimeUnit;

/**
 * Connect + first query at a simulated round-trip time, in round trips: plain pgJDBC over TCP,
 * {@code jdbc:neon:} over TCP with the defaults of a non-Neon host and with those of a Neon host
 * ({@code startupParameters}, {@code directTls}), the WebSocket tunnel ({@code wss://}, the kit's
 * proxy) without and with {@code webSocketPipelineConnect}, {@code oneShot=http} against the kit's
 * SQL-over-HTTP endpoint cold and warm, and Neon's serverless driver for JavaScript through the
 * same proxy, endpoint and relays (its {@code Client} over WebSocket, its {@code neon()} over HTTP
 * cold and warm; run by {@code node} from {@code benchmarks/neon-serverless} after {@code npm
 * install} there; skipped with a message otherwise). Connection setup is a handful of sequential
 * round trips, which JMH's statistics add nothing to; this harness reports the median of many runs.
 *
 * <p>The kit's {@link LatencyRelay} sits in front of each server (PostgreSQL with TLS and SCRAM for
 * TCP; the WebSocket proxy, which logs in to PostgreSQL with the cleartext password Neon's proxy
 * asks for, for the tunnel). Each row is measured at 0 ms and at the given round-trip time; the
 * difference divided by the round-trip time is the number of round trips, free of server work. The
 * relay accepts TCP locally, so the TCP handshake costs nothing here; on a real network add one
 * round trip to every row. The relay also counts the client's flights for three more connects and
 * queries of each JDBC row (the least of them) ({@link LatencyRelay#clientFlights()}): the round
 * trips without timing.
 *
 * <p>The kit's PostgreSQL 15 and PgBouncer 1.18 refuse direct TLS: the Neon row's first (warm-up)
 * connect falls back to the SSLRequest and remembers it, so that row shows the startup-parameter
 * saving only; direct TLS saves one more round trip against servers that speak it (Neon's proxy,
 * PostgreSQL 17).
 *
 * <p>Run: {@code mvn -B -pl benchmarks -am package -DskipTests && java -cp
 * benchmarks/target/benchmarks.jar dev.neonjdbc.benchmarks.ConnectLatencyHarness [rttMillis]
 * [runs]} (defaults 20 ms, 15 runs) from the repository root. Needs the local test stack's binaries
 * (see the README).
 */
public final class ConnectLatencyHarness {
  private ConnectLatencyHarness() {}

  /**
   * Runs the comparison and prints a Markdown table.
   *
   * @param args optional round-trip time in milliseconds and number of runs per row
   */
  public static void main(String[] args) throws Exception {
    Duration rtt = Duration.ofMillis(args.length > 0 ? Long.parseLong(args[0]) : 20);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    NeonStack stack = NeonStacks.shared();
    Driver pgjdbc = new org.postgresql.Driver();
    Driver neon = new dev.neonjdbc.Driver();
    System.out.printf(
        "Connect + first query (SELECT 1), %d runs per RTT, the two RTTs interleaved, %s stack."
            + " Round trips = (fastest at %d ms RTT - fastest at 0 ms RTT) / %d ms: load on the"
            + " machine only ever adds time, and server work (backend start, password hashing) is"
            + " not counted as round trips. The relay accepts TCP locally: on a real network add"
            + " one round trip (the TCP handshake).%n%n",
        runs, stack.providerName(), rtt.toMillis(), rtt.toMillis());
    System.out.printf(
        "| path | median ms at 0 ms RTT | median ms at %d ms RTT | round trips from times |"
            + " round trips counted | on a real network |%n",
        rtt.toMillis());
    System.out.println("|---|---|---|---|---|---|");
    Row[] rows = {
      new Row("plain pgJDBC, TCP + TLS (verify-full), SCRAM", pgjdbc, false, null, false),
      new Row(
          "jdbc:neon:, TCP + TLS, SCRAM, defaults of a non-Neon host", neon, false, null, false),
      new Row(
          "jdbc:neon:, TCP + TLS, SCRAM, Neon's defaults (startupParameters; directTls refused by"
              + " the kit's servers, so the SSLRequest)",
          neon,
          false,
          null,
          true),
      new Row(
          "plain pgJDBC through the kit's Neon front (SSLRequest, SCRAM at the front), pooled",
          pgjdbc,
          false,
          null,
          false,
          true),
      new Row(
          "jdbc:neon: through the kit's Neon front (Neon host: direct TLS, startupParameters),"
              + " pooled",
          neon,
          false,
          null,
          false,
          true),
      new Row("jdbc:neon:, wss:// tunnel", neon, true, "false", false),
      new Row("jdbc:neon:, wss:// tunnel, webSocketPipelineConnect", neon, true, "true", false)
    };
    for (Row row : rows) {
      if (row.front && stack.neonFront().isEmpty()) {
        System.out.println(
            "| " + row.label + " | skipped: this stack runs no Neon front | | | | |");
        continue;
      }
      printRow(row.label, measure(stack, row, rtt, runs), rtt);
    }
    if (stack.httpSql().isEmpty() || stack.frontNeonJdbcUrl().isEmpty()) {
      System.out.println(
          "| jdbc:neon: oneShot=http | skipped: "
              + stack.httpSqlUnavailableReason()
              + " | | | | |");
    } else {
      printRow(
          "jdbc:neon: oneShot=http, cold (new TCP + TLS connection to the endpoint), no session",
          measureOneShot(stack, neon, rtt, runs, true),
          rtt);
      printRow(
          "jdbc:neon: oneShot=http, warm (kept-alive connection of the shared HTTP client), no"
              + " session",
          measureOneShot(stack, neon, rtt, runs, false),
          rtt,
          0);
    }
    NeonServerlessDriver serverless = NeonServerlessDriver.find();
    if (serverless.unavailable() != null) {
      System.out.println();
      System.out.println(
          "Neon's serverless driver (JavaScript): skipped, " + serverless.unavailable());
    } else {
      printRow(
          "Neon's serverless driver (JavaScript, node), same wss:// proxy, pipelineConnect",
          serverless.measure(stack, rtt, runs),
          rtt);
      if (stack.httpSql().isPresent()) {
        printRow(
            "Neon's serverless driver (JavaScript, node), neon() over HTTP, same endpoint and"
                + " relay, cold (new TCP + TLS connection of node's fetch)",
            serverless.measureHttp(stack, rtt, runs, true),
            rtt);
        printRow(
            "Neon's serverless driver (JavaScript, node), neon() over HTTP, same endpoint and"
                + " relay, warm (kept-alive connection of node's fetch)",
            serverless.measureHttp(stack, rtt, runs, false),
            rtt,
            0);
      }
    }
    System.exit(0); // the shared stack stops in its shutdown hook
  }

  /**
   * Milliseconds at 0 ms and at the test RTT: medians, and the fastest runs; and the client's
   * flights through the relay for one connect and query ({@link LatencyRelay#clientFlights()}), or
   * -1 where they were not counted.
   */
  private record Timing(
      double nearMedian, double farMedian, double nearFastest, double farFastest, int flights) {
    static Timing of(long[] near, long[] far, int flights) {
      Arrays.sort(near);
      Arrays.sort(far);
      return new Timing(
          near[near.length / 2] / 1e6,
          far[far.length / 2] / 1e6,
          near[0] / 1e6,
          far[0] / 1e6,
          flights);
    }
  }

  private static void printRow(String label, Timing timing, Duration rtt) {
    printRow(label, timing, rtt, 1);
  }

  /**
   * One row; {@code handshakes} is what a real network adds (1, the TCP handshake; 0 for a request
   * on a kept-alive connection).
   */
  private static void printRow(String label, Timing timing, Duration rtt, int handshakes) {
    double roundTrips = (timing.farFastest - timing.nearFastest) / rtt.toMillis();
    System.out.printf(
        "| %s | %.1f | %.1f | %.1f | %s | %.0f |%n",
        label,
        timing.nearMedian,
        timing.farMedian,
        roundTrips,
        timing.flights < 0 ? "–" : Integer.toString(timing.flights),
        (timing.flights < 0 ? Math.rint(roundTrips) : timing.flights) + handshakes);
  }

  /**
   * One row: which driver, whether (and how) it tunnels, and whether it uses Neon's connect
   * defaults on the kit's (non-Neon) host name.
   */
  private record Row(
      String label,
      Driver driver,
      boolean tunnel,
      String pipeline,
      boolean neonDefaults,
      boolean front) {
    Row(String label, Driver driver, boolean tunnel, String pipeline, boolean neonDefaults) {
      this(label, driver, tunnel, pipeline, neonDefaults, false);
    }
  }

  /** Connect + first query through two relays (0 ms and {@code rtt}), runs interleaved. */
  private static Timing measure(NeonStack stack, Row row, Duration rtt, int runs)
      throws SQLException {
    int port =
        row.front
            ? stack.neonFront().orElseThrow().port()
            : row.tunnel ? stack.secureWebSocketProxy().port() : stack.directPort();
    try (LatencyRelay near = stack.latencyRelay("127.0.0.1", port, Duration.ZERO);
        LatencyRelay far = stack.latencyRelay("127.0.0.1", port, rtt)) {
      Properties nearProperties = properties(stack, row, near);
      Properties farProperties = properties(stack, row, far);
      String nearUrl = url(stack, row, near);
      String farUrl = url(stack, row, far);
      for (int i = 0; i < 2; i++) { // warm-up: class loading, JIT, the direct TLS refusal
        connectAndQuery(row.driver, nearUrl, nearProperties);
        connectAndQuery(row.driver, farUrl, farProperties);
      }
      long[] nearNanos = new long[runs];
      long[] farNanos = new long[runs];
      for (int i = 0; i < runs; i++) {
        nearNanos[i] = connectAndQuery(row.driver, nearUrl, nearProperties);
        farNanos[i] = connectAndQuery(row.driver, farUrl, farProperties);
      }
      // A client held up between two writes of one flight can look like two, never like fewer.
      int[] flights = {Integer.MAX_VALUE};
      for (int i = 0; i < 3; i++) {
        far.resetClientFlights();
        connectAndQuery(
            row.driver,
            farUrl,
            farProperties,
            () -> flights[0] = Math.min(flights[0], far.clientFlights()));
      }
      return Timing.of(nearNanos, farNanos, flights[0]);
    }
  }

  /**
   * {@code oneShot=http} through relays in front of the kit's SQL-over-HTTP endpoint ({@code
   * oneShotUrl} names the relay; the certificate names 127.0.0.1, so TLS is verified). No session
   * is opened: the front in the URL is never reached. Cold: a new relay pair per run, to which the
   * driver's shared HTTP client has no connection yet (TCP, TLS, then the request); warm: the same
   * relays throughout, whose kept-alive connection the client reuses (the request alone).
   */
  private static Timing measureOneShot(
      NeonStack stack, Driver neon, Duration rtt, int runs, boolean cold) throws SQLException {
    int port = stack.httpSql().orElseThrow().port();
    long[] nearNanos = new long[runs];
    long[] farNanos = new long[runs];
    int[] flights = {Integer.MAX_VALUE};
    LatencyRelay near = null;
    LatencyRelay far = null;
    try {
      for (int i = -2; i < runs + 3; i++) { // two warm-up runs; three that count flights
        if (cold || near == null) {
          closeAll(near, far);
          near = stack.latencyRelay("127.0.0.1", port, Duration.ZERO);
          far = stack.latencyRelay("127.0.0.1", port, rtt);
        }
        String nearUrl = oneShotUrl(stack, near);
        String farUrl = oneShotUrl(stack, far);
        if (i < runs) {
          long nearTime = connectAndQuery(neon, nearUrl, stack.credentials());
          long farTime = connectAndQuery(neon, farUrl, stack.credentials());
          if (i >= 0) {
            nearNanos[i] = nearTime;
            farNanos[i] = farTime;
          }
        } else {
          LatencyRelay counted = far;
          counted.resetClientFlights();
          connectAndQuery(
              neon,
              farUrl,
              stack.credentials(),
              () -> flights[0] = Math.min(flights[0], counted.clientFlights()));
        }
      }
    } finally {
      closeAll(near, far);
    }
    return Timing.of(nearNanos, farNanos, flights[0]);
  }

  private static void closeAll(LatencyRelay... relays) {
    for (LatencyRelay relay : relays) {
      if (relay != null) {
        relay.close();
      }
    }
  }

  private static String oneShotUrl(NeonStack stack, LatencyRelay relay) {
    return stack.frontNeonJdbcUrl().orElseThrow()
        + "&oneShot=http&oneShotUrl=https://127.0.0.1:"
        + relay.port()
        + "/sql";
  }

  private static String url(NeonStack stack, Row row, LatencyRelay relay) {
    if (row.front) {
      // The front's URL with its socket factory pointed at the relay in front of it.
      String url =
          (row.driver instanceof dev.neonjdbc.Driver
                  ? stack.frontNeonJdbcUrl()
                  : stack.frontPooledJdbcUrl())
              .orElseThrow();
      return url.replace(
          "socketFactoryArg=127.0.0.1:" + stack.neonFront().orElseThrow().port(),
          "socketFactoryArg=127.0.0.1:" + relay.port());
    }
    if (row.tunnel) {
      return "jdbc:neon://"
          + stack.directHost()
          + ":"
          + stack.directPort()
          + "/"
          + stack.database()
          + "?"
          + stack.sslParameters();
    }
    return (row.driver instanceof dev.neonjdbc.Driver ? "jdbc:neon:" : "jdbc:")
        + "postgresql://127.0.0.1:"
        + relay.port()
        + "/"
        + stack.database()
        + "?"
        + stack.sslParameters();
  }

  private static Properties properties(NeonStack stack, Row row, LatencyRelay relay) {
    if (row.tunnel) {
      return tunnel(
          stack, "wss://127.0.0.1:" + relay.port() + "/v1?address={host}:{port}", row.pipeline);
    }
    Properties properties = stack.credentials();
    if (row.neonDefaults) {
      properties.setProperty("startupParameters", "true");
      properties.setProperty("directTls", "true");
      properties.setProperty("connectRetry", "true");
    }
    return properties;
  }

  private static Properties tunnel(NeonStack stack, String template, String pipeline) {
    Properties properties = stack.credentials();
    properties.setProperty("transport", "websocket");
    properties.setProperty("webSocketUrl", template);
    properties.setProperty("webSocketPipelineConnect", pipeline);
    return properties;
  }

  /** Time until the first result is in; closing is not counted. */
  private static long connectAndQuery(Driver driver, String url, Properties properties)
      throws SQLException {
    return connectAndQuery(driver, url, properties, () -> {});
  }

  /** The same, running {@code beforeClose} once the result is in (the close sends a message). */
  private static long connectAndQuery(
      Driver driver, String url, Properties properties, Runnable beforeClose) throws SQLException {
    long start = System.nanoTime();
    try (Connection connection = driver.connect(url, properties);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT 1")) {
      row.next();
      long nanos = System.nanoTime() - start;
      beforeClose.run();
      return nanos;
    }
  }

  /**
   * Neon's serverless driver for JavaScript, run by {@code node} from {@code
   * benchmarks/neon-serverless}: {@code connect-latency.mjs} (its {@code Client} over WebSocket)
   * and {@code http-latency.mjs} ({@code neon()} over HTTP) print the median and fastest
   * milliseconds.
   */
  private static final class NeonServerlessDriver {
    private static final String DIRECTORY = "neon-serverless";
    private final Path directory;
    private final String unavailable;

    private NeonServerlessDriver(Path directory, String unavailable) {
      this.directory = directory;
      this.unavailable = unavailable;
    }

    /** The script next to the harness's sources, or why it cannot run. */
    static NeonServerlessDriver find() {
      Path directory = null;
      for (String candidate : new String[] {"benchmarks/" + DIRECTORY, DIRECTORY}) {
        Path path = Path.of(candidate).toAbsolutePath();
        if (Files.exists(path.resolve("connect-latency.mjs"))) {
          directory = path;
        }
      }
      if (directory == null) {
        return new NeonServerlessDriver(
            null, "benchmarks/" + DIRECTORY + " not found (run from the repository root)");
      }
      if (!Files.isDirectory(directory.resolve("node_modules/@neondatabase"))) {
        return new NeonServerlessDriver(
            directory, "its packages are missing: run npm install in " + directory);
      }
      try {
        Process probe =
            new ProcessBuilder("node", "--version")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
          return new NeonServerlessDriver(directory, "node did not run");
        }
      } catch (IOException e) {
        return new NeonServerlessDriver(
            directory, "node is not installed (" + e.getMessage() + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new NeonServerlessDriver(directory, "interrupted");
      }
      return new NeonServerlessDriver(directory, null);
    }

    String unavailable() {
      return unavailable;
    }

    /** Connect + first query through two relays (0 ms and {@code rtt}), runs interleaved. */
    Timing measure(NeonStack stack, Duration rtt, int runs) throws Exception {
      int port = stack.secureWebSocketProxy().port();
      try (LatencyRelay near = stack.latencyRelay("127.0.0.1", port, Duration.ZERO);
          LatencyRelay far = stack.latencyRelay("127.0.0.1", port, rtt)) {
        String url =
            "postgresql://"
                + stack.user()
                + ":"
                + stack.password()
                + "@"
                + stack.directHost()
                + ":"
                + stack.directPort()
                + "/"
                + stack.database();
        return run(
            stack,
            List.of(
                "connect-latency.mjs",
                "127.0.0.1:" + near.port(),
                "127.0.0.1:" + far.port(),
                url,
                Integer.toString(runs)));
      }
    }

    /**
     * {@code neon()}'s first query over HTTP, with {@code fetchEndpoint} at relays (0 ms and {@code
     * rtt}) in front of the kit's SQL-over-HTTP endpoint, as the {@code oneShot=http} rows. Cold: a
     * relay pair per run (and per warm-up run), so that node's fetch has no connection to it yet;
     * warm: one pair throughout, whose kept-alive connection fetch reuses.
     */
    Timing measureHttp(NeonStack stack, Duration rtt, int runs, boolean cold) throws Exception {
      int port = stack.httpSql().orElseThrow().port();
      List<LatencyRelay> relays = new ArrayList<>();
      try {
        List<String> arguments = new ArrayList<>();
        arguments.add("http-latency.mjs");
        arguments.add(cold ? "cold" : "warm");
        arguments.add(Integer.toString(runs));
        arguments.add(stack.httpSqlConnectionString().orElseThrow());
        for (int i = 0; i < (cold ? runs + 2 : 1); i++) {
          for (Duration delay : new Duration[] {Duration.ZERO, rtt}) {
            LatencyRelay relay = stack.latencyRelay("127.0.0.1", port, delay);
            relays.add(relay);
            arguments.add("https://127.0.0.1:" + relay.port() + "/sql");
          }
        }
        return run(stack, arguments);
      } finally {
        closeAll(relays.toArray(LatencyRelay[]::new));
      }
    }

    /** Runs {@code node} with {@code arguments}; the script prints the four timings. */
    private Timing run(NeonStack stack, List<String> arguments) throws Exception {
      List<String> command = new ArrayList<>();
      command.add("node");
      command.addAll(arguments);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT);
      builder.environment().put("NODE_EXTRA_CA_CERTS", stack.caCertificate().toString());
      Process node = builder.start();
      String output =
          new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!node.waitFor(5, TimeUnit.MINUTES) || node.exitValue() != 0) {
        node.destroyForcibly();
        throw new IllegalStateException("node " + arguments.get(0) + " failed: " + output);
      }
      String[] fields = output.split("\\s+");
      return new Timing(
          Double.parseDouble(fields[0]),
          Double.parseDouble(fields[1]),
          Double.parseDouble(fields[2]),
          Double.parseDouble(fields[3]),
          -1);
    }
  }
}

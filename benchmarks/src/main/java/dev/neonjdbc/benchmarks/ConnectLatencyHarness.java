package dev.neonjdbc.benchmarks;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import dev.neonjdbc.testkit.relay.LatencyRelay;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

/**
 * Connect + first query at a simulated round-trip time, in round trips: plain pgJDBC over TCP,
 * {@code jdbc:neon:} over TCP, and the WebSocket tunnel ({@code wss://}, the kit's proxy) without
 * and with {@code webSocketPipelineConnect}. Connection setup is a handful of sequential round
 * trips, which JMH's statistics add nothing to; this harness reports the median of many runs.
 *
 * <p>The kit's {@link LatencyRelay} sits in front of each server (PostgreSQL with TLS and SCRAM for
 * TCP; the WebSocket proxy, which logs in to PostgreSQL with the cleartext password Neon's proxy
 * asks for, for the tunnel). Each row is measured at 0 ms and at the given round-trip time; the
 * difference divided by the round-trip time is the number of round trips, free of server work. The
 * relay accepts TCP locally, so the TCP handshake costs nothing here; on a real network add one
 * round trip to every row.
 *
 * <p>Run: {@code mvn -B -pl benchmarks -am package -DskipTests && java -cp
 * benchmarks/target/benchmarks.jar dev.neonjdbc.benchmarks.ConnectLatencyHarness [rttMillis]
 * [runs]} (defaults 20 ms, 15 runs). Needs the local test stack's binaries (see the README).
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
        "Connect + first query (SELECT 1), median of %d runs, %s stack. Round trips = (time at %d"
            + " ms RTT - time at 0 ms RTT) / %d ms, so server work (backend start, password"
            + " hashing) is not counted as round trips.%n%n",
        runs, stack.providerName(), rtt.toMillis(), rtt.toMillis());
    System.out.printf(
        "| path | ms at 0 ms RTT | ms at %d ms RTT | round trips | on a real network (+ TCP"
            + " handshake) |%n",
        rtt.toMillis());
    System.out.println("|---|---|---|---|---|");
    Path[] paths = {
      new Path("plain pgJDBC, TCP + TLS (verify-full), SCRAM", pgjdbc, false, null),
      new Path("jdbc:neon:, TCP + TLS (verify-full), SCRAM", neon, false, null),
      new Path("jdbc:neon:, wss:// tunnel", neon, true, "false"),
      new Path("jdbc:neon:, wss:// tunnel, webSocketPipelineConnect", neon, true, "true")
    };
    for (Path path : paths) {
      double near = median(stack, path, Duration.ZERO, runs);
      double far = median(stack, path, rtt, runs);
      double roundTrips = (far - near) / rtt.toMillis();
      System.out.printf(
          "| %s | %.1f | %.1f | %.1f | %.1f |%n",
          path.label, near, far, roundTrips, roundTrips + 1);
    }
    System.exit(0); // the shared stack stops in its shutdown hook
  }

  /** One row: which driver, and whether (and how) it tunnels. */
  private record Path(String label, Driver driver, boolean tunnel, String pipeline) {}

  /** Median milliseconds of connect + first query through a relay adding {@code rtt}. */
  private static double median(NeonStack stack, Path path, Duration rtt, int runs)
      throws SQLException {
    int port = path.tunnel ? stack.secureWebSocketProxy().port() : stack.directPort();
    try (LatencyRelay relay = stack.latencyRelay("127.0.0.1", port, rtt)) {
      String url;
      Properties properties;
      if (path.tunnel) {
        url =
            "jdbc:neon://"
                + stack.directHost()
                + ":"
                + stack.directPort()
                + "/"
                + stack.database()
                + "?"
                + stack.sslParameters();
        properties =
            tunnel(
                stack,
                "wss://127.0.0.1:" + relay.port() + "/v1?address={host}:{port}",
                path.pipeline);
      } else {
        url =
            (path.driver instanceof dev.neonjdbc.Driver ? "jdbc:neon:" : "jdbc:")
                + "postgresql://127.0.0.1:"
                + relay.port()
                + "/"
                + stack.database()
                + "?"
                + stack.sslParameters();
        properties = stack.credentials();
      }
      return medianMillis(path.driver, url, properties, runs);
    }
  }

  private static Properties tunnel(NeonStack stack, String template, String pipeline) {
    Properties properties = stack.credentials();
    properties.setProperty("transport", "websocket");
    properties.setProperty("webSocketUrl", template);
    properties.setProperty("webSocketPipelineConnect", pipeline);
    return properties;
  }

  private static double medianMillis(Driver driver, String url, Properties properties, int runs)
      throws SQLException {
    connectAndQuery(driver, url, properties); // warm-up: class loading, JIT
    connectAndQuery(driver, url, properties);
    long[] nanos = new long[runs];
    for (int i = 0; i < runs; i++) {
      nanos[i] = connectAndQuery(driver, url, properties);
    }
    Arrays.sort(nanos);
    return nanos[runs / 2] / 1e6;
  }

  /** Time until the first result is in; closing is not counted. */
  private static long connectAndQuery(Driver driver, String url, Properties properties)
      throws SQLException {
    long start = System.nanoTime();
    try (Connection connection = driver.connect(url, properties);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT 1")) {
      row.next();
      return System.nanoTime() - start;
    }
  }
}

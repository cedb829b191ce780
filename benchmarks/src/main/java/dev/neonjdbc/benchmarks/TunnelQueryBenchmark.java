package dev.neonjdbc.benchmarks;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Steady-state {@code SELECT 1} on one open connection to PostgreSQL on loopback: what the
 * WebSocket tunnel costs per query compared with TCP. {@code tcp-tls} and {@code wss} are the
 * encrypted pair (pgJDBC's TLS against the tunnel's, through the kit's proxy); {@code tcp} and
 * {@code ws} the unencrypted one. The kit's proxy runs in the benchmark's JVM, so the tunnel rows
 * also pay for the proxy's CPU on the same cores.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TunnelQueryBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TunnelQueryBenchmark {

  /** How the connection reaches PostgreSQL. */
  @Param({"tcp-tls", "wss", "tcp", "ws"})
  public String path;

  private Connection connection;
  private PreparedStatement select;

  /** Opens one {@code jdbc:neon:} connection to the direct endpoint over {@link #path}. */
  @Setup(Level.Trial)
  public void open() throws SQLException {
    NeonStack stack = NeonStacks.shared();
    String base =
        "jdbc:neon://" + stack.directHost() + ":" + stack.directPort() + "/" + stack.database();
    Properties properties = stack.credentials();
    String url = base + "?" + stack.sslParameters();
    switch (path) {
      case "tcp" -> url = base + "?sslmode=disable";
      case "wss" -> tunnel(properties, stack.secureWebSocketUrlTemplate());
      case "ws" -> tunnel(properties, stack.webSocketUrlTemplate());
      default -> {
        // tcp-tls: the kit's verify-full parameters
      }
    }
    connection = DriverManager.getConnection(url, properties);
    select = connection.prepareStatement("SELECT 1");
  }

  private static void tunnel(Properties properties, String template) {
    properties.setProperty("transport", "websocket");
    properties.setProperty("webSocketUrl", template);
  }

  /** Closes the connection. */
  @TearDown(Level.Trial)
  public void close() throws SQLException {
    connection.close();
  }

  /** One round trip: execute a prepared {@code SELECT 1} and read its row. */
  @Benchmark
  public int selectOne() throws SQLException {
    try (ResultSet row = select.executeQuery()) {
      row.next();
      return row.getInt(1);
    }
  }
}

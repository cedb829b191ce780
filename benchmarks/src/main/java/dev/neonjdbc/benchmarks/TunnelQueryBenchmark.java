package dev.neonjdbc.benchmarks;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import dev.neonjdbc.testkit.relay.LatencyRelay;
import dev.neonjdbc.testkit.ws.WebSocketProxyMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * {@code ws} the unencrypted one; {@code tcp-hop} is TCP through one plain relay (the kit's {@link
 * LatencyRelay} without delay, one thread per direction like the WebSocket proxy), the fair
 * baseline for {@code ws}. The tunnel rows include a whole proxy hop (two more thread wake-ups per
 * round trip, on the same cores); with {@code proxy=own-process} the kit's proxy runs in a separate
 * JVM, so that its heap, GC and JIT do not count against the client.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TunnelQueryBenchmark}, and {@code
 * TunnelQueryBenchmark -p path=ws,wss -p proxy=own-process} for the separate proxy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TunnelQueryBenchmark {

  /** How the connection reaches PostgreSQL. */
  @Param({"tcp-tls", "wss", "tcp", "ws", "tcp-hop"})
  public String path;

  /** Where the kit's WebSocket proxy runs: {@code same-jvm} or {@code own-process}. */
  @Param({"same-jvm"})
  public String proxy;

  private Process proxyProcess;
  private LatencyRelay relay;
  private Connection connection;
  private PreparedStatement select;

  /** Opens one {@code jdbc:neon:} connection to the direct endpoint over {@link #path}. */
  @Setup(Level.Trial)
  public void open() throws SQLException, IOException {
    NeonStack stack = NeonStacks.shared();
    String base =
        "jdbc:neon://" + stack.directHost() + ":" + stack.directPort() + "/" + stack.database();
    Properties properties = stack.credentials();
    String url = base + "?" + stack.sslParameters();
    switch (path) {
      case "tcp" -> url = base + "?sslmode=disable";
      case "tcp-hop" -> {
        relay = stack.latencyRelay(stack.directHost(), stack.directPort(), Duration.ZERO);
        url =
            "jdbc:neon://"
                + relay.host()
                + ":"
                + relay.port()
                + "/"
                + stack.database()
                + "?sslmode=disable";
      }
      case "wss" -> tunnel(properties, proxyTemplate(stack, true));
      case "ws" -> tunnel(properties, proxyTemplate(stack, false));
      default -> {
        // tcp-tls: the kit's verify-full parameters
      }
    }
    connection = DriverManager.getConnection(url, properties);
    select = connection.prepareStatement("SELECT 1");
  }

  /** The {@code webSocketUrl} template of the kit's proxy, started here if it is to run apart. */
  private String proxyTemplate(NeonStack stack, boolean secure) throws IOException {
    if ("same-jvm".equals(proxy)) {
      return secure ? stack.secureWebSocketUrlTemplate() : stack.webSocketUrlTemplate();
    }
    if (!"own-process".equals(proxy)) {
      throw new IllegalArgumentException("proxy must be same-jvm or own-process: " + proxy);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(WebSocketProxyMain.class.getName());
    if (secure) {
      command.addAll(
          List.of("--tls", stack.serverCertificate().toString(), stack.serverKey().toString()));
    }
    String source = stack.webSocketProxy().sourceAddress();
    if (source != null) {
      command.addAll(List.of("--source", source));
    }
    proxyProcess =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader output =
        new BufferedReader(
            new InputStreamReader(proxyProcess.getInputStream(), StandardCharsets.UTF_8));
    String port = output.readLine();
    if (port == null) {
      throw new IOException("the proxy process ended before listening");
    }
    return (secure ? "wss" : "ws") + "://127.0.0.1:" + port.trim() + "/v1?address={host}:{port}";
  }

  private static void tunnel(Properties properties, String template) {
    properties.setProperty("transport", "websocket");
    properties.setProperty("webSocketUrl", template);
  }

  /** Closes the connection. */
  @TearDown(Level.Trial)
  public void close() throws SQLException, IOException {
    connection.close();
    if (relay != null) {
      relay.close();
    }
    if (proxyProcess != null) {
      proxyProcess.getOutputStream().close(); // the proxy ends at the end of its input
      try {
        proxyProcess.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      proxyProcess.destroy();
    }
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

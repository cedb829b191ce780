package dev.neonjdbc.benchmarks;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code jdbc:neon:} against plain pgJDBC on the same endpoint of the kit's stack, in the same run:
 * {@code SELECT 1} through a Statement, a PreparedStatement with three parameters, and reading
 * 1,000 rows of 5 columns. Both drivers use the same pgJDBC settings (on the pooled endpoint {@code
 * prepareThreshold=0}, which {@code jdbc:neon:} applies to a pooler without prepared statement
 * support), so the difference is the routing layer.
 *
 * <p>Run: {@code ./dev bench JdbcOverheadBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JdbcOverheadBenchmark {
  private static final String ROWS_TABLE = "bench_rows";

  /** {@code plain}: pgJDBC's own URL; {@code neon}: the same endpoint through jdbc:neon:. */
  @Param({"plain", "neon"})
  public String driver;

  /** Which endpoint of the kit both drivers talk to. */
  @Param({"pooled", "direct"})
  public String endpoint;

  private Connection connection;
  private Statement statement;
  private PreparedStatement threeParameters;
  private PreparedStatement rows;
  private int counter;

  /** Starts (once per fork) the stack and opens the connection under test. */
  @Setup(Level.Trial)
  public void open() throws SQLException {
    NeonStack stack = NeonStacks.shared();
    try (Connection setup = stack.openDirect();
        Statement ddl = setup.createStatement()) {
      ddl.execute(
          "CREATE TABLE IF NOT EXISTS " + ROWS_TABLE + " (a int, b int, c text, d text, e int)");
      ddl.execute("TRUNCATE " + ROWS_TABLE);
      ddl.execute(
          "INSERT INTO "
              + ROWS_TABLE
              + " SELECT g, g * 2, 'text-' || g, md5(g::text), g % 7"
              + " FROM generate_series(1, 1000) g");
    }
    boolean pooled = endpoint.equals("pooled");
    String url;
    if (driver.equals("plain")) {
      url = pooled ? stack.pooledJdbcUrl() + "&prepareThreshold=0" : stack.directJdbcUrl();
    } else {
      url = stack.neonJdbcUrl() + (pooled ? "" : "&route=direct");
    }
    connection = DriverManager.getConnection(url, stack.credentials());
    statement = connection.createStatement();
    threeParameters = connection.prepareStatement("SELECT ?::int + 1, ?::text, ?::bigint");
    rows = connection.prepareStatement("SELECT a, b, c, d, e FROM " + ROWS_TABLE);
  }

  /** Closes the connection. */
  @TearDown(Level.Trial)
  public void close() throws SQLException {
    connection.close();
  }

  /** {@code SELECT 1} through a plain Statement. */
  @Benchmark
  public int selectOne() throws SQLException {
    try (ResultSet rs = statement.executeQuery("SELECT 1")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** A PreparedStatement with three parameters, one row back. */
  @Benchmark
  public void preparedThreeParameters(Blackhole blackhole) throws SQLException {
    int n = counter++;
    threeParameters.setInt(1, n);
    threeParameters.setString(2, "neon");
    threeParameters.setLong(3, n * 31L);
    try (ResultSet rs = threeParameters.executeQuery()) {
      rs.next();
      blackhole.consume(rs.getInt(1));
      blackhole.consume(rs.getString(2));
      blackhole.consume(rs.getLong(3));
    }
  }

  /** 1,000 rows of 5 columns read with getInt/getString. */
  @Benchmark
  public void read1000Rows(Blackhole blackhole) throws SQLException {
    try (ResultSet rs = rows.executeQuery()) {
      while (rs.next()) {
        blackhole.consume(rs.getInt(1));
        blackhole.consume(rs.getInt(2));
        blackhole.consume(rs.getString(3));
        blackhole.consume(rs.getString(4));
        blackhole.consume(rs.getInt(5));
      }
    }
  }
}

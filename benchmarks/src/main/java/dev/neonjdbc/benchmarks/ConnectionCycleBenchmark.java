package dev.neonjdbc.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one unit of request work costs: {@code getConnection()}, {@code SELECT 1}, {@code close()},
 * against the local stack (PostgreSQL and PgBouncer on loopback, TLS and SCRAM on both), in the
 * same run:
 *
 * <ul>
 *   <li>{@code neonDataSourceAuto}: NeonDataSource, {@code clientPooling=auto} (a new session to
 *       PgBouncer per connection, no client pool);
 *   <li>{@code neonDataSourceOn}: NeonDataSource, {@code clientPooling=on};
 *   <li>{@code hikariPgjdbcPooled}: HikariCP over plain pgJDBC to PgBouncer (double pooling);
 *   <li>{@code hikariPgjdbcDirect}: HikariCP over plain pgJDBC to PostgreSQL;
 *   <li>{@code driverManagerPooled}: plain pgJDBC {@code DriverManager} to PgBouncer.
 * </ul>
 *
 * <p>On loopback the connect cost is CPU (TLS handshake, SCRAM); over a network each new session
 * adds several round trips more. Run with {@code ./dev bench ConnectionCycleBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConnectionCycleBenchmark {
  private NeonStack stack;
  private NeonDataSource neonAuto;
  private NeonDataSource neonOn;
  private HikariDataSource hikariPooled;
  private HikariDataSource hikariDirect;
  private String pooledUrl;
  private Properties credentials;

  /** Starts the stack (once per fork) and the data sources. */
  @Setup(Level.Trial)
  public void start() {
    stack = NeonStacks.shared();
    credentials = stack.credentials();
    // Plain pgJDBC on a pooler that does not keep prepared statements needs prepareThreshold=0;
    // jdbc:neon: sets it by itself for such a pooler.
    pooledUrl = stack.pooledJdbcUrl() + "&prepareThreshold=0";
    neonAuto = neon("auto");
    neonOn = neon("on");
    hikariPooled = hikari("bench-hikari-pooled", pooledUrl);
    hikariDirect = hikari("bench-hikari-direct", stack.directJdbcUrl());
  }

  private NeonDataSource neon(String clientPooling) {
    NeonDataSource dataSource = new NeonDataSource(stack.neonJdbcUrl());
    dataSource.setUser(stack.user());
    dataSource.setPassword(stack.password());
    dataSource.setClientPooling(clientPooling);
    dataSource.setPoolName("bench-neon-" + clientPooling);
    return dataSource;
  }

  private HikariDataSource hikari(String name, String url) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(url);
    config.setUsername(stack.user());
    config.setPassword(stack.password());
    config.setMaximumPoolSize(4);
    return new HikariDataSource(config);
  }

  /** Closes the data sources. */
  @TearDown(Level.Trial)
  public void stop() {
    neonAuto.close();
    neonOn.close();
    hikariPooled.close();
    hikariDirect.close();
  }

  @Benchmark
  public int neonDataSourceAuto() throws SQLException {
    return cycle(neonAuto);
  }

  @Benchmark
  public int neonDataSourceOn() throws SQLException {
    return cycle(neonOn);
  }

  @Benchmark
  public int hikariPgjdbcPooled() throws SQLException {
    return cycle(hikariPooled);
  }

  @Benchmark
  public int hikariPgjdbcDirect() throws SQLException {
    return cycle(hikariDirect);
  }

  @Benchmark
  public int driverManagerPooled() throws SQLException {
    try (Connection connection = DriverManager.getConnection(pooledUrl, credentials)) {
      return selectOne(connection);
    }
  }

  private static int cycle(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return selectOne(connection);
    }
  }

  private static int selectOne(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT 1")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}

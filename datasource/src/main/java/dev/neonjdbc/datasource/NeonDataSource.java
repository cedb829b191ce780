package dev.neonjdbc.datasource;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonProperty;
import dev.neonjdbc.spi.NeonEndpoints;
import dev.neonjdbc.spi.RoutingEventListeners;
import dev.neonjdbc.spi.RoutingEvents;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;
import javax.naming.NamingException;
import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.sql.DataSource;

/**
 * A {@link DataSource} for {@code jdbc:neon:} that leaves pooling where it belongs: PgBouncer pools
 * the pooled endpoint, and a small HikariCP pool holds direct sessions, lent to a connection only
 * while a direct statement, a direct transaction or a pin needs one.
 *
 * <pre>{@code
 * NeonDataSource dataSource = new NeonDataSource();
 * dataSource.setUrl("jdbc:neon:postgresql://alex@ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech/dbname");
 * dataSource.setPassword(System.getenv("PGPASSWORD"));
 * try (Connection connection = dataSource.getConnection()) { ... }
 * dataSource.close();
 * }</pre>
 *
 * <p>{@code clientPooling} ({@link NeonProperty#CLIENT_POOLING}) chooses the policy:
 *
 * <ul>
 *   <li>{@code auto} (default): each {@code getConnection()} opens its own session to the pooled
 *       endpoint (no client pool in front of PgBouncer), closed by {@code close()}; direct sessions
 *       come from the direct pool and go back as soon as no statement, transaction, open result or
 *       pin needs them. A pinned session is reset ({@code DISCARD ALL}) before it goes back.
 *   <li>{@code on}: both endpoints pooled; a connection keeps its pooled session until it closes.
 *   <li>{@code off}: no pool at all, as with {@code DriverManager}.
 * </ul>
 *
 * <p>Every setter is a JavaBean property, so Spring Boot ({@code
 * spring.datasource.type=dev.neonjdbc.datasource.NeonDataSource}), JNDI ({@link
 * NeonDataSourceFactory}) and plain code can configure it. The settings are those of {@link
 * NeonProperty} (the driver's) and {@link DataSourceProperty} (the URL, credentials and pools): a
 * setter refuses a bad value at once with an {@link IllegalArgumentException} whose message has the
 * shape of the driver's URL errors ({@code Invalid value for 'KEY': 'VALUE' PROBLEM}). Settings
 * precedence follows the driver: values in the URL's query win over the setters. The configuration
 * is sealed once the first connection is requested. {@link #close()} ends the pools, their threads
 * and every server session the data source opened.
 */
public class NeonDataSource extends NeonDataSourceConfig
    implements DataSource, AutoCloseable, Referenceable {
  // SQLState of the JDBC calls this data source does not offer.
  private static final String FEATURE_NOT_SUPPORTED = "0A000";

  private PrintWriter logWriter;

  private volatile DataSourceRuntime runtime;
  private volatile boolean closed;
  private volatile EndpointAddresses endpointAddresses;

  /** A data source to be configured through its setters; nothing happens until first use. */
  public NeonDataSource() {}

  /** A data source for {@code url} (any {@code jdbc:neon:} form). */
  public NeonDataSource(String url) {
    setUrl(url);
  }

  // ---- connections ---------------------------------------------------------------------------

  /**
   * A logical {@code jdbc:neon:} connection. The first call starts the data source (reads the URL,
   * creates the pools); configuration errors surface here as the driver reports them (SQLState
   * 08001 or 22023), including a bad value given by name ({@link #setProperty}, JNDI).
   */
  @Override
  public Connection getConnection() throws SQLException {
    return start().newConnection();
  }

  /**
   * Not supported: the pools hold sessions of one user. Use {@link #getConnection()}.
   *
   * @throws SQLFeatureNotSupportedException always
   */
  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "NeonDataSource pools the sessions of the user it is configured with; set user and"
            + " password on the data source and call getConnection()",
        FEATURE_NOT_SUPPORTED);
  }

  private DataSourceRuntime start() throws SQLException {
    DataSourceRuntime started = runtime;
    if (started != null) {
      return started;
    }
    synchronized (this) {
      if (closed) {
        throw new SQLException("This NeonDataSource has been closed.", "08003");
      }
      if (runtime == null) {
        settings.checkValid();
        String url = settings.url();
        try {
          runtime =
              new DataSourceRuntime(
                  url, settings.connectProperties(), new PoolSettings(settings), listeners);
        } catch (RuntimeException e) {
          // The settings are checked when set; whatever HikariCP still refuses when it creates
          // a pool is bad input too, reported as the URL's errors are.
          throw new SQLException(
              "Invalid NeonDataSource setting: "
                  + e.getMessage()
                  + " [URL: "
                  + NeonEndpoints.maskUrl(url)
                  + "]",
              "22023",
              e);
        }
      }
      return runtime;
    }
  }

  /**
   * Closes the pools and every session this data source opened, including those of connections the
   * application did not close; ends HikariCP's threads. Idempotent. Later {@code getConnection}
   * calls fail with SQLState 08003.
   */
  @Override
  public synchronized void close() {
    closed = true;
    DataSourceRuntime started = runtime;
    if (started != null) {
      started.close();
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  @Override
  boolean sealed() {
    return runtime != null || closed;
  }

  /** The client pooling policy in effect, or {@code null} before the first connection. */
  public String getEffectiveClientPooling() {
    DataSourceRuntime started = runtime;
    return started == null ? null : started.clientPooling();
  }

  /**
   * {@link DataSourceProperty#POOL_NAME} as set; once started without one, the name chosen ({@code
   * neon-N}).
   */
  @Override
  public String getPoolName() {
    String name = super.getPoolName();
    DataSourceRuntime started = runtime;
    return name == null && started != null ? started.poolName() : name;
  }

  // ---- health ------------------------------------------------------------------------------

  /**
   * Checks each endpoint once, in parallel, each within {@code timeout}: the pooled endpoint with
   * {@code SELECT 1} through a logical connection; the direct endpoint with an idle session of the
   * direct pool when it holds one, otherwise with a TCP connect and PostgreSQL's SSLRequest, which
   * the server answers before any login (no direct session is opened for the check); a read
   * replica, when configured, with {@code SELECT 1} on a read-only connection. Starts the data
   * source if it has not started. Never throws: a failure is a {@link EndpointHealth.Status#DOWN}
   * result with the driver's message (passwords masked) and SQLState.
   *
   * @param timeout how long each check may take
   * @return one result per endpoint in use: pooled, then direct, then replica
   */
  public List<EndpointHealth> checkEndpoints(Duration timeout) {
    long start = System.nanoTime();
    try {
      DataSourceRuntime started = start();
      EndpointAddresses addresses = endpointAddresses;
      if (addresses == null) {
        addresses = EndpointAddresses.resolve(settings.url(), settings.connectProperties());
        endpointAddresses = addresses;
      }
      return EndpointChecks.run(this, started, addresses, timeout);
    } catch (SQLException e) {
      return List.of(
          new EndpointHealth(
              EndpointKind.POOLED,
              null,
              EndpointHealth.Status.DOWN,
              EndpointHealth.Check.NONE,
              Duration.ofNanos(System.nanoTime() - start),
              e.getMessage(),
              e.getSQLState()));
    }
  }

  // ---- statistics ----------------------------------------------------------------------------

  /** The counters since start (all zero before the first connection). */
  public NeonDataSourceStats stats() {
    DataSourceRuntime started = runtime;
    return started == null ? new Counters().snapshot() : started.stats();
  }

  /**
   * HikariCP's view of the pool of {@code kind}'s endpoint (active, idle, waiting sessions), or
   * {@code null} before start or when that endpoint is not pooled.
   */
  public HikariPoolMXBean getPoolMXBean(EndpointKind kind) {
    DataSourceRuntime started = runtime;
    return started == null ? null : started.poolMXBean(kind);
  }

  /**
   * HikariCP's view of the direct pool, or {@code null} before start or when {@code
   * clientPooling=off}.
   */
  public HikariPoolMXBean getDirectPoolMXBean() {
    return getPoolMXBean(EndpointKind.DIRECT);
  }

  /**
   * HikariCP's view of the pooled-endpoint pool, or {@code null} unless {@code clientPooling=on}
   * and started.
   */
  public HikariPoolMXBean getPooledPoolMXBean() {
    return getPoolMXBean(EndpointKind.POOLED);
  }

  // ---- routing events ------------------------------------------------------------------------

  // Listeners of this data source's events (metrics); the runtime reports to them once started.
  private final RoutingEventListeners listeners = new RoutingEventListeners();

  /**
   * Reports this data source's events (statements and their outcome, pins, refusals, moved
   * transactions, direct borrows, physical connects and retries) to {@code listener} as well, from
   * now on; closing the returned registration stops it. May be called before or after the first
   * connection. {@code neon-jdbc-micrometer}'s {@code NeonMetrics} uses it.
   */
  public AutoCloseable addRoutingEventListener(RoutingEvents listener) {
    return listeners.add(listener);
  }

  // ---- DataSource ----------------------------------------------------------------------------

  @Override
  public PrintWriter getLogWriter() {
    return logWriter;
  }

  /** Kept for the interface; jdbc:neon: logs through SLF4J. */
  @Override
  public void setLogWriter(PrintWriter out) {
    this.logWriter = out;
  }

  /**
   * {@link NeonProperty#LOGIN_TIMEOUT}: seconds allowed to open one physical session, retries
   * included; 0 for no limit of its own.
   */
  @Override
  public void setLoginTimeout(int seconds) {
    setNeon(NeonProperty.LOGIN_TIMEOUT, seconds == 0 ? null : Integer.toString(seconds));
  }

  /** {@link NeonProperty#LOGIN_TIMEOUT}, 0 when not set. */
  @Override
  public int getLoginTimeout() {
    return number(NeonProperty.LOGIN_TIMEOUT);
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException(
        "jdbc:neon: logs through SLF4J", FEATURE_NOT_SUPPORTED);
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException(
        "NeonDataSource is not a wrapper for " + iface.getName(), FEATURE_NOT_SUPPORTED);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  // ---- JNDI -------------------------------------------------------------------------------

  /**
   * A reference that {@link NeonDataSourceFactory} turns back into an equal data source: every
   * setting given as text, by the name {@link #setProperty} reads (object settings such as a
   * metrics registry cannot travel in a reference).
   */
  @Override
  public Reference getReference() throws NamingException {
    Reference reference =
        new Reference(getClass().getName(), NeonDataSourceFactory.class.getName(), null);
    settings.addTo(reference);
    return reference;
  }

  /** The URL with its password masked and the pool name; never the password. */
  @Override
  public String toString() {
    String poolName = getPoolName();
    return "NeonDataSource["
        + (poolName == null ? "" : poolName + ", ")
        + NeonEndpoints.maskUrl(settings.url())
        + (runtime == null ? ", not started" : ", clientPooling=" + runtime.clientPooling())
        + (closed ? ", closed" : "")
        + "]";
  }
}

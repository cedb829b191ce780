package dev.neonjdbc.datasource;

import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import dev.neonjdbc.NeonProperty;
import dev.neonjdbc.spi.NeonEndpoints;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.naming.NamingException;
import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.naming.StringRefAddr;
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
 * NeonDataSourceFactory}) and plain code can configure it. Settings precedence follows the driver:
 * values in the URL's query win over the setters. The configuration is sealed once the first
 * connection is requested. {@link #close()} ends the pools, their threads and every server session
 * the data source opened.
 */
public class NeonDataSource implements DataSource, AutoCloseable, Referenceable {
  // SQLState of the JDBC calls this data source does not offer.
  private static final String FEATURE_NOT_SUPPORTED = "0A000";

  private final Properties neonProperties = new Properties();
  private final Properties dataSourceProperties = new Properties();
  private final PoolSettings pools = new PoolSettings();
  private String url = NeonEndpoints.URL_PREFIX;
  private String user;
  private String password;
  private PrintWriter logWriter;

  private volatile DataSourceRuntime runtime;
  private volatile boolean closed;

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
   * 08001 or 22023).
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
        try {
          runtime = new DataSourceRuntime(url, connectProperties(), pools);
        } catch (RuntimeException e) {
          // HikariCP checks its settings when the pool is created (e.g. a connection timeout
          // under 250 ms): a bad setting is bad input, reported as the URL's errors are.
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

  /** What {@code getConnection} passes to the driver: pgJDBC keys, then ours, then credentials. */
  private Properties connectProperties() {
    Properties info = new Properties();
    info.putAll(dataSourceProperties);
    info.putAll(neonProperties);
    if (user != null) {
      info.setProperty("user", user);
    }
    if (password != null) {
      info.setProperty("password", password);
    }
    return info;
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

  // ---- statistics ----------------------------------------------------------------------------

  /** The counters since start (all zero before the first connection). */
  public NeonDataSourceStats stats() {
    DataSourceRuntime started = runtime;
    return started == null ? new Counters().snapshot() : started.stats();
  }

  /**
   * HikariCP's view of the direct pool (active, idle, waiting sessions), or {@code null} before
   * start or when {@code clientPooling=off}.
   */
  public HikariPoolMXBean getDirectPoolMXBean() {
    DataSourceRuntime started = runtime;
    return started == null ? null : started.directPoolMXBean();
  }

  /**
   * HikariCP's view of the pooled-endpoint pool, or {@code null} unless {@code clientPooling=on}
   * and started.
   */
  public HikariPoolMXBean getPooledPoolMXBean() {
    DataSourceRuntime started = runtime;
    return started == null ? null : started.pooledPoolMXBean();
  }

  // ---- URL and credentials -------------------------------------------------------------------

  /** The {@code jdbc:neon:} URL; {@code jdbc:neon:} alone (the default) reads the environment. */
  public String getUrl() {
    return url;
  }

  /**
   * Sets the URL: any {@code jdbc:neon:} form, or a Neon connection string ({@code postgresql://…}
   * or {@code postgres://…}) pasted as-is.
   */
  public void setUrl(String url) {
    checkNotStarted();
    if (url != null && (url.startsWith("postgresql://") || url.startsWith("postgres://"))) {
      url = NeonEndpoints.URL_PREFIX + url;
    }
    this.url = url == null ? NeonEndpoints.URL_PREFIX : url;
  }

  /** The same as {@link #getUrl()} (HikariCP's and Spring Boot's name). */
  public String getJdbcUrl() {
    return getUrl();
  }

  /** The same as {@link #setUrl(String)} (HikariCP's and Spring Boot's name). */
  public void setJdbcUrl(String url) {
    setUrl(url);
  }

  /** The user, unless the URL names one. */
  public String getUser() {
    return user;
  }

  /** Sets the user (the URL's user-info wins when present). */
  public void setUser(String user) {
    checkNotStarted();
    this.user = user;
  }

  /** The same as {@link #getUser()}. */
  public String getUsername() {
    return getUser();
  }

  /** The same as {@link #setUser(String)}. */
  public void setUsername(String username) {
    setUser(username);
  }

  /** The password (never logged or shown by {@link #toString()}). */
  public String getPassword() {
    return password;
  }

  /** Sets the password (the URL's user-info wins when present). */
  public void setPassword(String password) {
    checkNotStarted();
    this.password = password;
  }

  /** Always {@code dev.neonjdbc.Driver}. */
  public String getDriverClassName() {
    return dev.neonjdbc.Driver.class.getName();
  }

  /**
   * Accepts {@code dev.neonjdbc.Driver} (frameworks such as Spring Boot pass the driver class along
   * with the URL); any other driver is an error.
   */
  public void setDriverClassName(String driverClassName) {
    if (driverClassName != null
        && !driverClassName.isEmpty()
        && !driverClassName.equals(dev.neonjdbc.Driver.class.getName())) {
      throw new IllegalArgumentException(
          "driverClassName: NeonDataSource uses dev.neonjdbc.Driver, not " + driverClassName);
    }
  }

  /** pgJDBC properties (e.g. {@code ApplicationName}, {@code sslmode}), a copy. */
  public Properties getDataSourceProperties() {
    Properties copy = new Properties();
    copy.putAll(dataSourceProperties);
    return copy;
  }

  /** Sets pgJDBC properties, passed to every session (after libpq translation). */
  public void setDataSourceProperties(Properties properties) {
    checkNotStarted();
    dataSourceProperties.clear();
    if (properties != null) {
      for (String key : properties.stringPropertyNames()) {
        dataSourceProperties.setProperty(key, properties.getProperty(key));
      }
    }
  }

  /** Adds one pgJDBC property. */
  public void addDataSourceProperty(String key, Object value) {
    checkNotStarted();
    dataSourceProperties.setProperty(key, String.valueOf(value));
  }

  // ---- jdbc:neon: properties (one setter each; see NeonProperty) ---------------------------

  /** {@link NeonProperty#ROUTE}. */
  public String getRoute() {
    return neon(NeonProperty.ROUTE);
  }

  /** {@link NeonProperty#ROUTE}: {@code auto}, {@code pooled} or {@code direct}. */
  public void setRoute(String route) {
    setNeon(NeonProperty.ROUTE, route);
  }

  /** {@link NeonProperty#POOLED_HOST}. */
  public String getPooledHost() {
    return neon(NeonProperty.POOLED_HOST);
  }

  /** {@link NeonProperty#POOLED_HOST}. */
  public void setPooledHost(String host) {
    setNeon(NeonProperty.POOLED_HOST, host);
  }

  /** {@link NeonProperty#POOLED_PORT}, 0 when unset. */
  public int getPooledPort() {
    return port(NeonProperty.POOLED_PORT);
  }

  /** {@link NeonProperty#POOLED_PORT}; 0 unsets it. */
  public void setPooledPort(int port) {
    setNeon(NeonProperty.POOLED_PORT, port == 0 ? null : Integer.toString(port));
  }

  /** {@link NeonProperty#DIRECT_HOST}. */
  public String getDirectHost() {
    return neon(NeonProperty.DIRECT_HOST);
  }

  /** {@link NeonProperty#DIRECT_HOST}. */
  public void setDirectHost(String host) {
    setNeon(NeonProperty.DIRECT_HOST, host);
  }

  /** {@link NeonProperty#DIRECT_PORT}, 0 when unset. */
  public int getDirectPort() {
    return port(NeonProperty.DIRECT_PORT);
  }

  /** {@link NeonProperty#DIRECT_PORT}; 0 unsets it. */
  public void setDirectPort(int port) {
    setNeon(NeonProperty.DIRECT_PORT, port == 0 ? null : Integer.toString(port));
  }

  /** {@link NeonProperty#POOLER_PREPARED_STATEMENTS}. */
  public String getPoolerPreparedStatements() {
    return neon(NeonProperty.POOLER_PREPARED_STATEMENTS);
  }

  /** {@link NeonProperty#POOLER_PREPARED_STATEMENTS}: {@code auto}, {@code true}, {@code false}. */
  public void setPoolerPreparedStatements(String value) {
    setNeon(NeonProperty.POOLER_PREPARED_STATEMENTS, value);
  }

  /** {@link NeonProperty#NEON_ENDPOINT_OPTION}. */
  public boolean isNeonEndpointOption() {
    return Boolean.parseBoolean(neon(NeonProperty.NEON_ENDPOINT_OPTION));
  }

  /** {@link NeonProperty#NEON_ENDPOINT_OPTION}. */
  public void setNeonEndpointOption(boolean value) {
    setNeon(NeonProperty.NEON_ENDPOINT_OPTION, Boolean.toString(value));
  }

  /** {@link NeonProperty#TRANSPORT}. */
  public String getTransport() {
    return neon(NeonProperty.TRANSPORT);
  }

  /** {@link NeonProperty#TRANSPORT}: {@code tcp} or {@code websocket}. */
  public void setTransport(String transport) {
    setNeon(NeonProperty.TRANSPORT, transport);
  }

  /** {@link NeonProperty#WEBSOCKET_URL}. */
  public String getWebSocketUrl() {
    return neon(NeonProperty.WEBSOCKET_URL);
  }

  /** {@link NeonProperty#WEBSOCKET_URL}. */
  public void setWebSocketUrl(String webSocketUrl) {
    setNeon(NeonProperty.WEBSOCKET_URL, webSocketUrl);
  }

  /** {@link NeonProperty#WEBSOCKET_PIPELINE_CONNECT}. */
  public String getWebSocketPipelineConnect() {
    return neon(NeonProperty.WEBSOCKET_PIPELINE_CONNECT);
  }

  /** {@link NeonProperty#WEBSOCKET_PIPELINE_CONNECT}: {@code auto}, {@code true}, {@code false}. */
  public void setWebSocketPipelineConnect(String value) {
    setNeon(NeonProperty.WEBSOCKET_PIPELINE_CONNECT, value);
  }

  /** {@link NeonProperty#DIRECT_TLS}. */
  public String getDirectTls() {
    return neon(NeonProperty.DIRECT_TLS);
  }

  /** {@link NeonProperty#DIRECT_TLS}: {@code auto}, {@code true}, {@code false}. */
  public void setDirectTls(String value) {
    setNeon(NeonProperty.DIRECT_TLS, value);
  }

  /** {@link NeonProperty#STARTUP_PARAMETERS}. */
  public String getStartupParameters() {
    return neon(NeonProperty.STARTUP_PARAMETERS);
  }

  /** {@link NeonProperty#STARTUP_PARAMETERS}: {@code auto}, {@code true}, {@code false}. */
  public void setStartupParameters(String value) {
    setNeon(NeonProperty.STARTUP_PARAMETERS, value);
  }

  /** {@link NeonProperty#CONNECT_RETRY}. */
  public String getConnectRetry() {
    return neon(NeonProperty.CONNECT_RETRY);
  }

  /** {@link NeonProperty#CONNECT_RETRY}: {@code auto}, {@code true}, {@code false}. */
  public void setConnectRetry(String value) {
    setNeon(NeonProperty.CONNECT_RETRY, value);
  }

  /** {@link NeonProperty#WEBSOCKET_ALLOW_INSECURE}. */
  public boolean isWebSocketAllowInsecure() {
    return Boolean.parseBoolean(neon(NeonProperty.WEBSOCKET_ALLOW_INSECURE));
  }

  /** {@link NeonProperty#WEBSOCKET_ALLOW_INSECURE}. */
  public void setWebSocketAllowInsecure(boolean value) {
    setNeon(NeonProperty.WEBSOCKET_ALLOW_INSECURE, Boolean.toString(value));
  }

  /**
   * {@link NeonProperty#CLIENT_POOLING} as set here (the URL's query may override it; {@link
   * #getEffectiveClientPooling()} tells what is in effect).
   */
  public String getClientPooling() {
    return neon(NeonProperty.CLIENT_POOLING);
  }

  /** {@link NeonProperty#CLIENT_POOLING}: {@code auto}, {@code on} or {@code off}. */
  public void setClientPooling(String clientPooling) {
    setNeon(NeonProperty.CLIENT_POOLING, clientPooling);
  }

  /** {@link NeonProperty#REPLICA_HOSTS}. */
  public String getReplicaHosts() {
    return neon(NeonProperty.REPLICA_HOSTS);
  }

  /**
   * {@link NeonProperty#REPLICA_HOSTS}: read replicas, comma-separated; read-only connections
   * ({@code @Transactional(readOnly = true)}) run there.
   */
  public void setReplicaHosts(String replicaHosts) {
    setNeon(NeonProperty.REPLICA_HOSTS, replicaHosts);
  }

  /** {@link NeonProperty#REPLICA_READ_AFTER_WRITE} in milliseconds. */
  public int getReplicaReadAfterWrite() {
    return Integer.parseInt(neon(NeonProperty.REPLICA_READ_AFTER_WRITE));
  }

  /** {@link NeonProperty#REPLICA_READ_AFTER_WRITE}: milliseconds, 0 turns it off. */
  public void setReplicaReadAfterWrite(int milliseconds) {
    setNeon(NeonProperty.REPLICA_READ_AFTER_WRITE, Integer.toString(milliseconds));
  }

  /** {@link NeonProperty#REPLICA_DOWN_FOR} in seconds. */
  public int getReplicaDownFor() {
    return Integer.parseInt(neon(NeonProperty.REPLICA_DOWN_FOR));
  }

  /** {@link NeonProperty#REPLICA_DOWN_FOR}: seconds. */
  public void setReplicaDownFor(int seconds) {
    setNeon(NeonProperty.REPLICA_DOWN_FOR, Integer.toString(seconds));
  }

  /** The client pooling policy in effect, or {@code null} before the first connection. */
  public String getEffectiveClientPooling() {
    DataSourceRuntime started = runtime;
    return started == null ? null : started.clientPooling();
  }

  /** The value set for {@code property} (or its default). */
  String neon(NeonProperty property) {
    return property.get(neonProperties);
  }

  private int port(NeonProperty property) {
    String value = neonProperties.getProperty(property.getName());
    return value == null ? 0 : Integer.parseInt(value);
  }

  private void setNeon(NeonProperty property, String value) {
    checkNotStarted();
    if (value == null) {
      neonProperties.remove(property.getName());
    } else {
      neonProperties.setProperty(property.getName(), value);
    }
  }

  // ---- pools ---------------------------------------------------------------------------------

  /** Name of the pools ({@code NAME-direct}, {@code NAME-pooled}) and of the MBean. */
  public String getPoolName() {
    return pools.poolName;
  }

  /** Sets the pool name (default {@code neon-N}). */
  public void setPoolName(String poolName) {
    checkNotStarted();
    pools.poolName = poolName;
  }

  /** Most direct sessions open at once (default 4). */
  public int getDirectPoolMaximumSize() {
    return pools.directMaximumSize;
  }

  /** Sets the most direct sessions open at once. */
  public void setDirectPoolMaximumSize(int size) {
    checkNotStarted();
    pools.directMaximumSize = positive("directPoolMaximumSize", size);
  }

  /** Milliseconds an idle direct session stays open (default 60,000; HikariCP's minimum 10,000). */
  public long getDirectPoolIdleTimeout() {
    return pools.directIdleTimeoutMillis;
  }

  /** Sets how long an idle direct session stays open, in milliseconds. */
  public void setDirectPoolIdleTimeout(long millis) {
    checkNotStarted();
    pools.directIdleTimeoutMillis = millis;
  }

  /** Most pooled-endpoint sessions with {@code clientPooling=on} (default 10). */
  public int getPooledPoolMaximumSize() {
    return pools.pooledMaximumSize;
  }

  /** Sets the most pooled-endpoint sessions with {@code clientPooling=on}. */
  public void setPooledPoolMaximumSize(int size) {
    checkNotStarted();
    pools.pooledMaximumSize = positive("pooledPoolMaximumSize", size);
  }

  /** Milliseconds an idle pooled-endpoint session stays open with {@code clientPooling=on}. */
  public long getPooledPoolIdleTimeout() {
    return pools.pooledIdleTimeoutMillis;
  }

  /** Sets how long an idle pooled-endpoint session stays open (default 30,000 ms). */
  public void setPooledPoolIdleTimeout(long millis) {
    checkNotStarted();
    pools.pooledIdleTimeoutMillis = millis;
  }

  /**
   * Milliseconds a connection waits for a pooled session before failing with SQLState 08001
   * (default 10,000; at least 250).
   */
  public long getConnectionTimeout() {
    return pools.connectionTimeoutMillis;
  }

  /** Sets how long to wait for a pooled session, in milliseconds. */
  public void setConnectionTimeout(long millis) {
    checkNotStarted();
    pools.connectionTimeoutMillis = millis;
  }

  /** Milliseconds after which a pooled session is replaced (default 30 minutes). */
  public long getMaxLifetime() {
    return pools.maxLifetimeMillis;
  }

  /** Sets the maximum lifetime of a pooled session, in milliseconds. */
  public void setMaxLifetime(long millis) {
    checkNotStarted();
    pools.maxLifetimeMillis = millis;
  }

  /** Milliseconds a validation ({@code isValid}) may take (default 5,000). */
  public long getValidationTimeout() {
    return pools.validationTimeoutMillis;
  }

  /** Sets how long a validation may take, in milliseconds. */
  public void setValidationTimeout(long millis) {
    checkNotStarted();
    pools.validationTimeoutMillis = millis;
  }

  /** Whether the pools' and this data source's MBeans are registered (default true). */
  public boolean isRegisterMbeans() {
    return pools.registerMbeans;
  }

  /** Sets whether MBeans are registered. */
  public void setRegisterMbeans(boolean register) {
    checkNotStarted();
    pools.registerMbeans = register;
  }

  /** A Micrometer {@code MeterRegistry} or Dropwizard {@code MetricRegistry} for HikariCP. */
  public void setMetricRegistry(Object registry) {
    checkNotStarted();
    pools.metricRegistry = registry;
  }

  /** A HikariCP metrics tracker factory (wins over {@link #setMetricRegistry}). */
  public void setMetricsTrackerFactory(MetricsTrackerFactory factory) {
    checkNotStarted();
    pools.metricsTrackerFactory = factory;
  }

  private static int positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
    return value;
  }

  private void checkNotStarted() {
    if (runtime != null || closed) {
      throw new IllegalStateException(
          "The configuration of a NeonDataSource is sealed once it has handed out a connection.");
    }
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
    if (seconds < 0) {
      throw new IllegalArgumentException("loginTimeout must be 0 or more, was " + seconds);
    }
    setNeon(NeonProperty.LOGIN_TIMEOUT, seconds == 0 ? null : Integer.toString(seconds));
  }

  /** {@link NeonProperty#LOGIN_TIMEOUT}, 0 when not set. */
  @Override
  public int getLoginTimeout() {
    String value = neon(NeonProperty.LOGIN_TIMEOUT);
    return value == null ? 0 : Integer.parseInt(value.trim());
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

  // ---- JNDI ----------------------------------------------------------------------------------

  /** A reference that {@link NeonDataSourceFactory} turns back into an equal data source. */
  @Override
  public Reference getReference() throws NamingException {
    Reference reference =
        new Reference(getClass().getName(), NeonDataSourceFactory.class.getName(), null);
    for (String key : dataSourceProperties.stringPropertyNames()) {
      reference.add(new StringRefAddr(key, dataSourceProperties.getProperty(key)));
    }
    for (String key : neonProperties.stringPropertyNames()) {
      reference.add(new StringRefAddr(key, neonProperties.getProperty(key)));
    }
    reference.add(new StringRefAddr("url", url));
    if (user != null) {
      reference.add(new StringRefAddr("user", user));
    }
    if (password != null) {
      reference.add(new StringRefAddr("password", password));
    }
    if (pools.poolName != null) {
      reference.add(new StringRefAddr("poolName", pools.poolName));
    }
    reference.add(ref("directPoolMaximumSize", pools.directMaximumSize));
    reference.add(ref("directPoolIdleTimeout", pools.directIdleTimeoutMillis));
    reference.add(ref("pooledPoolMaximumSize", pools.pooledMaximumSize));
    reference.add(ref("pooledPoolIdleTimeout", pools.pooledIdleTimeoutMillis));
    reference.add(ref("connectionTimeout", pools.connectionTimeoutMillis));
    reference.add(ref("maxLifetime", pools.maxLifetimeMillis));
    reference.add(ref("validationTimeout", pools.validationTimeoutMillis));
    reference.add(ref("registerMbeans", pools.registerMbeans));
    return reference;
  }

  private static StringRefAddr ref(String name, Object value) {
    return new StringRefAddr(name, String.valueOf(value));
  }

  /**
   * Sets one property by its bean name, as JNDI resources and other string-typed configuration give
   * them: the URL, credentials and pool settings by name, {@code jdbc:neon:} properties by their
   * {@link NeonProperty} name, anything else as a pgJDBC property.
   *
   * @throws IllegalArgumentException when a value has the wrong type, naming the property
   */
  public void setProperty(String name, String value) {
    try {
      switch (name) {
        case "url", "jdbcUrl" -> setUrl(value);
        case "user", "username" -> setUser(value);
        case "password" -> setPassword(value);
        case "driverClassName" -> setDriverClassName(value);
        case "poolName" -> setPoolName(value);
        case "directPoolMaximumSize" -> setDirectPoolMaximumSize(Integer.parseInt(value.trim()));
        case "directPoolIdleTimeout" -> setDirectPoolIdleTimeout(Long.parseLong(value.trim()));
        case "pooledPoolMaximumSize" -> setPooledPoolMaximumSize(Integer.parseInt(value.trim()));
        case "pooledPoolIdleTimeout" -> setPooledPoolIdleTimeout(Long.parseLong(value.trim()));
        case "connectionTimeout" -> setConnectionTimeout(Long.parseLong(value.trim()));
        case "maxLifetime" -> setMaxLifetime(Long.parseLong(value.trim()));
        case "validationTimeout" -> setValidationTimeout(Long.parseLong(value.trim()));
        case "registerMbeans" -> setRegisterMbeans(Boolean.parseBoolean(value.trim()));
        case "loginTimeout" -> setLoginTimeout(Integer.parseInt(value.trim()));
        default -> {
          NeonProperty property = NeonProperty.forName(name);
          if (property != null) {
            setNeon(property, value);
          } else {
            addDataSourceProperty(name, value);
          }
        }
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name
              + " must be a number but was: "
              + (name.equals("password") ? NeonEndpoints.MASK : value),
          e);
    }
  }

  /** The URL with its password masked and the pool name; never the password. */
  @Override
  public String toString() {
    return "NeonDataSource["
        + (pools.poolName == null ? "" : pools.poolName + ", ")
        + NeonEndpoints.maskUrl(url)
        + (runtime == null ? ", not started" : ", clientPooling=" + runtime.clientPooling())
        + (closed ? ", closed" : "")
        + "]";
  }
}

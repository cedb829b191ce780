package dev.neonjdbc.datasource;

import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import dev.neonjdbc.NeonProperty;
import java.util.Properties;

/**
 * The settings of a {@link NeonDataSource} as JavaBean properties (as {@code HikariDataSource}
 * extends {@code HikariConfig}): the URL and credentials, one accessor pair per {@code jdbc:neon:}
 * property ({@link NeonProperty}) and per pool setting ({@link DataSourceProperty}), and {@link
 * #setProperty} for text configuration. Every setter checks its value when it is called and throws
 * {@link IllegalArgumentException} with the message shape of the driver's URL errors ({@code
 * Invalid value for 'KEY': 'VALUE' PROBLEM}, a password never shown).
 */
public abstract class NeonDataSourceConfig {
  final DataSourceSettings settings = new DataSourceSettings();

  /** Only {@link NeonDataSource} extends it. */
  NeonDataSourceConfig() {}

  // ---- URL and credentials -------------------------------------------------------------------

  /**
   * {@link DataSourceProperty#URL}; {@code jdbc:neon:} alone (the default) reads the environment.
   */
  public String getUrl() {
    return settings.url();
  }

  /**
   * {@link DataSourceProperty#URL}: any {@code jdbc:neon:} form, or a Neon connection string
   * ({@code postgresql://…} or {@code postgres://…}) pasted as-is; {@code null} for the default.
   */
  public void setUrl(String url) {
    change().set(DataSourceProperty.URL, url);
  }

  /** The same as {@link #getUrl()} (HikariCP's and Spring Boot's name). */
  public String getJdbcUrl() {
    return getUrl();
  }

  /** The same as {@link #setUrl(String)} (HikariCP's and Spring Boot's name). */
  public void setJdbcUrl(String url) {
    setUrl(url);
  }

  /** {@link DataSourceProperty#USER}. */
  public String getUser() {
    return settings.get(DataSourceProperty.USER);
  }

  /** {@link DataSourceProperty#USER} (the URL's user-info wins when present). */
  public void setUser(String user) {
    change().set(DataSourceProperty.USER, user);
  }

  /** The same as {@link #getUser()}. */
  public String getUsername() {
    return getUser();
  }

  /** The same as {@link #setUser(String)}. */
  public void setUsername(String username) {
    setUser(username);
  }

  /** {@link DataSourceProperty#PASSWORD} (never logged or shown by {@link #toString()}). */
  public String getPassword() {
    return settings.get(DataSourceProperty.PASSWORD);
  }

  /** {@link DataSourceProperty#PASSWORD} (the URL's user-info wins when present). */
  public void setPassword(String password) {
    change().set(DataSourceProperty.PASSWORD, password);
  }

  /** Always {@code dev.neonjdbc.Driver}. */
  public String getDriverClassName() {
    return dev.neonjdbc.Driver.class.getName();
  }

  /**
   * Accepts {@code dev.neonjdbc.Driver} (frameworks such as Spring Boot pass the driver class along
   * with the URL); any other driver is an error.
   *
   * @throws IllegalArgumentException for another driver
   */
  public void setDriverClassName(String driverClassName) {
    DataSourceSettings.checkDriverClassName(driverClassName);
  }

  /** pgJDBC properties (e.g. {@code ApplicationName}, {@code sslmode}), a copy. */
  public Properties getDataSourceProperties() {
    return settings.pgjdbcProperties();
  }

  /** Sets pgJDBC properties, passed to every session (after libpq translation). */
  public void setDataSourceProperties(Properties properties) {
    change().replacePgjdbc(properties);
  }

  /** Adds one pgJDBC property. */
  public void addDataSourceProperty(String key, Object value) {
    change().setPgjdbc(key, String.valueOf(value));
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
    return number(NeonProperty.POOLED_PORT);
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
    return number(NeonProperty.DIRECT_PORT);
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

  /** {@link NeonProperty#ONE_SHOT}. */
  public String getOneShot() {
    return neon(NeonProperty.ONE_SHOT);
  }

  /** {@link NeonProperty#ONE_SHOT}: {@code off} or {@code http}. */
  public void setOneShot(String value) {
    setNeon(NeonProperty.ONE_SHOT, value);
  }

  /** {@link NeonProperty#ONE_SHOT_URL}. */
  public String getOneShotUrl() {
    return neon(NeonProperty.ONE_SHOT_URL);
  }

  /** {@link NeonProperty#ONE_SHOT_URL}: the SQL-over-HTTP endpoint's URL. */
  public void setOneShotUrl(String url) {
    setNeon(NeonProperty.ONE_SHOT_URL, url);
  }

  /** The value set for {@code property} (or its default). */
  String neon(NeonProperty property) {
    return settings.get(property);
  }

  /** A port or a number of seconds as set, 0 when unset. */
  int number(NeonProperty property) {
    String value = settings.getSet(property);
    return value == null ? 0 : Integer.parseInt(value);
  }

  /**
   * Sets a {@code jdbc:neon:} property.
   *
   * @throws IllegalArgumentException for a value the driver would refuse, with its message
   */
  void setNeon(NeonProperty property, String value) {
    change().set(property, value);
  }

  // ---- pools (DataSourceProperty) ------------------------------------------------------------

  /** {@link DataSourceProperty#POOL_NAME} as set, or {@code null} (then {@code neon-N}). */
  public String getPoolName() {
    return settings.get(DataSourceProperty.POOL_NAME);
  }

  /** {@link DataSourceProperty#POOL_NAME} (default {@code neon-N}). */
  public void setPoolName(String poolName) {
    change().set(DataSourceProperty.POOL_NAME, poolName);
  }

  /** {@link DataSourceProperty#DIRECT_POOL_MAXIMUM_SIZE}. */
  public int getDirectPoolMaximumSize() {
    return DataSourceProperty.DIRECT_POOL_MAXIMUM_SIZE.getInt(settings.ownSettings());
  }

  /** {@link DataSourceProperty#DIRECT_POOL_MAXIMUM_SIZE}: at least 1. */
  public void setDirectPoolMaximumSize(int size) {
    setNumber(DataSourceProperty.DIRECT_POOL_MAXIMUM_SIZE, size);
  }

  /** {@link DataSourceProperty#DIRECT_POOL_IDLE_TIMEOUT}, in milliseconds. */
  public long getDirectPoolIdleTimeout() {
    return millis(DataSourceProperty.DIRECT_POOL_IDLE_TIMEOUT);
  }

  /** {@link DataSourceProperty#DIRECT_POOL_IDLE_TIMEOUT}, in milliseconds (at least 10,000). */
  public void setDirectPoolIdleTimeout(long millis) {
    setNumber(DataSourceProperty.DIRECT_POOL_IDLE_TIMEOUT, millis);
  }

  /** {@link DataSourceProperty#POOLED_POOL_MAXIMUM_SIZE}. */
  public int getPooledPoolMaximumSize() {
    return DataSourceProperty.POOLED_POOL_MAXIMUM_SIZE.getInt(settings.ownSettings());
  }

  /** {@link DataSourceProperty#POOLED_POOL_MAXIMUM_SIZE}: at least 1. */
  public void setPooledPoolMaximumSize(int size) {
    setNumber(DataSourceProperty.POOLED_POOL_MAXIMUM_SIZE, size);
  }

  /** {@link DataSourceProperty#POOLED_POOL_IDLE_TIMEOUT}, in milliseconds. */
  public long getPooledPoolIdleTimeout() {
    return millis(DataSourceProperty.POOLED_POOL_IDLE_TIMEOUT);
  }

  /** {@link DataSourceProperty#POOLED_POOL_IDLE_TIMEOUT}, in milliseconds (at least 10,000). */
  public void setPooledPoolIdleTimeout(long millis) {
    setNumber(DataSourceProperty.POOLED_POOL_IDLE_TIMEOUT, millis);
  }

  /** {@link DataSourceProperty#CONNECTION_TIMEOUT}, in milliseconds. */
  public long getConnectionTimeout() {
    return millis(DataSourceProperty.CONNECTION_TIMEOUT);
  }

  /** {@link DataSourceProperty#CONNECTION_TIMEOUT}, in milliseconds (at least 250). */
  public void setConnectionTimeout(long millis) {
    setNumber(DataSourceProperty.CONNECTION_TIMEOUT, millis);
  }

  /** {@link DataSourceProperty#MAX_LIFETIME}, in milliseconds. */
  public long getMaxLifetime() {
    return millis(DataSourceProperty.MAX_LIFETIME);
  }

  /** {@link DataSourceProperty#MAX_LIFETIME}, in milliseconds (0, or at least 30,000). */
  public void setMaxLifetime(long millis) {
    setNumber(DataSourceProperty.MAX_LIFETIME, millis);
  }

  /** {@link DataSourceProperty#VALIDATION_TIMEOUT}, in milliseconds. */
  public long getValidationTimeout() {
    return millis(DataSourceProperty.VALIDATION_TIMEOUT);
  }

  /** {@link DataSourceProperty#VALIDATION_TIMEOUT}, in milliseconds (at least 250). */
  public void setValidationTimeout(long millis) {
    setNumber(DataSourceProperty.VALIDATION_TIMEOUT, millis);
  }

  /** {@link DataSourceProperty#REGISTER_MBEANS}. */
  public boolean isRegisterMbeans() {
    return DataSourceProperty.REGISTER_MBEANS.getBoolean(settings.ownSettings());
  }

  /** {@link DataSourceProperty#REGISTER_MBEANS}. */
  public void setRegisterMbeans(boolean register) {
    change().set(DataSourceProperty.REGISTER_MBEANS, Boolean.toString(register));
  }

  /** {@link DataSourceProperty#METRIC_REGISTRY}, or {@code null}. */
  public Object getMetricRegistry() {
    return settings.getObject(DataSourceProperty.METRIC_REGISTRY);
  }

  /** {@link DataSourceProperty#METRIC_REGISTRY}: a Micrometer or Dropwizard registry. */
  public void setMetricRegistry(Object registry) {
    change().setObject(DataSourceProperty.METRIC_REGISTRY, registry);
  }

  /** {@link DataSourceProperty#METRICS_TRACKER_FACTORY}, or {@code null}. */
  public MetricsTrackerFactory getMetricsTrackerFactory() {
    return (MetricsTrackerFactory) settings.getObject(DataSourceProperty.METRICS_TRACKER_FACTORY);
  }

  /** {@link DataSourceProperty#METRICS_TRACKER_FACTORY} (wins over {@link #setMetricRegistry}). */
  public void setMetricsTrackerFactory(MetricsTrackerFactory factory) {
    change().setObject(DataSourceProperty.METRICS_TRACKER_FACTORY, factory);
  }

  /** The value set for {@code property} (or its default), in canonical text. */
  String setting(DataSourceProperty property) {
    return settings.get(property);
  }

  private long millis(DataSourceProperty property) {
    return property.getMillis(settings.ownSettings());
  }

  private void setNumber(DataSourceProperty property, long value) {
    change().set(property, Long.toString(value));
  }

  /** Whether the configuration is sealed: the data source has started or is closed. */
  abstract boolean sealed();

  /** The settings, for a change: refused once sealed. */
  DataSourceSettings change() {
    if (sealed()) {
      throw new IllegalStateException(
          "The configuration of a NeonDataSource is sealed once it has handed out a connection.");
    }
    return settings;
  }

  // ---- settings by name ----------------------------------------------------------------------

  /**
   * Sets one setting by name, as JNDI resources and other text configuration give them: a {@link
   * DataSourceProperty} by its name or alias ({@code url}, {@code jdbcUrl}, {@code
   * directPoolMaximumSize}, {@code connectionTimeout} — a duration may carry a unit: {@code 10s}),
   * a {@link NeonProperty} by its name, {@code driverClassName}, and anything else as a pgJDBC
   * property.
   *
   * <p>The value is checked now, but a bad one does not throw here: like a bad value in the URL, it
   * fails the first {@link NeonDataSource#getConnection()} with SQLState 22023 and the same
   * message, so that a container building the data source from text still starts and the error
   * surfaces where the application asks for a connection. Setting the key again with a good value
   * clears it.
   */
  public void setProperty(String name, String value) {
    change().setByName(name, value);
  }
}

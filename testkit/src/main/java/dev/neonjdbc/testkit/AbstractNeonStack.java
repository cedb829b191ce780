package dev.neonjdbc.testkit;

import dev.neonjdbc.testkit.front.FrontCertificates;
import dev.neonjdbc.testkit.front.NeonError;
import dev.neonjdbc.testkit.front.NeonFrontConfig;
import dev.neonjdbc.testkit.http.HttpSqlEndpoint;
import dev.neonjdbc.testkit.tls.TlsMaterial;
import dev.neonjdbc.testkit.ws.WebSocketProxy;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every provider's stack has in common: URLs, environment and pgJDBC connections derived from
 * a {@link StackDescription}. A provider adds how it tells endpoints apart, its superuser and admin
 * console, and how it stops.
 */
public abstract class AbstractNeonStack implements NeonStack {
  private static final Logger LOG = LoggerFactory.getLogger(AbstractNeonStack.class);
  private static final Driver PGJDBC = new org.postgresql.Driver();

  private final StackDescription description;
  private WebSocketProxy webSocketProxy;
  private WebSocketProxy secureWebSocketProxy;
  private AbstractReplicaStack replica;
  private NeonStackException replicaFailure;
  private boolean replicaReasonLogged;
  private HttpSqlEndpoint httpSql;
  private NeonStackException httpSqlFailure;

  /** Creates a stack view over {@code description}. */
  protected AbstractNeonStack(StackDescription description) {
    this.description = description;
  }

  /** The description this stack was built from. */
  protected final StackDescription description() {
    return description;
  }

  /**
   * A query returning one boolean row: true when the session is served through the pooler. Runs on
   * the connection passed to {@link #endpointOf(Connection)}.
   */
  protected abstract String pooledSessionQuery();

  /**
   * Stops whatever the provider started, the replica included ({@link #stopReplica()}); called
   * once, from the JVM's shutdown hook.
   */
  protected abstract void stop();

  /**
   * Starts this stack's read replica; called once, by the first {@link #replica()}. Providers that
   * run replicas override it together with {@link #replicaUnavailableReason()}.
   *
   * @throws NeonStackException when the replica cannot start
   */
  protected AbstractReplicaStack startReplica() {
    throw new UnsupportedOperationException(replicaUnavailableReason());
  }

  @Override
  public final synchronized Optional<ReplicaStack> replica() {
    if (replica != null) {
      return Optional.of(replica);
    }
    String unavailable = replicaUnavailableReason();
    if (unavailable != null) {
      if (!replicaReasonLogged) {
        replicaReasonLogged = true;
        LOG.info("neon-testkit: no read replica: {}", unavailable);
      }
      return Optional.empty();
    }
    if (replicaFailure != null) {
      throw new NeonStackException(
          "the replica failed to start earlier: " + replicaFailure.getMessage(), replicaFailure);
    }
    try {
      replica = startReplica();
      LOG.info(
          "neon-testkit: read replica {} started in {} ms",
          replica,
          replica.startupTime().toMillis());
      return Optional.of(replica);
    } catch (NeonStackException e) {
      replicaFailure = e;
      throw e;
    } catch (RuntimeException e) {
      replicaFailure = new NeonStackException("the replica failed to start: " + e, e);
      throw replicaFailure;
    }
  }

  /** Stops and removes the replica if one was started; for the provider's {@link #stop()}. */
  protected final void stopReplica() {
    AbstractReplicaStack started;
    synchronized (this) {
      started = replica;
    }
    if (started != null) {
      started.shutdown();
    }
  }

  /** The replica if one was started, without starting one. */
  protected final synchronized Optional<AbstractReplicaStack> startedReplica() {
    return Optional.ofNullable(replica);
  }

  @Override
  public String httpSqlUnavailableReason() {
    TlsMaterial tls = description.tls();
    return tls == null || tls.caKey() == null
        ? "the " + providerName() + " provider has no CA of the kit's own for an HTTP SQL endpoint"
        : null;
  }

  @Override
  public final synchronized Optional<HttpSqlEndpoint> httpSql() {
    if (httpSql != null) {
      return Optional.of(httpSql);
    }
    if (httpSqlUnavailableReason() != null) {
      return Optional.empty();
    }
    if (httpSqlFailure != null) {
      throw new NeonStackException(
          "the HTTP SQL endpoint failed to start earlier: " + httpSqlFailure.getMessage(),
          httpSqlFailure);
    }
    try {
      TlsMaterial tls = description.tls();
      FrontCertificates.Issued certificate =
          FrontCertificates.issue(
              tls.caCertificate(),
              tls.caKey(),
              tls.caCertificate().getParent().resolve("http-sql"),
              NeonFrontConfig.DEFAULT_DOMAIN);
      HttpSqlEndpoint started =
          HttpSqlEndpoint.start(
              NeonFrontConfig.DEFAULT_DOMAIN,
              certificate.certificate(),
              certificate.key(),
              this::computeOf,
              NeonError.ENDPOINT_NOT_FOUND.message());
      Runtime.getRuntime()
          .addShutdownHook(new Thread(started::close, "neon-testkit-http-sql-stop"));
      LOG.info("neon-testkit: HTTP SQL endpoint {} on {}", started.url(), started.address());
      httpSql = started;
      return Optional.of(started);
    } catch (NeonStackException e) {
      httpSqlFailure = e;
      throw e;
    }
  }

  /** The PostgreSQL behind a Neon endpoint id, for the HTTP SQL endpoint; {@code null} if none. */
  private InetSocketAddress computeOf(String endpointId) {
    if (endpointId.equals(NeonFrontConfig.DEFAULT_ENDPOINT_ID)) {
      return new InetSocketAddress(directHost(), directPort());
    }
    if (endpointId.equals(NeonFrontConfig.REPLICA_ENDPOINT_ID)) {
      return startedReplica()
          .map(replica -> new InetSocketAddress(replica.directHost(), replica.directPort()))
          .orElse(null);
    }
    return null;
  }

  @Override
  public String providerName() {
    return description.providerName();
  }

  @Override
  public String host() {
    return description.pooledHost();
  }

  @Override
  public String pooledHost() {
    return description.pooledHost();
  }

  @Override
  public int pooledPort() {
    return description.pooledPort();
  }

  @Override
  public String directHost() {
    return description.directHost();
  }

  @Override
  public int directPort() {
    return description.directPort();
  }

  @Override
  public boolean poolerKeepsPreparedStatements() {
    return description.poolerKeepsPreparedStatements();
  }

  @Override
  public String database() {
    return description.database();
  }

  @Override
  public String singleBackendDatabase() {
    return description.singleBackendDatabase();
  }

  @Override
  public String user() {
    return description.user();
  }

  @Override
  public String password() {
    return description.password();
  }

  @Override
  public Path caCertificate() {
    return description.tls() == null ? null : description.tls().caCertificate();
  }

  @Override
  public Path trustStore() {
    return description.tls() == null ? null : description.tls().trustStore();
  }

  @Override
  public String trustStorePassword() {
    return description.tls() == null ? null : description.tls().trustStorePassword();
  }

  @Override
  public Path wrongHostCertificate() {
    return description.tls() == null ? null : description.tls().wrongHostCertificate();
  }

  @Override
  public Path wrongHostKey() {
    return description.tls() == null ? null : description.tls().wrongHostKey();
  }

  @Override
  public Path serverCertificate() {
    return description.tls() == null ? null : description.tls().serverCertificate();
  }

  @Override
  public Path serverKey() {
    return description.tls() == null ? null : description.tls().serverKey();
  }

  @Override
  public String sslParameters() {
    return query(description.jdbcTls());
  }

  @Override
  public String pooledJdbcUrl() {
    return pooledJdbcUrl(database());
  }

  @Override
  public String pooledJdbcUrl(String database) {
    return jdbcUrl("postgresql", pooledHost(), pooledPort(), database, sslParameters());
  }

  @Override
  public String directJdbcUrl() {
    return jdbcUrl("postgresql", directHost(), directPort(), database(), sslParameters());
  }

  @Override
  public String neonJdbcUrl() {
    return neonJdbcUrl(database());
  }

  @Override
  public String neonJdbcUrl(String database) {
    Map<String, String> endpoints = new LinkedHashMap<>();
    endpoints.put("directHost", directHost());
    endpoints.put("directPort", Integer.toString(directPort()));
    return jdbcUrl(
        "neon", pooledHost(), pooledPort(), database, query(endpoints) + "&" + sslParameters());
  }

  @Override
  public Properties credentials() {
    Properties properties = new Properties();
    properties.setProperty("user", user());
    properties.setProperty("password", password());
    return properties;
  }

  @Override
  public Connection openPooled() throws SQLException {
    return openPooled(database());
  }

  @Override
  public Connection openPooled(String database) throws SQLException {
    return connect(pooledJdbcUrl(database), credentials());
  }

  @Override
  public Connection openDirect() throws SQLException {
    return connect(directJdbcUrl(), credentials());
  }

  /** Throws: only providers that created the cluster have a superuser. */
  @Override
  public Connection openSuperuser() throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "the " + providerName() + " stack has no superuser access");
  }

  @Override
  public ServerEndpoint endpointOf(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(pooledSessionQuery())) {
      row.next();
      return row.getBoolean(1) ? ServerEndpoint.POOLED : ServerEndpoint.DIRECT;
    }
  }

  @Override
  public Path logDirectory() {
    return description.logDirectory();
  }

  @Override
  public Map<String, String> environment() {
    Map<String, String> libpqTls = description.libpqTls();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DATABASE_URL", libpqUrl(pooledHost(), pooledPort()));
    env.put("DATABASE_URL_UNPOOLED", libpqUrl(directHost(), directPort()));
    env.put("PGHOST", pooledHost());
    env.put("PGPORT", Integer.toString(pooledPort()));
    env.put("PGDATABASE", database());
    env.put("PGUSER", user());
    env.put("PGPASSWORD", password());
    if (libpqTls.containsKey("sslmode")) {
      env.put("PGSSLMODE", libpqTls.get("sslmode"));
    }
    if (libpqTls.containsKey("sslrootcert")) {
      env.put("PGSSLROOTCERT", libpqTls.get("sslrootcert"));
    }
    env.put("PGHOST_UNPOOLED", directHost());
    env.put("PGPORT_UNPOOLED", Integer.toString(directPort()));
    return Collections.unmodifiableMap(env);
  }

  /** Opens a pgJDBC connection; the URL is always a {@code jdbc:postgresql:} one. */
  protected static Connection connect(String url, Properties properties) throws SQLException {
    return PGJDBC.connect(url, properties);
  }

  /** {@code key=value&…} with URL-encoded values, usable by both pgJDBC and libpq. */
  protected static String query(Map<String, String> parameters) {
    StringJoiner query = new StringJoiner("&");
    parameters.forEach((key, value) -> query.add(key + "=" + encode(value)));
    return query.toString();
  }

  /** Percent-encodes {@code value}; a space becomes {@code %20}, which libpq decodes too. */
  protected static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String jdbcUrl(
      String subprotocol, String host, int port, String database, String query) {
    String url =
        "jdbc:" + subprotocol + "://" + hostForUrl(host) + ":" + port + "/" + encode(database);
    return query.isEmpty() ? url : url + "?" + query;
  }

  private String libpqUrl(String host, int port) {
    String url =
        "postgresql://"
            + encode(user())
            + ":"
            + encode(password())
            + "@"
            + hostForUrl(host)
            + ":"
            + port
            + "/"
            + encode(database());
    String query = query(description.libpqTls());
    return query.isEmpty() ? url : url + "?" + query;
  }

  private static String hostForUrl(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /**
   * The local address the kit's WebSocket proxies connect from, so that the server can treat
   * tunnelled logins apart ({@code pg_hba.conf}); {@code null} for the default address.
   */
  protected String tunnelSourceAddress() {
    return null;
  }

  @Override
  public synchronized WebSocketProxy webSocketProxy() {
    if (webSocketProxy == null) {
      webSocketProxy = stopAtExit(WebSocketProxy.builder().sourceAddress(tunnelSourceAddress()));
    }
    return webSocketProxy;
  }

  @Override
  public synchronized WebSocketProxy secureWebSocketProxy() {
    if (secureWebSocketProxy == null) {
      if (serverCertificate() == null) {
        throw new UnsupportedOperationException(
            "the " + providerName() + " stack has no certificate for a wss:// proxy");
      }
      secureWebSocketProxy =
          stopAtExit(
              WebSocketProxy.builder()
                  .tls(serverCertificate(), serverKey())
                  .sourceAddress(tunnelSourceAddress()));
    }
    return secureWebSocketProxy;
  }

  @Override
  public boolean tunnelUsesCleartextPassword() {
    return tunnelSourceAddress() != null && webSocketProxy().sourceAddress() != null;
  }

  private static WebSocketProxy stopAtExit(WebSocketProxy.Builder builder) {
    WebSocketProxy proxy = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "neon-testkit-ws-proxy-stop"));
    return proxy;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + description + "]";
  }
}

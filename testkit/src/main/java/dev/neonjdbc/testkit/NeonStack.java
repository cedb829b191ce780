package dev.neonjdbc.testkit;

import dev.neonjdbc.testkit.front.NeonFront;
import dev.neonjdbc.testkit.front.NeonFrontConfig;
import dev.neonjdbc.testkit.http.HttpSqlEndpoint;
import dev.neonjdbc.testkit.relay.LatencyRelay;
import dev.neonjdbc.testkit.ws.WebSocketProxy;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A running Neon-shaped stack: a <em>pooled</em> endpoint (PgBouncer, {@code
 * pool_mode=transaction}) and a <em>direct</em> endpoint (PostgreSQL), one database, one login
 * role, TLS and SCRAM on both.
 *
 * <p>Obtain the shared instance with {@link NeonStacks#shared()} or by parameter injection in a
 * {@link NeonStackTest}. The stack belongs to the JVM: do not stop it, and leave the server the way
 * you found it (drop what you create, or use unique names).
 *
 * <p>URLs returned here carry no credentials; pass {@link #credentials()} or use the {@code open…}
 * methods. Connections returned by the {@code open…} methods are plain pgJDBC connections with the
 * driver's defaults (for example {@code prepareThreshold=5}, whose named statements only a pooler
 * that keeps prepared statements supports across transactions: see {@link
 * #poolerKeepsPreparedStatements()}): that is the behaviour an application gets.
 */
public interface NeonStack {

  /**
   * The provider that started this stack: {@code "local"}, {@code "testcontainers"} or {@code
   * "neon"}.
   */
  String providerName();

  /** The host clients connect to when both endpoints share one: {@code "127.0.0.1"} locally. */
  String host();

  /** Host name or address of the pooled endpoint (PgBouncer). */
  String pooledHost();

  /** TCP port of the pooled endpoint (PgBouncer). */
  int pooledPort();

  /** Host name or address of the direct endpoint (PostgreSQL). */
  String directHost();

  /** TCP port of the direct endpoint (PostgreSQL). */
  int directPort();

  /** The application database, {@code "neondb"}. */
  String database();

  /**
   * A second database, {@code "neondb_single"}, whose PgBouncer pool holds exactly one server
   * connection ({@code pool_size=1}), so consecutive transactions of different clients share one
   * backend. It exists under the same name on PostgreSQL, so a {@code jdbc:neon:} URL that names it
   * reaches it on both endpoints.
   *
   * <p>The Neon provider cannot configure the pooler and returns {@link #database()}; tests that
   * rely on backend sharing should check {@link #providerName()}.
   */
  String singleBackendDatabase();

  /** The application role, owner of {@link #database()}. */
  String user();

  /**
   * The application role's password (letters, digits and {@code _} only: no URL encoding needed).
   */
  String password();

  /** PEM file of the stack's certificate authority; {@code null} for the Neon provider. */
  Path caCertificate();

  /** PKCS12 trust store holding {@link #caCertificate()}; {@code null} for the Neon provider. */
  Path trustStore();

  /** Password of {@link #trustStore()}; {@code null} for the Neon provider. */
  String trustStorePassword();

  /**
   * PEM certificate signed by the stack's CA for {@code wrong.example} only, for tests that need a
   * server whose certificate does not match the host name; {@code null} for the Neon provider.
   */
  Path wrongHostCertificate();

  /**
   * PEM private key (PKCS8) of {@link #wrongHostCertificate()}; {@code null} for the Neon provider.
   */
  Path wrongHostKey();

  /**
   * PEM certificate the stack's servers present, signed by the CA, valid for {@code localhost},
   * {@code 127.0.0.1} and {@code ::1}; usable by other test servers (e.g. a WebSocket proxy).
   * {@code null} for the Neon provider.
   */
  Path serverCertificate();

  /**
   * PEM private key (PKCS8) of {@link #serverCertificate()}; {@code null} for the Neon provider.
   */
  Path serverKey();

  /**
   * pgJDBC TLS parameters for both endpoints as a URL query fragment with URL-encoded values, for
   * example {@code sslmode=verify-full&sslrootcert=%2Ftmp%2Fneonkit-1%2Ftls%2Fca.pem}.
   */
  String sslParameters();

  /** {@code jdbc:postgresql://POOLED_HOST:PORT/neondb?<sslParameters>}. */
  String pooledJdbcUrl();

  /**
   * Like {@link #pooledJdbcUrl()} for another database or PgBouncer alias, e.g. {@code
   * neondb_single}.
   */
  String pooledJdbcUrl(String database);

  /** {@code jdbc:postgresql://DIRECT_HOST:PORT/neondb?<sslParameters>}. */
  String directJdbcUrl();

  /**
   * {@code jdbc:neon://POOLED_HOST:PORT/neondb?directHost=…&directPort=…&<sslParameters>}: both
   * endpoints, explicitly, whatever the provider.
   */
  String neonJdbcUrl();

  /** Like {@link #neonJdbcUrl()} with another pooled database alias, e.g. {@code neondb_single}. */
  String neonJdbcUrl(String database);

  /** A fresh {@code Properties} holding {@code user} and {@code password}; free to modify. */
  Properties credentials();

  /** Opens a plain pgJDBC connection to the pooled endpoint, database {@link #database()}. */
  Connection openPooled() throws SQLException;

  /** Opens a plain pgJDBC connection to the pooled endpoint for another database alias. */
  Connection openPooled(String database) throws SQLException;

  /** Opens a plain pgJDBC connection to the direct endpoint, database {@link #database()}. */
  Connection openDirect() throws SQLException;

  /**
   * Opens a direct connection to {@link #database()} as the cluster's superuser.
   *
   * @throws java.sql.SQLFeatureNotSupportedException on the Neon provider, which has no superuser
   */
  Connection openSuperuser() throws SQLException;

  /**
   * Whether the pooled endpoint keeps protocol-level (named) prepared statements across
   * transactions, as Neon's pooler does (PgBouncer 1.21 or later with {@code
   * max_prepared_statements} above zero; Neon runs 1000).
   *
   * <p>When true, a plain pgJDBC client may use server-side prepared statements ({@code
   * prepareThreshold} above zero) on the pooled endpoint: the pooler prepares each statement on
   * whichever server connection runs it. When false (PgBouncer 1.18, Debian 12's), a named
   * statement prepared in one transaction is missing in the next, or collides with another client's
   * of the same name on a shared server connection ({@code prepared statement "S_1" already
   * exists}). Tests that show either behaviour assert the one this returns.
   *
   * <p>The local provider keeps them unless {@code neon.testkit.pooler} (or {@code
   * NEON_TESTKIT_POOLER}) is {@code plain}.
   */
  boolean poolerKeepsPreparedStatements();

  /** The PgBouncer admin console, or empty when the provider has none (Neon). */
  Optional<PgBouncerAdmin> pgbouncerAdmin();

  /**
   * Tells which endpoint serves {@code connection} by asking the server (one query, run in the
   * connection's current transaction if any). Locally a pooled session reaches PostgreSQL over a
   * Unix socket, so {@code inet_server_addr()} is NULL there and {@code 127.0.0.1} on direct ones.
   * On the Neon provider this is a best-effort guess (PgBouncer reaches the compute over loopback).
   */
  ServerEndpoint endpointOf(Connection connection) throws SQLException;

  /**
   * Directory holding this stack's logs ({@code target/neon-testkit/…} locally), kept after exit.
   */
  Path logDirectory();

  /**
   * Environment variables that describe this stack the way Neon and libpq do: {@code DATABASE_URL}
   * (pooled, {@code
   * postgresql://user:password@host:port/neondb?sslmode=verify-full&sslrootcert=…}), {@code
   * DATABASE_URL_UNPOOLED} (direct), {@code PGHOST}, {@code PGPORT}, {@code PGDATABASE}, {@code
   * PGUSER}, {@code PGPASSWORD}, {@code PGSSLMODE}, {@code PGSSLROOTCERT} (pooled endpoint), and
   * {@code PGHOST_UNPOOLED} with {@code PGPORT_UNPOOLED} (direct endpoint; the latter is this kit's
   * own name, since libpq has none for a direct port). On the Neon provider {@code PGSSLROOTCERT}
   * is {@code system}. The map is unmodifiable and ordered.
   */
  Map<String, String> environment();

  // ---- The read replica ----

  /**
   * The stack's streaming read replica ({@link ReplicaStack}): its own PostgreSQL hot standby fed
   * by streaming replication from this stack's primary, with its own PgBouncer. Started on the
   * first call (other callers wait), shared by the JVM's tests, stopped with the stack; a JVM whose
   * tests never call this never starts one. When the front runs, the front also routes the
   * replica's own Neon host names ({@link ReplicaStack#frontPooledHostName()}).
   *
   * <p>Empty when the provider cannot run one (a Neon branch without a configured replica); the
   * reason is logged once and returned by {@link #replicaUnavailableReason()}. Tests that need a
   * replica skip with it: {@code assumeTrue(stack.replica().isPresent(),
   * stack.replicaUnavailableReason())}.
   *
   * @throws NeonStackException when the provider runs replicas but this one fails to start (with
   *     the reason and where its logs are); later calls fail the same way without retrying
   */
  default Optional<ReplicaStack> replica() {
    return Optional.empty();
  }

  /**
   * Why {@link #replica()} is empty, e.g. {@code "the neon provider has no read replica"}; {@code
   * null} when the provider runs replicas.
   */
  default String replicaUnavailableReason() {
    return "the " + providerName() + " provider has no read replica";
  }

  /**
   * Whether {@code connection} is served by a replica: asks the server {@code pg_is_in_recovery()}
   * (one query, in the connection's current transaction if any). True for both of the replica's
   * endpoints, false for the primary's.
   */
  default boolean servedByReplica(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_is_in_recovery()")) {
      row.next();
      return row.getBoolean(1);
    }
  }

  // ---- The Neon-shaped front ----

  /**
   * The kit's {@link NeonFront}: a proxy shaped like Neon's in front of both endpoints (TLS with
   * SNI routing by endpoint id, direct TLS, SCRAM-SHA-256-PLUS at the front, the {@code wss} /v2
   * front, a compute that suspends and wakes). It serves {@code
   * ep-neonkit-123456[-pooler].local.aws.neon.tech}; those names do not resolve, so clients reach
   * it through {@link dev.neonjdbc.testkit.front.FrontSocketFactory}, which the {@code front…Url}
   * methods add.
   *
   * <p>Once {@link #replica()} has started the replica, the front also serves {@code
   * ep-neonkit-replica-654321[-pooler].local.aws.neon.tech} ({@link
   * ReplicaStack#frontPooledHostName()}).
   *
   * <p>The front belongs to the stack: do not close it. A test that suspends it wakes it again
   * ({@link NeonFront#wake()}) before it ends. Empty for providers without a front (Testcontainers,
   * Neon) and when the local provider's front is turned off ({@code neon.testkit.front=off} or
   * {@code NEON_TESTKIT_FRONT=off}).
   */
  default Optional<NeonFront> neonFront() {
    return Optional.empty();
  }

  /**
   * A {@code jdbc:neon:} URL in Neon's shape through {@link #neonFront()}: {@code
   * jdbc:neon://ep-neonkit-123456-pooler.local.aws.neon.tech/neondb?sslmode=verify-full&sslrootcert=…&socketFactory=…&socketFactoryArg=…}.
   * The driver recognises the Neon host and derives the direct endpoint ({@code
   * ep-neonkit-123456.local.aws.neon.tech}) itself. When the pooler keeps no prepared statements
   * ({@link #poolerKeepsPreparedStatements()}), {@code poolerPreparedStatements=false} is added,
   * since the driver otherwise assumes Neon's pooler keeps them. No credentials.
   */
  default Optional<String> frontNeonJdbcUrl() {
    return neonFront()
        .map(
            front ->
                "jdbc:neon://"
                    + front.pooledHostName()
                    + "/"
                    + database()
                    + "?"
                    + frontParameters(front)
                    + (poolerKeepsPreparedStatements() ? "" : "&poolerPreparedStatements=false"));
  }

  /**
   * A plain pgJDBC URL to the front's pooled name, {@code
   * jdbc:postgresql://ep-neonkit-123456-pooler.local.aws.neon.tech/neondb?sslmode=verify-full&…}.
   */
  default Optional<String> frontPooledJdbcUrl() {
    return neonFront().map(front -> frontJdbcUrl(front, front.pooledHostName()));
  }

  /**
   * A plain pgJDBC URL to the front's direct name, {@code
   * jdbc:postgresql://ep-neonkit-123456.local.aws.neon.tech/neondb?sslmode=verify-full&…}.
   */
  default Optional<String> frontDirectJdbcUrl() {
    return neonFront().map(front -> frontJdbcUrl(front, front.directHostName()));
  }

  private String frontJdbcUrl(NeonFront front, String host) {
    return "jdbc:postgresql://" + host + "/" + database() + "?" + frontParameters(front);
  }

  private String frontParameters(NeonFront front) {
    return "sslmode=verify-full&sslrootcert="
        + URLEncoder.encode(caCertificate().toString(), StandardCharsets.UTF_8)
        + "&"
        + front.socketFactoryParameters();
  }

  // ---- Neon's SQL over HTTP ----

  /**
   * The kit's {@link HttpSqlEndpoint}: Neon's SQL-over-HTTP ({@code POST
   * https://api.local.aws.neon.tech/sql}, {@code Neon-Connection-String}, raw text and array mode,
   * batch transactions, Neon's JSON and error shapes and size limits) in front of this stack's
   * PostgreSQL, on a loopback port with TLS from the kit's CA ({@link #caCertificate()}, {@link
   * #trustStore()}). Started on the first call (other callers wait), shared by the JVM's tests,
   * stopped at exit; do not close it. A test that changes its limits puts them back ({@link
   * HttpSqlEndpoint#resetLimits()}).
   *
   * <p>The connection strings it accepts name the front's hosts ({@link
   * #httpSqlConnectionString()}); once {@link #replica()} has started, the replica's endpoint id
   * reaches the replica.
   *
   * <p>Empty when the provider cannot run one (no CA of the kit's own: the Neon provider); the
   * reason is {@link #httpSqlUnavailableReason()}.
   */
  default Optional<HttpSqlEndpoint> httpSql() {
    return Optional.empty();
  }

  /** Why {@link #httpSql()} is empty; {@code null} when the provider runs one. */
  default String httpSqlUnavailableReason() {
    return "the " + providerName() + " provider has no HTTP SQL endpoint";
  }

  /**
   * The connection string a Neon HTTP client sends in {@code Neon-Connection-String} for this
   * stack: {@code postgresql://USER:PASSWORD@ep-neonkit-123456.local.aws.neon.tech/neondb} (the
   * direct host name; the {@code -pooler} one is accepted too). Empty when {@link #httpSql()} is.
   */
  default Optional<String> httpSqlConnectionString() {
    return httpSql()
        .map(
            endpoint ->
                "postgresql://"
                    + URLEncoder.encode(user(), StandardCharsets.UTF_8)
                    + ":"
                    + URLEncoder.encode(password(), StandardCharsets.UTF_8)
                    + "@"
                    + NeonFrontConfig.DEFAULT_ENDPOINT_ID
                    + "."
                    + NeonFrontConfig.DEFAULT_DOMAIN
                    + "/"
                    + URLEncoder.encode(database(), StandardCharsets.UTF_8));
  }

  // ---- WebSocket tunnel: the kit's proxies and the latency relay ----

  /**
   * The kit's plain WebSocket proxy ({@code ws://127.0.0.1:PORT}, Neon wsproxy style {@code
   * /v1?address=host:port}), started on first use and stopped at exit. Do not close it.
   */
  WebSocketProxy webSocketProxy();

  /**
   * The kit's TLS WebSocket proxy ({@code wss://}, certificate {@link #serverCertificate()} from
   * the kit's CA, wsproxy style), started on first use and stopped at exit. Do not close it.
   */
  WebSocketProxy secureWebSocketProxy();

  /** Port of {@link #webSocketProxy()}. */
  default int webSocketProxyPort() {
    return webSocketProxy().port();
  }

  /**
   * {@code webSocketUrl} template for {@link #webSocketProxy()}: {@code
   * ws://127.0.0.1:PORT/v1?address={host}:{port}}.
   */
  default String webSocketUrlTemplate() {
    return webSocketProxy().urlTemplate();
  }

  /**
   * {@code webSocketUrl} template for {@link #secureWebSocketProxy()}: {@code
   * wss://127.0.0.1:PORT/v1?address={host}:{port}} (verify it with {@link #caCertificate()}; the
   * certificate names {@code 127.0.0.1}).
   */
  default String secureWebSocketUrlTemplate() {
    return secureWebSocketProxy().urlTemplate();
  }

  /**
   * Whether logins through the kit's proxies to the direct endpoint get cleartext {@code password}
   * authentication, as Neon's proxy asks (so {@code webSocketPipelineConnect} applies). The local
   * provider arranges it with a {@code pg_hba.conf} rule for the proxies' source address; the
   * pooled endpoint (PgBouncer) always asks for SCRAM.
   */
  boolean tunnelUsesCleartextPassword();

  /**
   * Starts a {@link LatencyRelay} to {@code host:port} adding {@code roundTrip} per round trip. The
   * caller closes it.
   */
  default LatencyRelay latencyRelay(String host, int port, Duration roundTrip) {
    return LatencyRelay.withRoundTrip(host, port, roundTrip);
  }
}

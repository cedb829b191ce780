package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonProperty;
import dev.neonjdbc.internal.config.ConfigErrors;
import dev.neonjdbc.internal.config.ConnectionSettings;
import dev.neonjdbc.internal.config.Endpoint;
import dev.neonjdbc.internal.config.NeonHosts;
import dev.neonjdbc.internal.config.ReplicaEndpoint;
import dev.neonjdbc.internal.config.RouteMode;
import dev.neonjdbc.internal.transport.WebSocketTransport;
import dev.neonjdbc.spi.RoutingEvents;
import dev.neonjdbc.spi.SessionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the physical pgJDBC connections behind a {@code jdbc:neon:} connection, one endpoint at a
 * time, with the properties that endpoint needs.
 *
 * <p>pgJDBC is called directly (not through {@code DriverManager}) so that no other registered
 * driver can intercept the URL and no lookup happens per connection.
 */
public final class PhysicalConnector {
  private static final Logger LOG = LoggerFactory.getLogger(PhysicalConnector.class);
  private static final Set<String> ENCRYPTING_SSL_MODES =
      Set.of("require", "verify-ca", "verify-full");

  /**
   * What {@code startupParameters} tells pgJDBC: a server at least this recent takes {@code
   * application_name} in the StartupMessage (9.0) and replication connections (9.4).
   */
  static final String STARTUP_PARAMETERS_VERSION = "9.4";

  /** How long retries may go on when {@code connectRetry} is on and no loginTimeout is set. */
  static final long DEFAULT_RETRY_DEADLINE_MILLIS = 30_000;

  private static final Set<String> PASS_THROUGH_REPORTED = ConcurrentHashMap.newKeySet();

  private final ConnectionSettings settings;
  // The pgJDBC properties of each endpoint kind's sessions.
  private final EndpointSlots<Properties> properties = new EndpointSlots<>();
  private final SessionLogin login;
  private final ReplicaSet replicaSet;
  private final EventReporter events;

  private PhysicalConnector(ConnectionSettings settings, RoutingEvents events) throws SQLException {
    this.settings = settings;
    this.events = EventReporter.of(events);
    this.replicaSet = ReplicaSet.forSettings(settings);
    Properties directProperties = settings.pgjdbcProperties();
    properties.set(EndpointKind.DIRECT, directProperties);
    properties.set(EndpointKind.POOLED, pooledProperties(settings));
    boolean tunnel = isTunnel(settings);
    if (enabled(settings, NeonProperty.STARTUP_PARAMETERS, settings.isNeonHost() || tunnel)) {
      properties.forEach((kind, endpointProperties) -> useStartupParameters(endpointProperties));
    }
    WebSocketTransport.apply(
        settings, properties.get(EndpointKind.POOLED), properties.get(EndpointKind.DIRECT));
    this.login = login(settings, directProperties, tunnel);
  }

  private static boolean isTunnel(ConnectionSettings settings) throws SQLException {
    return "websocket".equals(NeonProperty.TRANSPORT.getChoice(settings.neonProperties()));
  }

  /** A choice of auto/true/false, with auto resolved to {@code auto}. */
  private static boolean enabled(ConnectionSettings settings, NeonProperty property, boolean auto)
      throws SQLException {
    String choice = property.getChoice(settings.neonProperties());
    return choice.equals("true") || (choice.equals("auto") && auto);
  }

  /**
   * pgJDBC puts {@code application_name} in the StartupMessage only when told the server is at
   * least 9.0; otherwise it sends {@code SET application_name} after login, one more round trip on
   * every connect. ({@code extra_float_digits} is set after login only for servers before 12,
   * whatever is assumed; Neon runs 14 and newer.)
   */
  private static void useStartupParameters(Properties properties) {
    if (properties.getProperty("assumeMinServerVersion") == null) {
      properties.setProperty("assumeMinServerVersion", STARTUP_PARAMETERS_VERSION);
    }
  }

  private static SessionLogin login(
      ConnectionSettings settings, Properties properties, boolean tunnel) throws SQLException {
    boolean retry = enabled(settings, NeonProperty.CONNECT_RETRY, settings.isNeonHost());
    Integer seconds = NeonProperty.LOGIN_TIMEOUT.getSeconds(settings.neonProperties());
    long loginTimeoutMillis =
        seconds != null && seconds > 0
            ? seconds * 1000L
            : retry ? DEFAULT_RETRY_DEADLINE_MILLIS : 0;
    String sslmode = properties.getProperty("sslmode");
    boolean directTls =
        enabled(settings, NeonProperty.DIRECT_TLS, settings.isNeonHost())
            && !tunnel
            && sslmode != null
            && ENCRYPTING_SSL_MODES.contains(sslmode)
            && properties.getProperty("sslNegotiation") == null;
    return new SessionLogin(retry, loginTimeoutMillis, directTls);
  }

  /**
   * A connector for the endpoints of {@code settings} that reports its connects to the registered
   * listeners and the log only.
   */
  public static PhysicalConnector forSettings(ConnectionSettings settings) throws SQLException {
    return forSettings(settings, RoutingEvents.NONE);
  }

  /**
   * A connector for the endpoints of {@code settings} that reports its connects (and retries) to
   * {@code events} too.
   */
  public static PhysicalConnector forSettings(ConnectionSettings settings, RoutingEvents events)
      throws SQLException {
    if (!settings.hasBothEndpoints()
        && PASS_THROUGH_REPORTED.add(settings.singleEndpoint().toString())) {
      LOG.info(
          "jdbc:neon: knows only one endpoint ({}); statements are not routed. Set"
              + " pooledHost/pooledPort or directHost/directPort to route.",
          settings.singleEndpoint());
    }
    return new PhysicalConnector(settings, events);
  }

  /** Where this connector reports its connects: its own listener, the registered ones, the log. */
  public EventReporter events() {
    return events;
  }

  /**
   * The read replicas' shared state (turns, down marks, read-your-writes), one per set of
   * endpoints, or {@code null} when no replica is configured.
   */
  ReplicaSet replicaSet() {
    return replicaSet;
  }

  /** The settings this connector was made from. */
  public ConnectionSettings settings() {
    return settings;
  }

  /**
   * Opens a new pgJDBC connection to the endpoint of {@code kind} (the single endpoint when only
   * one is known; for {@link EndpointKind#REPLICA}, the next replica in turn that is not down).
   */
  public Connection open(EndpointKind kind) throws SQLException {
    long started = events.start();
    Connection connection;
    try {
      connection = openUnreported(kind);
    } catch (SQLException | RuntimeException e) {
      if (started != 0) {
        events.connectFailed(
            kind,
            System.nanoTime() - started,
            e instanceof SQLException failure ? failure.getSQLState() : null);
      }
      throw e;
    }
    if (started != 0) {
      events.connected(kind, System.nanoTime() - started);
    }
    return connection;
  }

  private Connection openUnreported(EndpointKind kind) throws SQLException {
    if (kind == EndpointKind.REPLICA) {
      int index = replicaSet == null ? -1 : replicaSet.pick();
      if (index < 0) {
        throw new SQLException(
            replicaSet == null
                ? "No read replica is configured (replicaHosts) [URL: " + settings.maskedUrl() + "]"
                : "Every read replica is down [URL: " + settings.maskedUrl() + "]",
            ConfigErrors.UNABLE_TO_CONNECT);
      }
      return openReplica(replicaSet.replicas().get(index));
    }
    Endpoint endpoint =
        settings.endpointFor(kind == EndpointKind.DIRECT ? RouteMode.DIRECT : RouteMode.POOLED);
    // With one endpoint known nothing says it is a pooler: the connection is plain pgJDBC.
    Properties sessionProperties =
        properties.get(settings.hasBothEndpoints() ? kind : EndpointKind.DIRECT);
    String url = settings.pgjdbcUrl(endpoint);
    try {
      Connection connection = login.open(url, endpoint, sessionProperties, kind, events);
      LOG.debug("opened {} connection to {}", kind.label(), endpoint);
      return connection;
    } catch (SQLException e) {
      throw nameEndpoint(
          explain(
              WebSocketTransport.explain(e, settings.maskedUrl()),
              kind,
              endpoint,
              sessionProperties),
          kind,
          endpoint);
    }
  }

  /**
   * Opens a new pgJDBC connection to a read replica's pooled endpoint, with the pooled endpoint's
   * properties (a replica's pooled endpoint is a PgBouncer too) and the replica's own database and
   * credentials where its URL gave them. For a Neon replica host the SNI fallback option names the
   * replica's endpoint id, not the primary's.
   */
  public Connection openReplica(ReplicaEndpoint replica) throws SQLException {
    Properties replicaProperties = new Properties();
    replicaProperties.putAll(properties.get(EndpointKind.POOLED));
    if (replica.user() != null) {
      replicaProperties.setProperty("user", replica.user());
    }
    if (replica.password() != null) {
      replicaProperties.setProperty("password", replica.password());
    }
    String options = replicaProperties.getProperty("options");
    if (options != null && options.trim().startsWith("endpoint=")) {
      if (NeonHosts.isNeonHost(replica.pooled().host())) {
        replicaProperties.setProperty(
            "options", "endpoint=" + NeonHosts.endpointId(replica.pooled().host()) + POOLER);
      } else {
        replicaProperties.remove("options");
      }
    }
    Endpoint endpoint = replica.pooled();
    try {
      Connection connection =
          login.open(
              settings.pgjdbcUrl(replica),
              endpoint,
              replicaProperties,
              EndpointKind.REPLICA,
              events);
      LOG.debug("opened replica connection to {}", endpoint);
      return connection;
    } catch (SQLException e) {
      SQLException explained = WebSocketTransport.explain(e, settings.maskedUrl());
      String state = explained.getSQLState();
      if (state == null
          || !state.startsWith("08")
          || (explained instanceof PSQLException server
              && server.getServerErrorMessage() != null)) {
        throw explained;
      }
      throw new SQLException(
          "Could not open a session to the replica endpoint " + endpoint + ": " + e.getMessage(),
          state,
          explained);
    }
  }

  /**
   * With two endpoints, says which one could not be reached: a connection opens its sessions on
   * first need, so a failure may come at any statement and must name the endpoint it concerns.
   * Connection exceptions (class 08) raised on this side only; the server's own answers (28P01
   * wrong password, 3D000 unknown database, PgBouncer's 08P01) pass through as pgJDBC raised them.
   */
  private SQLException nameEndpoint(SQLException error, EndpointKind kind, Endpoint endpoint) {
    String state = error.getSQLState();
    if (!settings.hasBothEndpoints()
        || state == null
        || !state.startsWith("08")
        || (error instanceof PSQLException server && server.getServerErrorMessage() != null)) {
      // The server's own answer (PgBouncer reports a failed login as 08P01) passes through.
      return error;
    }
    return new SQLException(
        "Could not open a session to the "
            + kind.label()
            + " endpoint "
            + endpoint
            + ": "
            + error.getMessage(),
        state,
        error);
  }

  /**
   * Pooled sessions share server backends between clients, so protocol-level prepared statements
   * only survive where the pooler tracks them (PgBouncer 1.21+ with max_prepared_statements, as
   * Neon runs it); elsewhere pgJDBC must not name its statements unless the user said so.
   */
  private static Properties pooledProperties(ConnectionSettings settings) throws SQLException {
    Properties properties = settings.pgjdbcProperties();
    // PgBouncer refuses these startup parameters, and they are session state anyway: a
    // connection that sets them is pinned to direct (see startupStateForcesPin).
    properties.remove("currentSchema");
    String options = properties.getProperty("options");
    if (options != null && !isOnlyNeonEndpointOption(options)) {
      properties.remove("options");
    } else if (options != null
        && settings.isNeonHost()
        && options.trim().startsWith("endpoint=")
        && !options.trim().endsWith(POOLER)) {
      // Neon's proxy reads the pooled side from the endpoint id's suffix (proxy/src/types.rs), and
      // refuses an id that differs from the TLS server name's: the pooled session names the pooler.
      properties.setProperty("options", options.trim() + POOLER);
    }
    String policy = NeonProperty.POOLER_PREPARED_STATEMENTS.getChoice(settings.neonProperties());
    boolean poolerKeepsStatements =
        policy.equals("true") || (policy.equals("auto") && settings.isNeonHost());
    if (!poolerKeepsStatements && properties.getProperty("prepareThreshold") == null) {
      properties.setProperty("prepareThreshold", "0");
    }
    return properties;
  }

  /**
   * Whether the connection asks for session state at startup ({@code currentSchema}, or {@code
   * options} beyond Neon's {@code endpoint=ID}) that the pooled endpoint cannot carry.
   */
  public boolean startupStateForcesPin() {
    Properties directProperties = properties.get(EndpointKind.DIRECT);
    String options = directProperties.getProperty("options");
    return directProperties.getProperty("currentSchema") != null
        || (options != null && !isOnlyNeonEndpointOption(options));
  }

  private static final String POOLER = "-pooler";

  private static boolean isOnlyNeonEndpointOption(String options) {
    String trimmed = options.trim();
    return trimmed.isEmpty() || (trimmed.startsWith("endpoint=") && trimmed.indexOf(' ') < 0);
  }

  private SQLException explain(
      SQLException error, EndpointKind kind, Endpoint endpoint, Properties properties) {
    String channelBinding = properties.getProperty("channelBinding");
    String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
    if (kind == EndpointKind.POOLED
        && settings.hasBothEndpoints()
        && "require".equalsIgnoreCase(channelBinding)
        && (message.contains("channel binding") || message.contains("scram-sha-256-plus"))) {
      return new SQLException(
          "channel_binding=require cannot be met by the pooled endpoint "
              + endpoint
              + ": the server did not offer SCRAM-SHA-256-PLUS (PgBouncer does not support channel"
              + " binding). Use route=direct, or channel_binding=prefer for this URL. [URL: "
              + settings.maskedUrl()
              + "]",
          ConfigErrors.UNABLE_TO_CONNECT,
          error);
    }
    return error;
  }

  /** A source that opens a session on first need and closes it when it is given back. */
  public SessionSource openingSource() {
    PhysicalConnector connector = this;
    return new SessionSource() {
      @Override
      public Connection acquire(EndpointKind kind) throws SQLException {
        return connector.open(kind);
      }

      @Override
      public void release(Connection session, EndpointKind kind, boolean needsReset)
          throws SQLException {
        session.close();
      }

      @Override
      public boolean lendsPerStatement(EndpointKind kind) {
        return false;
      }
    };
  }
}

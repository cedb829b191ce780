package dev.neonjdbc.spi;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.config.ConnectionSettings;
import dev.neonjdbc.internal.config.Environment;
import dev.neonjdbc.internal.config.Masking;
import dev.neonjdbc.internal.jdbc.RoutingConnection;
import dev.neonjdbc.internal.routing.PhysicalConnector;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A {@code jdbc:neon:} URL resolved to its endpoints: what a data source needs to open physical
 * sessions and logical (routing) connections without reaching into the driver's internals.
 *
 * <pre>{@code
 * NeonEndpoints endpoints = NeonEndpoints.resolve(url, properties);
 * Connection direct = endpoints.open(EndpointKind.DIRECT);        // a plain pgJDBC session
 * Connection routed = endpoints.connect(mySessions, myEvents);    // a jdbc:neon: connection
 * }</pre>
 */
public final class NeonEndpoints {
  /** The prefix of every URL the driver accepts. */
  public static final String URL_PREFIX = ConnectionSettings.PREFIX;

  /** What a masked password reads as in messages and logs. */
  public static final String MASK = Masking.MASK;

  private final ConnectionSettings settings;
  private final PhysicalConnector connector;

  private NeonEndpoints(ConnectionSettings settings, PhysicalConnector connector) {
    this.settings = settings;
    this.connector = connector;
  }

  /**
   * Resolves {@code url} with {@code info} and the process environment ({@code DATABASE_URL} and
   * friends), as {@code DriverManager.getConnection} would.
   *
   * @throws SQLException SQLState 08001 or 22023 naming the problem, any password masked
   */
  public static NeonEndpoints resolve(String url, Properties info) throws SQLException {
    return resolve(url, info, RoutingEvents.NONE);
  }

  /**
   * Resolves {@code url} as {@link #resolve(String, Properties)} does; the physical connects of
   * {@link #open} (their latency, failures and retries) are reported to {@code events}, as well as
   * to the {@linkplain NeonEvents registered listeners} and the {@code dev.neonjdbc.events} DEBUG
   * log.
   */
  public static NeonEndpoints resolve(String url, Properties info, RoutingEvents events)
      throws SQLException {
    ConnectionSettings settings = ConnectionSettings.parse(url, info, Environment.system());
    return new NeonEndpoints(settings, PhysicalConnector.forSettings(settings, events));
  }

  /**
   * Where these endpoints report: the events given to {@link #resolve(String, Properties,
   * RoutingEvents)}, every {@linkplain NeonEvents registered listener} and the DEBUG log. A data
   * source that lends sessions reports its borrows here.
   */
  public RoutingEvents events() {
    return connector.events();
  }

  /** {@code url} with everything that could be a password replaced by {@link #MASK}. */
  public static String maskUrl(String url) {
    return Masking.maskUrl(url);
  }

  /** The resolved URL, password masked, for logs. */
  public String maskedUrl() {
    return settings.maskedUrl();
  }

  /**
   * The resolved {@code jdbc:neon:} properties (those of {@link dev.neonjdbc.NeonProperty}), as a
   * copy.
   */
  public Properties neonProperties() {
    Properties copy = new Properties();
    copy.putAll(settings.neonProperties());
    return copy;
  }

  /** Opens a new physical pgJDBC session on the endpoint of {@code kind}. */
  public Connection open(EndpointKind kind) throws SQLException {
    return connector.open(kind);
  }

  /**
   * A new logical {@code jdbc:neon:} connection whose physical sessions come from {@code source}
   * and whose routing is reported to {@code events} (and to the registered listeners and the DEBUG
   * log). One session is opened now, so that bad credentials fail here and not at the first
   * statement.
   */
  public Connection connect(SessionSource source, RoutingEvents events) throws SQLException {
    return RoutingConnection.open(connector, source, events);
  }
}

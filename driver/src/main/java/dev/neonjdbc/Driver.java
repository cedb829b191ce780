package dev.neonjdbc;

import dev.neonjdbc.internal.config.ConnectionSettings;
import dev.neonjdbc.internal.config.Environment;
import dev.neonjdbc.internal.config.Masking;
import dev.neonjdbc.internal.jdbc.RoutingConnection;
import dev.neonjdbc.internal.routing.PhysicalConnector;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The {@code jdbc:neon:} driver. It reads the URL (see {@link ConnectionSettings} for the forms and
 * the precedence: URL query &gt; {@code Properties} &gt; environment &gt; defaults) and opens
 * pgJDBC connections to Neon's pooled and direct endpoints.
 *
 * <p>Registered with {@link DriverManager} through {@code META-INF/services/java.sql.Driver}, so
 * {@code DriverManager.getConnection("jdbc:neon:...")} works without {@code Class.forName}.
 */
public final class Driver implements java.sql.Driver {
  private static final Driver INSTANCE = new Driver();

  static {
    try {
      DriverManager.registerDriver(INSTANCE);
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Environment environment;

  /** A driver that reads the process environment for the bare {@code jdbc:neon:} URL. */
  public Driver() {
    this(Environment.system());
  }

  /** A driver that reads {@code environment} instead of the process environment. */
  public Driver(Environment environment) {
    this.environment = environment;
  }

  /**
   * Opens a connection, or returns {@code null} when {@code url} is not a {@code jdbc:neon:} URL
   * (so {@link DriverManager} asks the next driver).
   *
   * @throws SQLException SQLState 08001 or 22023 for bad input, naming the key and the problem with
   *     the password masked; pgJDBC's exception when the server refuses
   */
  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    ConnectionSettings settings = ConnectionSettings.parse(url, info, environment);
    return RoutingConnection.open(PhysicalConnector.forSettings(settings));
  }

  /** Whether {@code url} starts with {@code jdbc:neon:}. */
  @Override
  public boolean acceptsURL(String url) {
    return ConnectionSettings.accepts(url);
  }

  /**
   * Every {@code jdbc:neon:} property with its description, current value and allowed values,
   * followed by pgJDBC's own properties; password values are masked.
   */
  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return new DriverPropertyInfo[0];
    }
    ConnectionSettings settings = ConnectionSettings.parse(url, info, environment);
    Properties neon = settings.neonProperties();
    List<DriverPropertyInfo> result = new ArrayList<>();
    for (NeonProperty property : NeonProperty.values()) {
      result.add(masked(property.toDriverPropertyInfo(neon), settings));
    }
    DriverPropertyInfo[] pgjdbc =
        new org.postgresql.Driver()
            .getPropertyInfo(
                settings.pgjdbcUrl(settings.endpointFor(settings.routeMode())),
                settings.pgjdbcProperties());
    for (DriverPropertyInfo property : pgjdbc) {
      // A key both drivers know (loginTimeout) is listed once, as jdbc:neon: reads it.
      if (NeonProperty.forName(property.name) == null) {
        result.add(masked(property, settings));
      }
    }
    return result.toArray(new DriverPropertyInfo[0]);
  }

  /**
   * Masks the value of a password key, and any value that a mistyped URL may have filled with a
   * part of its password (a user name that swallowed it when the ':' was mistyped, for one).
   */
  private static DriverPropertyInfo masked(
      DriverPropertyInfo property, ConnectionSettings settings) {
    if (property.value != null
        && (Masking.isSecretKey(property.name) || settings.mayRevealSecret(property.value))) {
      property.value = Masking.MASK;
    }
    return property;
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 1;
  }

  /** Not JDBC compliant in the specification's sense, like pgJDBC itself. */
  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("jdbc:neon: logs through SLF4J", "0A000");
  }
}

package dev.neonjdbc;

import dev.neonjdbc.internal.config.ConnectionSettings;
import dev.neonjdbc.internal.config.Environment;
import dev.neonjdbc.internal.config.Masking;
import dev.neonjdbc.internal.jdbc.RoutingConnection;
import dev.neonjdbc.internal.routing.PhysicalConnector;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code jdbc:neon:} driver. It reads the URL (see {@link ConnectionSettings} for the forms and
 * the precedence: URL query &gt; {@code Properties} &gt; environment &gt; defaults) and opens
 * pgJDBC connections to Neon's pooled and direct endpoints.
 *
 * <p>Registered with {@link DriverManager} through {@code META-INF/services/java.sql.Driver}, so
 * {@code DriverManager.getConnection("jdbc:neon:...")} works without {@code Class.forName}.
 */
public final class Driver implements java.sql.Driver {
  /** Where the build writes this driver's version (a filtered resource beside this class). */
  private static final String VERSION_RESOURCE = "driver.properties";

  private static final String UNKNOWN_VERSION = "unknown";
  private static final Pattern MAJOR_MINOR_PATTERN = Pattern.compile("(\\d{1,9})\\.(\\d{1,9})");

  private static final String VERSION = readVersion();
  private static final int[] MAJOR_MINOR = majorMinor(VERSION);
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

  /**
   * A driver that reads {@code environment} instead of the process environment (for tests: package
   * private, as {@code Environment} is internal).
   */
  Driver(Environment environment) {
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

  /**
   * This driver's version as the build recorded it, for example {@code 0.1.0-SNAPSHOT}; {@code
   * "unknown"} when the classes were not built by Maven (no filtered {@code driver.properties}).
   */
  public static String version() {
    return VERSION;
  }

  /** The first number of {@link #version()}. */
  @Override
  public int getMajorVersion() {
    return MAJOR_MINOR[0];
  }

  /** The second number of {@link #version()}. */
  @Override
  public int getMinorVersion() {
    return MAJOR_MINOR[1];
  }

  private static String readVersion() {
    Properties properties = new Properties();
    try (InputStream in = Driver.class.getResourceAsStream(VERSION_RESOURCE)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // A jar that cannot be read here could not have loaded this class: treat it as unbuilt.
      return UNKNOWN_VERSION;
    }
    String version = properties.getProperty("version", "").strip();
    // Unfiltered (e.g. compiled outside Maven), the file still says ${project.version}.
    return version.isEmpty() || version.startsWith("${") ? UNKNOWN_VERSION : version;
  }

  /** {@code MAJOR.MINOR[.…]} to its first two numbers; {@code 0.0} when it does not start so. */
  private static int[] majorMinor(String version) {
    Matcher numbers = MAJOR_MINOR_PATTERN.matcher(version);
    if (!numbers.lookingAt()) {
      return new int[] {0, 0};
    }
    return new int[] {Integer.parseInt(numbers.group(1)), Integer.parseInt(numbers.group(2))};
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

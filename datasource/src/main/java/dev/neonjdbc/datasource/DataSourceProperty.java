package dev.neonjdbc.datasource;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonProperty;
import dev.neonjdbc.spi.NeonEndpoints;
import java.util.HashSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * Every setting of a {@link NeonDataSource} that is not a {@code jdbc:neon:} property ({@link
 * NeonProperty}): the URL and credentials, and the HikariCP pool settings. Each entry carries its
 * name, type, default, description and validation; the bean setters, {@link
 * NeonDataSource#setProperty}, the JNDI reference, the typed getters and the README's table all
 * read it from here.
 *
 * <p>A value is checked when it is set and kept in its canonical text (a duration in milliseconds),
 * so reading it back never fails.
 */
public enum DataSourceProperty {
  /** The {@code jdbc:neon:} URL. */
  URL(
      "url",
      "jdbcUrl",
      ValueType.URL,
      NeonEndpoints.URL_PREFIX,
      0,
      "The jdbc:neon: URL, or a Neon connection string (postgresql://… or postgres://…) as"
          + " pasted; jdbc:neon: alone reads DATABASE_URL. Values in its query win over setters."),

  /** The user name. */
  USER("user", "username", ValueType.TEXT, null, 0, "The user, unless the URL names one."),

  /** The password. */
  PASSWORD(
      "password",
      null,
      ValueType.SECRET,
      null,
      0,
      "The password, unless the URL holds one; never logged or shown."),

  /** The name of the pools and of the MBean. */
  POOL_NAME(
      "poolName",
      null,
      ValueType.TEXT,
      null,
      0,
      "Name of the pools (NAME-direct, NAME-pooled) and of the MBean; neon-N when unset. No ':'."),

  /** Most direct sessions open at once. */
  DIRECT_POOL_MAXIMUM_SIZE(
      "directPoolMaximumSize",
      null,
      ValueType.COUNT,
      "4",
      1,
      "Most direct sessions open at once (clientPooling auto or on)."),

  /** How long an idle direct session stays open. */
  DIRECT_POOL_IDLE_TIMEOUT(
      "directPoolIdleTimeout",
      null,
      ValueType.DURATION,
      "60000",
      10_000,
      "How long an idle direct session stays open; none is kept open beyond it."),

  /** Most pooled-endpoint sessions with {@code clientPooling=on}. */
  POOLED_POOL_MAXIMUM_SIZE(
      "pooledPoolMaximumSize",
      null,
      ValueType.COUNT,
      "10",
      1,
      "Most pooled-endpoint sessions open at once (clientPooling=on only)."),

  /** How long an idle pooled-endpoint session stays open with {@code clientPooling=on}. */
  POOLED_POOL_IDLE_TIMEOUT(
      "pooledPoolIdleTimeout",
      null,
      ValueType.DURATION,
      "30000",
      10_000,
      "How long an idle pooled-endpoint session stays open (clientPooling=on only)."),

  /** How long a connection waits for a session of a pool. */
  CONNECTION_TIMEOUT(
      "connectionTimeout",
      null,
      ValueType.DURATION,
      "10000",
      250,
      "How long to wait for a session from a pool before failing with SQLState 08001."),

  /** After how long a pooled session is replaced; 0 for never. */
  MAX_LIFETIME(
      "maxLifetime",
      null,
      ValueType.DURATION,
      "1800000",
      30_000,
      "Age at which a pool replaces a session (0: never)."),

  /** How long a validation may take. */
  VALIDATION_TIMEOUT(
      "validationTimeout",
      null,
      ValueType.DURATION,
      "5000",
      250,
      "How long the check of an idle session before it is lent may take (at most"
          + " connectionTimeout)."),

  /** Whether the pools' and the data source's MBeans are registered. */
  REGISTER_MBEANS(
      "registerMbeans",
      null,
      ValueType.BOOLEAN,
      "true",
      0,
      "Register the data source's MBean and HikariCP's pool MBeans."),

  /** A metrics registry for HikariCP. */
  METRIC_REGISTRY(
      "metricRegistry",
      null,
      ValueType.OBJECT,
      null,
      0,
      "A Micrometer MeterRegistry or Dropwizard MetricRegistry for HikariCP's pool metrics."),

  /** A HikariCP metrics tracker factory. */
  METRICS_TRACKER_FACTORY(
      "metricsTrackerFactory",
      null,
      ValueType.OBJECT,
      null,
      0,
      "A HikariCP MetricsTrackerFactory (wins over metricRegistry).");

  /** What kind of value a setting takes. */
  public enum ValueType {
    /** Any text. */
    TEXT,
    /** Text that is never shown: messages show {@code ***}. */
    SECRET,
    /**
     * A {@code jdbc:neon:} URL or a pasted Neon connection string; shown with its password masked.
     */
    URL,
    /** A whole number, at least the setting's minimum. */
    COUNT,
    /**
     * A duration: milliseconds, a number with {@code ms}, {@code s}, {@code min} or {@code h}, or
     * ISO-8601 ({@code PT10S}); at least the setting's minimum.
     */
    DURATION,
    /** {@code true} or {@code false}, case-insensitive. */
    BOOLEAN,
    /** An object (a metrics registry): set in code only, never from text. */
    OBJECT
  }

  static {
    Set<String> names = new HashSet<>();
    for (DataSourceProperty property : values()) {
      for (String name : property.names()) {
        if (!names.add(name.toLowerCase(Locale.ROOT)) || NeonProperty.forName(name) != null) {
          throw new ExceptionInInitializerError("Duplicate NeonDataSource setting: " + name);
        }
      }
    }
  }

  private final String name;
  private final String alias;
  private final ValueType type;
  private final String defaultValue;
  private final long minimum;
  private final String description;

  DataSourceProperty(
      String name,
      String alias,
      ValueType type,
      String defaultValue,
      long minimum,
      String description) {
    this.name = name;
    this.alias = alias;
    this.type = type;
    this.defaultValue = defaultValue;
    this.minimum = minimum;
    this.description = description;
  }

  /** The bean property name, as {@link NeonDataSource#setProperty} and JNDI take it. */
  public String getName() {
    return name;
  }

  /** The other accepted name ({@code jdbcUrl}, {@code username}), or {@code null}. */
  public String getAlias() {
    return alias;
  }

  /** What kind of value it takes. */
  public ValueType getType() {
    return type;
  }

  /** The default in canonical text (durations in milliseconds), or {@code null}. */
  public String getDefaultValue() {
    return defaultValue;
  }

  /** The least accepted number (milliseconds for a duration); 0 when there is no bound. */
  public long getMinimum() {
    return minimum;
  }

  /** One-sentence description, as the README shows it. */
  public String getDescription() {
    return description;
  }

  private String[] names() {
    return alias == null ? new String[] {name} : new String[] {name, alias};
  }

  /** Finds a setting by its name or alias, case-insensitively; {@code null} when it is not one. */
  public static DataSourceProperty forName(String name) {
    for (DataSourceProperty property : values()) {
      if (property.name.equalsIgnoreCase(name)
          || (property.alias != null && property.alias.equalsIgnoreCase(name))) {
        return property;
      }
    }
    return null;
  }

  /** The setting whose value bounds the pool of {@code kind}'s endpoint. */
  static DataSourceProperty maximumSize(EndpointKind kind) {
    return switch (kind) {
      case DIRECT -> DIRECT_POOL_MAXIMUM_SIZE;
      case POOLED -> POOLED_POOL_MAXIMUM_SIZE;
      case REPLICA -> throw notPooled(kind);
    };
  }

  /** The idle timeout of the pool of {@code kind}'s endpoint. */
  static DataSourceProperty idleTimeout(EndpointKind kind) {
    return switch (kind) {
      case DIRECT -> DIRECT_POOL_IDLE_TIMEOUT;
      case POOLED -> POOLED_POOL_IDLE_TIMEOUT;
      case REPLICA -> throw notPooled(kind);
    };
  }

  private static IllegalArgumentException notPooled(EndpointKind kind) {
    return new IllegalArgumentException(
        "sessions of the " + kind.label() + " endpoint are never pooled by the data source");
  }

  /**
   * Checks a value given as text and returns it in canonical form.
   *
   * @param value the text; {@code null} unsets the setting
   * @return the canonical text, or {@code null}
   * @throws IllegalArgumentException {@code Invalid value for 'KEY': 'VALUE' PROBLEM}, the shape of
   *     the driver's URL errors, with a password or a URL's password masked
   */
  public String validate(String value) {
    if (value == null) {
      return null;
    }
    return switch (type) {
      case TEXT -> {
        if (this == POOL_NAME && value.indexOf(':') >= 0) {
          throw invalid(value, "must not contain ':' (HikariCP's MBean names cannot hold it)");
        }
        yield value;
      }
      case SECRET -> value;
      case URL -> SettingValues.url(value, this);
      case COUNT -> Long.toString(bounded(SettingValues.count(value, this), value));
      case DURATION -> Long.toString(bounded(SettingValues.millis(value, this), value));
      case BOOLEAN -> SettingValues.bool(value, this);
      case OBJECT ->
          throw invalid(
              value,
              "is an object: set it in code with set"
                  + Character.toUpperCase(name.charAt(0))
                  + name.substring(1));
    };
  }

  private long bounded(long number, String value) {
    boolean unbounded = number == 0 && zeroMeansUnbounded();
    if (number >= minimum || unbounded) {
      return number;
    }
    String least =
        type == ValueType.DURATION ? SettingValues.showMillis(minimum) : Long.toString(minimum);
    throw invalid(
        value,
        zeroMeansUnbounded()
            ? "must be 0 (no limit) or at least " + least
            : "must be at least " + least);
  }

  /**
   * Whether 0 means "no limit", as HikariCP reads it: a session that lives for ever, a wait with no
   * timeout, an idle session that is never retired.
   */
  private boolean zeroMeansUnbounded() {
    return switch (this) {
      case MAX_LIFETIME, CONNECTION_TIMEOUT, DIRECT_POOL_IDLE_TIMEOUT, POOLED_POOL_IDLE_TIMEOUT ->
          true;
      default -> false;
    };
  }

  /** The error for {@code value}: the driver's message shape, the value masked where it must be. */
  IllegalArgumentException invalid(String value, String problem) {
    return new IllegalArgumentException(
        "Invalid value for '" + name + "': " + shown(value) + " " + problem);
  }

  /** {@code value} as a message may show it. */
  String shown(String value) {
    return switch (type) {
      case SECRET -> NeonEndpoints.MASK;
      case URL -> "'" + NeonEndpoints.maskUrl(value) + "'";
      default -> "'" + value + "'";
    };
  }

  /** The value in {@code settings}, else the default. */
  public String get(Properties settings) {
    return settings.getProperty(name, defaultValue);
  }

  /** A {@link ValueType#COUNT} setting's value. */
  public int getInt(Properties settings) {
    return Integer.parseInt(get(settings));
  }

  /** A {@link ValueType#DURATION} setting's value in milliseconds. */
  public long getMillis(Properties settings) {
    return Long.parseLong(get(settings));
  }

  /** A {@link ValueType#BOOLEAN} setting's value. */
  public boolean getBoolean(Properties settings) {
    return Boolean.parseBoolean(get(settings));
  }

  /** The README's table of these settings, generated from this enum. */
  public static String markdownTable() {
    StringBuilder table = new StringBuilder();
    table.append("| setting | type | default | description |\n");
    table.append("|---|---|---|---|\n");
    for (DataSourceProperty property : values()) {
      table
          .append("| `")
          .append(property.name)
          .append('`')
          .append(property.alias == null ? "" : " (`" + property.alias + "`)")
          .append(" | ")
          .append(property.typeText())
          .append(" | ")
          .append(property.defaultText())
          .append(" | ")
          .append(property.description.replace("|", "\\|"))
          .append(" |\n");
    }
    return table.toString();
  }

  private String typeText() {
    return switch (type) {
      case COUNT -> "number ≥ " + minimum;
      case DURATION ->
          (zeroMeansUnbounded() ? "duration, 0 (no limit) or ≥ " : "duration ≥ ")
              + SettingValues.showMillis(minimum);
      case OBJECT -> "object (in code)";
      default -> type.name().toLowerCase(Locale.ROOT);
    };
  }

  private String defaultText() {
    if (defaultValue == null) {
      return "";
    }
    return type == ValueType.DURATION
        ? SettingValues.showMillis(Long.parseLong(defaultValue))
        : "`" + defaultValue + "`";
  }
}

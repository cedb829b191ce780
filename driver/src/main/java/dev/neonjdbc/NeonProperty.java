package dev.neonjdbc;

import dev.neonjdbc.internal.config.ConfigErrors;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * Every property that {@code jdbc:neon:} itself understands, in one place.
 *
 * <p>Each entry carries its name, default, description and (where the set is closed) its allowed
 * values. The typed getters are the only way the driver reads these properties, so a bad value
 * always fails with the same message shape, naming the key. {@link #toDriverPropertyInfo} feeds
 * {@code Driver.getPropertyInfo}, and {@link #markdownTable()} generates the README's table.
 *
 * <p>Keys that are not listed here are pgJDBC's (or libpq names that {@code LibpqTranslation}
 * rewrites) and are passed to pgJDBC unchanged.
 */
public enum NeonProperty {
  /** How statements choose an endpoint. */
  ROUTE(
      "route",
      "auto",
      "Which endpoint runs a statement: auto routes per statement (ordinary work to the pooled"
          + " endpoint, DDL and session state to the direct one); pooled or direct force one"
          + " endpoint.",
      "auto",
      "pooled",
      "direct"),

  /** Host of the pooled (PgBouncer) endpoint when it is not derived from a Neon host name. */
  POOLED_HOST(
      "pooledHost",
      null,
      "Host of the pooled endpoint (PgBouncer, transaction mode). Needed only for non-Neon hosts;"
          + " defaults to the URL's host when pooledPort or directHost/directPort is given."),

  /** Port of the pooled endpoint. */
  POOLED_PORT(
      ValueType.PORT,
      "pooledPort",
      null,
      "Port of the pooled endpoint. Defaults to the URL's port when only pooledHost is given."),

  /** Host of the direct (PostgreSQL) endpoint when it is not derived from a Neon host name. */
  DIRECT_HOST(
      "directHost",
      null,
      "Host of the direct endpoint (PostgreSQL itself). Needed only for non-Neon hosts; defaults"
          + " to the URL's host when only directPort is given."),

  /** Port of the direct endpoint. */
  DIRECT_PORT(
      ValueType.PORT,
      "directPort",
      null,
      "Port of the direct endpoint. Defaults to the URL's port when only directHost is given."),

  /** Whether the pooler keeps protocol-level prepared statements across transactions. */
  POOLER_PREPARED_STATEMENTS(
      "poolerPreparedStatements",
      "auto",
      "Whether the pooled endpoint supports protocol-level prepared statements (PgBouncer >= 1.21"
          + " with max_prepared_statements). auto: yes for Neon hosts, no otherwise; when no,"
          + " pooled sessions get prepareThreshold=0 unless prepareThreshold is set explicitly.",
      "auto",
      "true",
      "false"),

  /** Adds {@code endpoint=ID} to the startup options for clients without SNI. */
  NEON_ENDPOINT_OPTION(
      "neonEndpointOption",
      "false",
      "Send options=endpoint=ID (Neon's fallback for clients that cannot send TLS SNI); the pooled"
          + " session sends endpoint=ID-pooler. Only for Neon hosts.",
      "true",
      "false"),

  /** How bytes travel to the server. */
  TRANSPORT(
      "transport",
      "tcp",
      "How the Postgres protocol travels: tcp, or websocket (binary WebSocket frames, as Neon's"
          + " serverless driver does).",
      "tcp",
      "websocket"),

  /** WebSocket URL template for {@code transport=websocket}. */
  WEBSOCKET_URL(
      "webSocketUrl",
      "wss://{host}/v2",
      "WebSocket URL for transport=websocket; {host} and {port} are replaced by the endpoint's,"
          + " e.g. ws://127.0.0.1:5433/v1?address={host}:{port} for Neon's wsproxy."),

  /** Startup and password in one flight over the WebSocket tunnel. */
  WEBSOCKET_PIPELINE_CONNECT(
      "webSocketPipelineConnect",
      "auto",
      "Send StartupMessage and PasswordMessage in one flight over the WebSocket tunnel (one round"
          + " trip fewer; needs cleartext password auth, as Neon's proxy asks). auto: on for Neon"
          + " hosts.",
      "auto",
      "true",
      "false"),

  /** Opt-in for unencrypted WebSocket URLs to non-loopback hosts. */
  WEBSOCKET_ALLOW_INSECURE(
      "webSocketAllowInsecure",
      "false",
      "Allow a ws:// (unencrypted) WebSocket URL to a host that is not loopback.",
      "true",
      "false"),

  /**
   * TLS from the first byte ({@code sslNegotiation=direct}, ALPN {@code postgresql}) instead of an
   * SSLRequest round trip first. A server that refuses it (PostgreSQL before 17, PgBouncer) closes
   * the connection or answers in plaintext during the TLS handshake; the connect is then made once
   * more with the SSLRequest, and the host is remembered for ten minutes. An explicit {@code
   * sslnegotiation} (libpq) or {@code sslNegotiation} (pgJDBC) is honoured as written instead.
   */
  DIRECT_TLS(
      "directTls",
      "auto",
      "TLS from the first byte (sslnegotiation=direct, ALPN postgresql): one round trip fewer."
          + " Only with sslmode require, verify-ca or verify-full over TCP. A server that refuses it"
          + " gets the SSLRequest once more, and is remembered for ten minutes. auto: on for Neon"
          + " hosts. An explicit sslnegotiation is honoured as written.",
      "auto",
      "true",
      "false"),

  /**
   * Session parameters in the StartupMessage rather than a query after login. pgJDBC sends {@code
   * SET application_name} after authentication unless told the server is at least 9.0 ({@code
   * assumeMinServerVersion}); on servers before 12 it also sets {@code extra_float_digits} there.
   */
  STARTUP_PARAMETERS(
      "startupParameters",
      "auto",
      "Send application_name in the StartupMessage (pgJDBC's assumeMinServerVersion=9.4) instead"
          + " of a SET after login: one round trip fewer. auto: on for Neon hosts and the WebSocket"
          + " tunnel. An explicit assumeMinServerVersion is honoured as written.",
      "auto",
      "true",
      "false"),

  /**
   * Retries of a physical connect while a compute wakes up. See {@code ConnectRetryPolicy} for the
   * errors that are retried.
   */
  CONNECT_RETRY(
      "connectRetry",
      "auto",
      "Retry a failed connect, with backoff, while the server is waking up: refused or reset"
          + " connections, 57P03 (starting up), Neon's proxy errors that say the compute could not"
          + " be reached yet, PgBouncer's 'server login has been failing'. Never authentication"
          + " errors, and never once a statement has been sent: only the opening of a session is"
          + " retried. All attempts end at loginTimeout (30 s when not set). auto: on for Neon"
          + " hosts.",
      "auto",
      "true",
      "false"),

  /**
   * The overall deadline for opening one physical session. Held by closing the attempt's socket, so
   * it holds while a pooler queues the login too; pgJDBC's own {@code loginTimeout} (a thread that
   * keeps waiting after the caller gave up) is not used.
   */
  LOGIN_TIMEOUT(
      ValueType.SECONDS,
      "loginTimeout",
      null,
      "Seconds allowed to open one session: TCP, TLS and authentication, every retry included,"
          + " even while a pooler holds the login in its queue. 0 or unset: no limit (30 s when"
          + " connectRetry is on). On expiry the attempt's socket is closed: SQLState 08001."),

  /**
   * Read replicas (see {@code ReplicaHosts} for the forms). Read-only work goes to a replica's
   * pooled endpoint: the transactions and auto-commit statements of a connection with {@code
   * setReadOnly(true)}, and statements that open with the hint <code>/* neon:replica *&#47;</code>.
   */
  REPLICA_HOSTS(
      "replicaHosts",
      null,
      "Read replicas, comma-separated. A Neon endpoint host (ep-..., with or without -pooler) means"
          + " that replica's pooled endpoint (-pooler, port 5432); any other host[:port] is taken as"
          + " the standby's pooled endpoint as written. Read-only connections (setReadOnly(true))"
          + " and statements hinted /* neon:replica */ run there. The bare jdbc:neon: URL reads"
          + " DATABASE_URL_REPLICA when this is not set."),

  /** The read-your-writes window after a write. */
  REPLICA_READ_AFTER_WRITE(
      ValueType.MILLISECONDS,
      "replicaReadAfterWrite",
      "1000",
      "Milliseconds after a thread wrote on the primary during which its read-only work reads the"
          + " primary's pooled endpoint (still READ ONLY) rather than a replica, so it sees its own"
          + " writes. 0: off."),

  /** How long a replica that did not answer is skipped. */
  REPLICA_DOWN_FOR(
      ValueType.SECONDS,
      "replicaDownFor",
      "30",
      "Seconds a replica that did not answer (refused, timed out, 57P03, 08xxx on connect) is"
          + " skipped; its work runs on the primary meanwhile, READ ONLY, with one WARN per period."),

  /**
   * Auto-commit statements that need no session over Neon's SQL-over-HTTP endpoint ({@code
   * OneShotRoute} says which).
   */
  ONE_SHOT(
      "oneShot",
      "off",
      "http: an auto-commit statement that needs no session (no transaction, pin or session"
          + " state; one SELECT/INSERT/UPDATE/DELETE/MERGE/VALUES/TABLE/WITH/SHOW statement on a"
          + " plain Statement) runs as one HTTPS request to Neon's SQL-over-HTTP endpoint, and a"
          + " connection opens a Postgres session only when a statement needs one. off: every"
          + " statement runs on a session.",
      "off",
      "http"),

  /** The SQL-over-HTTP endpoint for {@code oneShot=http}. */
  ONE_SHOT_URL(
      "oneShotUrl",
      null,
      "URL of the SQL-over-HTTP endpoint for oneShot=http. Default for Neon hosts:"
          + " https://api.<host without its first label>/sql. TLS is verified with sslrootcert or"
          + " the JVM's trust store; http:// only to a loopback host."),

  /** Client-side pooling policy of {@code NeonDataSource}. */
  CLIENT_POOLING(
      "clientPooling",
      "auto",
      "NeonDataSource only: auto pools direct sessions only (PgBouncer pools the pooled endpoint),"
          + " on pools both endpoints, off pools neither.",
      "auto",
      "on",
      "off");

  static {
    Set<String> names = new HashSet<>();
    for (NeonProperty property : values()) {
      if (!names.add(property.name.toLowerCase(Locale.ROOT))) {
        throw new ExceptionInInitializerError("Duplicate jdbc:neon: property: " + property.name);
      }
    }
  }

  /** What kind of value a property takes, which decides how {@link #validate} checks it. */
  public enum ValueType {
    /** Any text (a host name, a URL template). */
    TEXT,
    /** One of {@link #getChoices()}, case-insensitive ({@code auto} among them where offered). */
    CHOICE,
    /** {@code true} or {@code false}, case-insensitive. */
    BOOLEAN,
    /** A TCP port, 1 to 65535. */
    PORT,
    /** A whole number of seconds, 0 or more; blank means unset. */
    SECONDS,
    /** A whole number of milliseconds, 0 or more; blank means unset. */
    MILLISECONDS
  }

  private final ValueType valueType;
  private final String name;
  private final String defaultValue;
  private final String description;
  private final String[] choices;

  /**
   * A property whose type follows from its choices: none is {@link ValueType#TEXT}, exactly {@code
   * true, false} is {@link ValueType#BOOLEAN}, any other set is {@link ValueType#CHOICE}.
   */
  NeonProperty(String name, String defaultValue, String description, String... choices) {
    this(inferredType(choices), name, defaultValue, description, choices);
  }

  NeonProperty(
      ValueType valueType,
      String name,
      String defaultValue,
      String description,
      String... choices) {
    this.valueType = valueType;
    this.name = name;
    this.defaultValue = defaultValue;
    this.description = description;
    this.choices = choices;
  }

  private static ValueType inferredType(String[] choices) {
    if (choices.length == 0) {
      return ValueType.TEXT;
    }
    boolean trueFalse =
        choices.length == 2 && choices[0].equals("true") && choices[1].equals("false");
    return trueFalse ? ValueType.BOOLEAN : ValueType.CHOICE;
  }

  /** What kind of value the property takes. */
  public ValueType getValueType() {
    return valueType;
  }

  /**
   * Checks one value as the typed getters will read it, for callers that take settings one at a
   * time (a data source's setters) and want a bad value refused when it is set.
   *
   * @param value the value as given; {@code null} means unset
   * @return the value as the getters read it (a choice in its declared spelling, a trimmed number),
   *     or {@code null} when it leaves the property unset (null, or a blank number of seconds)
   * @throws SQLException SQLState 22023 with the same message a URL with this value gets
   */
  public String validate(String value) throws SQLException {
    if (value == null) {
      return null;
    }
    Properties single = new Properties();
    single.setProperty(name, value);
    switch (valueType) {
      case CHOICE:
        return getChoice(single);
      case BOOLEAN:
        return Boolean.toString(getBoolean(single));
      case PORT:
        return Integer.toString(getPort(single));
      case SECONDS:
        Integer seconds = getSeconds(single);
        return seconds == null ? null : Integer.toString(seconds);
      case MILLISECONDS:
        Integer millis = getMilliseconds(single);
        return millis == null ? null : Integer.toString(millis);
      default:
        return value;
    }
  }

  /** The key as written in a URL or {@link Properties}. */
  public String getName() {
    return name;
  }

  /** The value used when none is given, or {@code null}. */
  public String getDefaultValue() {
    return defaultValue;
  }

  /** One-sentence description, as shown by {@code getPropertyInfo} and the README. */
  public String getDescription() {
    return description;
  }

  /** The allowed values, or an empty array when any value of the right type is accepted. */
  public String[] getChoices() {
    return choices.clone();
  }

  /** Finds a property by its name, case-insensitively; {@code null} when it is not ours. */
  public static NeonProperty forName(String name) {
    for (NeonProperty property : values()) {
      if (property.name.equalsIgnoreCase(name)) {
        return property;
      }
    }
    return null;
  }

  /** The raw value in {@code properties}, else the default. */
  public String get(Properties properties) {
    String value = properties.getProperty(name);
    return value == null ? defaultValue : value;
  }

  /**
   * The value, checked against the allowed choices (case-insensitive) and returned in lower case.
   *
   * @throws SQLException SQLState 22023 naming the key and the allowed values
   */
  public String getChoice(Properties properties) throws SQLException {
    String value = get(properties);
    if (value == null) {
      return null;
    }
    for (String choice : choices) {
      if (choice.equalsIgnoreCase(value.trim())) {
        return choice;
      }
    }
    throw ConfigErrors.invalidValue(name, value, "must be one of " + String.join(", ", choices));
  }

  /**
   * A {@code auto}/{@code true}/{@code false} choice as a boolean: the one place where {@code auto}
   * is resolved, to {@code autoMeans} (which the caller decides from the endpoint: a Neon host, the
   * tunnel).
   *
   * @throws SQLException SQLState 22023 naming the key
   */
  public boolean isOn(Properties properties, boolean autoMeans) throws SQLException {
    String choice = getChoice(properties);
    return choice.equals("auto") ? autoMeans : choice.equals("true");
  }

  /**
   * The value as a boolean ({@code true}/{@code false}, case-insensitive).
   *
   * @throws SQLException SQLState 22023 naming the key
   */
  public boolean getBoolean(Properties properties) throws SQLException {
    String value = get(properties);
    if ("true".equalsIgnoreCase(value)) {
      return true;
    }
    if ("false".equalsIgnoreCase(value) || value == null) {
      return false;
    }
    throw ConfigErrors.invalidValue(name, value, "must be true or false");
  }

  /**
   * The value as a TCP port (1 to 65535), or {@code null} when absent.
   *
   * @throws SQLException SQLState 22023 naming the key
   */
  public Integer getPort(Properties properties) throws SQLException {
    String value = get(properties);
    return value == null ? null : ConfigErrors.parsePort(name, value);
  }

  /**
   * The value as a whole number of seconds (0 or more), or {@code null} when absent.
   *
   * @throws SQLException SQLState 22023 naming the key
   */
  public Integer getSeconds(Properties properties) throws SQLException {
    String value = get(properties);
    if (value == null || value.isBlank()) {
      return null;
    }
    int seconds = ConfigErrors.parseInt(name, value.trim());
    if (seconds < 0) {
      throw ConfigErrors.invalidValue(name, value, "must be 0 or more seconds");
    }
    return seconds;
  }

  /**
   * The value as a whole number of milliseconds (0 or more), or {@code null} when absent and
   * without a default.
   *
   * @throws SQLException SQLState 22023 naming the key
   */
  public Integer getMilliseconds(Properties properties) throws SQLException {
    String value = get(properties);
    if (value == null || value.isBlank()) {
      return null;
    }
    int millis = ConfigErrors.parseInt(name, value.trim());
    if (millis < 0) {
      throw ConfigErrors.invalidValue(name, value, "must be 0 or more milliseconds");
    }
    return millis;
  }

  /** The property as {@code getPropertyInfo} shows it, with its current value. */
  public DriverPropertyInfo toDriverPropertyInfo(Properties properties) {
    DriverPropertyInfo info = new DriverPropertyInfo(name, get(properties));
    info.description = description;
    info.required = false;
    if (choices.length > 0) {
      info.choices = choices.clone();
    }
    return info;
  }

  /** The README's property table, generated from this enum. */
  public static String markdownTable() {
    StringBuilder table = new StringBuilder();
    table.append("| property | default | allowed values | description |\n");
    table.append("|---|---|---|---|\n");
    for (NeonProperty property : values()) {
      table
          .append("| `")
          .append(property.name)
          .append("` | ")
          .append(property.defaultValue == null ? "" : "`" + property.defaultValue + "`")
          .append(" | ")
          .append(property.choices.length == 0 ? "" : String.join(", ", property.choices))
          .append(" | ")
          .append(property.description.replace("|", "\\|"))
          .append(" |\n");
    }
    return table.toString();
  }
}

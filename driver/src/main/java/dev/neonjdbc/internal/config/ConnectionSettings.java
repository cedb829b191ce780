package dev.neonjdbc.internal.config;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonProperty;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Everything a {@code jdbc:neon:} URL, the {@code Properties} given to {@code connect} and the
 * environment say about a connection, resolved once: the endpoints, the route mode, our own
 * properties and the properties handed to pgJDBC.
 *
 * <p>Precedence, highest first: the URL (its user-info and query), the {@code Properties}, the
 * environment (only for the bare {@code jdbc:neon:} form), the defaults.
 */
public final class ConnectionSettings {
  /** The prefix every URL of this driver starts with. */
  public static final String PREFIX = "jdbc:neon:";

  private static final int DEFAULT_PORT = 5432;
  private static final String JVM_TRUST_STORE_FACTORY = "org.postgresql.ssl.DefaultJavaSSLFactory";
  private static final List<String> SSL_MODES =
      List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
  private static final Set<String> CHANNEL_BINDINGS = Set.of("disable", "prefer", "require");

  private final String maskedUrl;
  private final Map<EndpointKind, Endpoint> endpoints;
  private final Endpoint single;
  private final boolean neonHost;
  private final String endpointId;
  private final String database;
  private final RouteMode routeMode;
  private final Properties neonProperties;
  private final Properties pgjdbcProperties;
  private final List<UrlSecrets> secrets;
  private final List<ReplicaEndpoint> replicas;
  private final int replicaReadAfterWriteMillis;
  private final long replicaDownForMillis;

  private ConnectionSettings(Builder b) {
    this.maskedUrl = b.maskedUrl;
    this.endpoints = b.endpoints.isEmpty() ? Map.of() : new EnumMap<>(b.endpoints);
    this.single = b.single;
    this.neonHost = b.neonHost;
    this.endpointId = b.endpointId;
    this.database = b.database;
    this.routeMode = b.routeMode;
    this.neonProperties = b.neonProperties;
    this.pgjdbcProperties = b.pgjdbcProperties;
    this.secrets = List.copyOf(b.secrets);
    this.replicas = b.replicas;
    this.replicaReadAfterWriteMillis = b.replicaReadAfterWriteMillis;
    this.replicaDownForMillis = b.replicaDownForMillis;
  }

  /** Whether {@code url} is a {@code jdbc:neon:} URL (of any form, valid or not). */
  public static boolean accepts(String url) {
    return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /**
   * Resolves a {@code jdbc:neon:} URL.
   *
   * @param url the URL, starting with {@code jdbc:neon:}
   * @param info properties given to {@code connect}, may be {@code null}
   * @param environment where the bare {@code jdbc:neon:} form reads its variables
   * @throws SQLException 08001 or 22023 naming the problem, with the URL's password masked
   */
  public static ConnectionSettings parse(String url, Properties info, Environment environment)
      throws SQLException {
    if (!accepts(url)) {
      throw ConfigErrors.malformedUrl("a jdbc:neon: URL must start with '" + PREFIX + "'");
    }
    Builder builder = new Builder();
    UrlSecrets urlSecrets = UrlSecrets.find(url);
    builder.maskedUrl = urlSecrets.masked();
    builder.secrets.add(urlSecrets);
    try {
      builder.read(url.substring(PREFIX.length()), urlSecrets.afterPrefix(), info, environment);
      return new ConnectionSettings(builder);
    } catch (SQLException e) {
      throw ConfigErrors.withUrl(e, builder.maskedUrl, builder.secrets);
    } catch (RuntimeException e) {
      // A defect in the reader must still surface as a connection error, never as an unchecked
      // exception from DriverManager, and without echoing the raw URL: the defect's own message
      // may quote it, so only its type and stack trace are kept.
      RuntimeException withoutMessage =
          new IllegalStateException(
              e.getClass().getName() + " (message withheld: it may quote" + " the URL)");
      withoutMessage.setStackTrace(e.getStackTrace());
      throw new SQLException(
          "Could not read the jdbc:neon: URL ("
              + e.getClass().getSimpleName()
              + ") [URL: "
              + builder.maskedUrl
              + "]",
          ConfigErrors.UNABLE_TO_CONNECT,
          withoutMessage);
    }
  }

  /** The URL with its password masked, for messages and logs. */
  public String maskedUrl() {
    return maskedUrl;
  }

  /**
   * Whether {@code value} (a property value about to be shown, e.g. by {@code getPropertyInfo})
   * could reveal a part of a password written in the URL or the environment's URL variables, even a
   * mistyped one: such a value must be masked.
   */
  public boolean mayRevealSecret(String value) {
    for (UrlSecrets secret : secrets) {
      if (secret.mayReveal(value)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The primary's endpoint of {@code kind} (pooled or direct), or {@code null} when only one
   * endpoint is known; replicas are {@link #replicas()}.
   */
  public Endpoint endpoint(EndpointKind kind) {
    return endpoints.get(kind);
  }

  /** Whether both endpoints are known, so statements can be routed. */
  public boolean hasBothEndpoints() {
    return single == null;
  }

  /** The one endpoint when only one is known (routing is a pass-through), else {@code null}. */
  public Endpoint singleEndpoint() {
    return single;
  }

  /** Whether the host is a Neon compute endpoint ({@code ep-…neon.tech}). */
  public boolean isNeonHost() {
    return neonHost;
  }

  /** Neon's endpoint id ({@code ep-NAME-ID}), or {@code null} for other hosts. */
  public String endpointId() {
    return endpointId;
  }

  /** The database name, or {@code null} when none was given. */
  public String database() {
    return database;
  }

  /** The {@code route} property. */
  public RouteMode routeMode() {
    return routeMode;
  }

  /**
   * The read replicas ({@code replicaHosts}, or {@code DATABASE_URL_REPLICA} for the bare URL), in
   * the order given; empty when none is configured.
   */
  public List<ReplicaEndpoint> replicas() {
    return replicas;
  }

  /** {@code replicaReadAfterWrite}: the read-your-writes window in milliseconds, 0 when off. */
  public int replicaReadAfterWriteMillis() {
    return replicaReadAfterWriteMillis;
  }

  /** {@code replicaDownFor} in milliseconds: how long a replica that did not answer is skipped. */
  public long replicaDownForMillis() {
    return replicaDownForMillis;
  }

  /**
   * The pgJDBC URL for a replica's pooled endpoint: its own database when its URL named one, else
   * the primary's.
   */
  public String pgjdbcUrl(ReplicaEndpoint replica) {
    String name = replica.database() != null ? replica.database() : database;
    String path = name == null ? "" : URLEncoder.encode(name, StandardCharsets.UTF_8);
    Endpoint endpoint = replica.pooled();
    return "jdbc:postgresql://" + endpoint.urlHost() + ":" + endpoint.port() + "/" + path;
  }

  /** The endpoint a connection with no per-statement routing goes to for {@code mode}. */
  public Endpoint endpointFor(RouteMode mode) {
    if (single != null) {
      return single;
    }
    return endpoints.get(mode == RouteMode.DIRECT ? EndpointKind.DIRECT : EndpointKind.POOLED);
  }

  /** The value of one of our properties (its default when not given). */
  public String get(NeonProperty property) {
    return property.get(neonProperties);
  }

  /** A copy of our own properties, as given. */
  public Properties neonProperties() {
    Properties copy = new Properties();
    copy.putAll(neonProperties);
    return copy;
  }

  /** A copy of the properties handed to pgJDBC (includes user and password). */
  public Properties pgjdbcProperties() {
    Properties copy = new Properties();
    copy.putAll(pgjdbcProperties);
    return copy;
  }

  /** The pgJDBC URL for {@code endpoint}: host, port and database only; the rest is properties. */
  public String pgjdbcUrl(Endpoint endpoint) {
    String path = database == null ? "" : URLEncoder.encode(database, StandardCharsets.UTF_8);
    return "jdbc:postgresql://" + endpoint.urlHost() + ":" + endpoint.port() + "/" + path;
  }

  @Override
  public String toString() {
    return "ConnectionSettings[url="
        + maskedUrl
        + ", endpoints="
        + endpoints
        + ", single="
        + single
        + ", route="
        + routeMode
        + (replicas.isEmpty() ? "" : ", replicas=" + replicas)
        + "]";
  }

  /** Mutable state while one URL is read; never escapes {@link #parse}. */
  private static final class Builder {
    String maskedUrl;
    final Map<EndpointKind, Endpoint> endpoints = new EnumMap<>(EndpointKind.class);
    Endpoint single;
    boolean neonHost;
    String endpointId;
    String database;
    RouteMode routeMode;
    final Properties neonProperties = new Properties();
    final Properties pgjdbcProperties = new Properties();
    final List<UrlSecrets> secrets = new ArrayList<>();
    List<ReplicaEndpoint> replicas = List.of();
    int replicaReadAfterWriteMillis;
    long replicaDownForMillis;

    void read(String rest, UrlSecrets restSecrets, Properties info, Environment environment)
        throws SQLException {
      Properties merged = new Properties();
      String host;
      Integer port;
      String urlDatabase;
      ParsedUrl unpooled = null;
      boolean bare = rest.isEmpty() || rest.startsWith("?");
      if (bare) {
        EnvironmentUrl fromEnvironment = EnvironmentUrl.read(environment, secrets);
        maskedUrl = PREFIX + restSecrets.masked() + " (" + fromEnvironment.describeMasked() + ")";
        ParsedUrl primary = fromEnvironment.primary();
        unpooled = fromEnvironment.unpooled();
        putAll(merged, fromEnvironment.properties());
        putAll(merged, info);
        if (!rest.isEmpty()) {
          putAll(merged, ParsedUrl.parseQuery(rest, 1, rest.length(), restSecrets));
        }
        host = primary.host();
        port = primary.port();
        urlDatabase = primary.database();
      } else {
        ParsedUrl parsed = ParsedUrl.parse(rest, restSecrets);
        putAll(merged, info);
        putAll(merged, parsed.properties());
        host = parsed.host();
        port = parsed.port();
        urlDatabase = parsed.database();
      }
      String dbname = (String) merged.remove("dbname");
      database = dbname != null ? dbname : urlDatabase;
      if (database == null) {
        // libpq's rule: without a database name, the user name is used.
        database = merged.getProperty("user");
      }
      split(merged);
      resolveEndpoints(host, port == null ? DEFAULT_PORT : port, unpooled);
      // Locale.ROOT: under a Turkish default locale "direct".toUpperCase() is "DİRECT".
      routeMode =
          RouteMode.valueOf(NeonProperty.ROUTE.getChoice(neonProperties).toUpperCase(Locale.ROOT));
      if (routeMode == RouteMode.DIRECT && single != null) {
        throw ConfigErrors.invalidSetting(
            "route",
            "route=direct needs a direct endpoint, but only "
                + single
                + " is known: use a Neon host, or set directHost/directPort");
      }
      validateNeonProperties();
      resolveReplicas(bare ? environment : null);
      applySecurityDefaults();
      validatePgjdbcProperties();
    }

    private static void putAll(Properties target, Properties source) throws SQLException {
      if (source == null) {
        return;
      }
      for (String key : source.stringPropertyNames()) {
        LibpqTranslation.put(target, key, source.getProperty(key));
      }
    }

    private static void putAll(Properties target, Map<String, String> source) throws SQLException {
      for (Map.Entry<String, String> entry : source.entrySet()) {
        LibpqTranslation.put(target, entry.getKey(), entry.getValue());
      }
    }

    private void split(Properties merged) {
      for (String key : merged.stringPropertyNames()) {
        NeonProperty property = NeonProperty.forName(key);
        if (property != null) {
          neonProperties.setProperty(property.getName(), merged.getProperty(key));
        } else {
          pgjdbcProperties.setProperty(key, merged.getProperty(key));
        }
      }
    }

    private void resolveEndpoints(String host, int port, ParsedUrl unpooled) throws SQLException {
      neonHost = NeonHosts.isNeonHost(host);
      endpointId = neonHost ? NeonHosts.endpointId(host) : null;
      Endpoint url = new Endpoint(host, port);
      Endpoint explicitPooled =
          explicit(NeonProperty.POOLED_HOST, NeonProperty.POOLED_PORT, host, port);
      Endpoint explicitDirect =
          explicit(NeonProperty.DIRECT_HOST, NeonProperty.DIRECT_PORT, host, port);
      if (explicitDirect == null && unpooled != null) {
        explicitDirect =
            new Endpoint(unpooled.host(), unpooled.port() == null ? DEFAULT_PORT : unpooled.port());
      }
      if (neonHost) {
        endpoints.put(
            EndpointKind.POOLED,
            explicitPooled != null
                ? explicitPooled
                : new Endpoint(NeonHosts.pooledHost(host), port));
        endpoints.put(
            EndpointKind.DIRECT,
            explicitDirect != null
                ? explicitDirect
                : new Endpoint(NeonHosts.directHost(host), port));
      } else if (explicitPooled == null && explicitDirect == null) {
        single = url;
      } else {
        endpoints.put(EndpointKind.POOLED, explicitPooled != null ? explicitPooled : url);
        endpoints.put(EndpointKind.DIRECT, explicitDirect != null ? explicitDirect : url);
      }
    }

    /**
     * Reads the replicas: {@code replicaHosts}, else {@code DATABASE_URL_REPLICA} when the URL is
     * the bare form that reads the environment; and the two replica timings.
     */
    private void resolveReplicas(Environment environment) throws SQLException {
      String hosts = NeonProperty.REPLICA_HOSTS.get(neonProperties);
      if (hosts != null) {
        replicas = ReplicaHosts.fromProperty(hosts);
      } else if (environment != null) {
        String variable = environment.first(ReplicaHosts.VARIABLE);
        if (variable != null) {
          replicas = ReplicaHosts.fromVariable(variable, secrets);
          maskedUrl =
              maskedUrl.substring(0, maskedUrl.length() - 1)
                  + ", "
                  + ReplicaHosts.describeMasked(variable)
                  + ")";
        }
      }
      replicaReadAfterWriteMillis =
          NeonProperty.REPLICA_READ_AFTER_WRITE.getMilliseconds(neonProperties);
      replicaDownForMillis = NeonProperty.REPLICA_DOWN_FOR.getSeconds(neonProperties) * 1000L;
    }

    private Endpoint explicit(NeonProperty hostKey, NeonProperty portKey, String host, int port)
        throws SQLException {
      String explicitHost = hostKey.get(neonProperties);
      Integer explicitPort = portKey.getPort(neonProperties);
      if (explicitHost == null && explicitPort == null) {
        return null;
      }
      if (explicitHost != null && explicitHost.isBlank()) {
        throw ConfigErrors.invalidValue(hostKey.getName(), explicitHost, "must not be empty");
      }
      return new Endpoint(
          explicitHost != null ? stripBrackets(explicitHost.trim()) : host,
          explicitPort != null ? explicitPort : port);
    }

    private static String stripBrackets(String host) {
      return host.startsWith("[") && host.endsWith("]")
          ? host.substring(1, host.length() - 1)
          : host;
    }

    /** Reads every enumerated property once so a bad value fails at connect, not later. */
    private void validateNeonProperties() throws SQLException {
      for (NeonProperty property : NeonProperty.values()) {
        if (property.getChoices().length > 0) {
          property.getChoice(neonProperties);
        }
      }
      NeonProperty.LOGIN_TIMEOUT.getSeconds(neonProperties);
    }

    private void applySecurityDefaults() throws SQLException {
      String sslmode = pgjdbcProperties.getProperty("sslmode");
      if (sslmode != null && !SSL_MODES.contains(sslmode)) {
        throw ConfigErrors.invalidValue(
            "sslmode", sslmode, "must be one of " + String.join(", ", SSL_MODES));
      }
      String rootCert = pgjdbcProperties.getProperty("sslrootcert");
      if ("system".equalsIgnoreCase(rootCert)) {
        // libpq's sslrootcert=system: the platform's trust store, and only with full verification.
        if (sslmode != null && !sslmode.equals("verify-full")) {
          throw ConfigErrors.invalidSetting(
              "sslmode", "'" + sslmode + "' is too weak for sslrootcert=system; use verify-full");
        }
        pgjdbcProperties.remove("sslrootcert");
        pgjdbcProperties.setProperty("sslmode", "verify-full");
        pgjdbcProperties.setProperty("sslfactory", JVM_TRUST_STORE_FACTORY);
      } else if (neonHost && sslmode == null) {
        pgjdbcProperties.setProperty("sslmode", "verify-full");
        if (rootCert == null && pgjdbcProperties.getProperty("sslfactory") == null) {
          pgjdbcProperties.setProperty("sslfactory", JVM_TRUST_STORE_FACTORY);
        }
      }
      if (neonHost && NeonProperty.NEON_ENDPOINT_OPTION.getBoolean(neonProperties)) {
        String options = pgjdbcProperties.getProperty("options");
        String endpoint = "endpoint=" + endpointId;
        pgjdbcProperties.setProperty(
            "options", options == null || options.isBlank() ? endpoint : options + " " + endpoint);
      }
    }

    private void validatePgjdbcProperties() throws SQLException {
      String channelBinding = pgjdbcProperties.getProperty("channelBinding");
      if (channelBinding != null
          && !CHANNEL_BINDINGS.contains(channelBinding.toLowerCase(Locale.ROOT))) {
        throw ConfigErrors.invalidValue(
            "channel_binding", channelBinding, "must be one of disable, prefer, require");
      }
      for (String key : new String[] {"connectTimeout", "socketTimeout", "prepareThreshold"}) {
        String value = pgjdbcProperties.getProperty(key);
        if (value != null) {
          if (key.equals("prepareThreshold") && value.trim().startsWith("-")) {
            ConfigErrors.parseInt(key, value.trim().substring(1));
          } else {
            ConfigErrors.parseInt(key, value);
          }
        }
      }
    }
  }
}

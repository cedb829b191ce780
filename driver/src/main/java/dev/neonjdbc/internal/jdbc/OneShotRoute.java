package dev.neonjdbc.internal.jdbc;

import dev.neonjdbc.NeonProperty;
import dev.neonjdbc.internal.config.ConfigErrors;
import dev.neonjdbc.internal.config.ConnectionSettings;
import dev.neonjdbc.internal.config.Endpoint;
import dev.neonjdbc.internal.config.RouteMode;
import dev.neonjdbc.internal.routing.PhysicalConnector;
import dev.neonjdbc.internal.routing.Route;
import dev.neonjdbc.internal.routing.StatementKeywords;
import dev.neonjdbc.internal.transport.http.HttpSqlClient;
import dev.neonjdbc.internal.transport.http.SessionlessPgConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * The one-shot route ({@code oneShot=http}): which auto-commit statements run over Neon's
 * SQL-over-HTTP endpoint instead of a Postgres session, and the client that sends them.
 *
 * <p>A statement goes over HTTP only when nothing about it needs a session: the connection is in
 * auto-commit with no transaction, no pin and no session state that differs from the defaults
 * ({@link dev.neonjdbc.internal.routing.Router#needsNoSession}); it is a plain {@link Statement}
 * (not prepared or callable), read-only concurrency, no fetch size, one statement in the string,
 * and its first keyword is one of {@code SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE,
 * WITH, SHOW} (so never COPY, LISTEN, a transaction command, a cursor or a session {@code SET}).
 * Everything else runs on a session as before.
 */
final class OneShotRoute {
  private static final Set<String> KEYWORDS =
      Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE", "WITH", "SHOW");
  private static final Set<String> READ_KEYWORDS = Set.of("SELECT", "VALUES", "TABLE", "SHOW");

  private final HttpSqlClient client;
  private final SessionlessPgConnection results;

  private OneShotRoute(HttpSqlClient client, SessionlessPgConnection results) {
    this.client = client;
    this.results = results;
  }

  /**
   * The one-shot route of a connection over {@code connector}, or {@code null} when {@code oneShot}
   * is off.
   *
   * @param sessions a real session of the logical connection, for what only a server can answer
   */
  static OneShotRoute forConnector(
      PhysicalConnector connector, SessionlessPgConnection.SessionAccess sessions)
      throws SQLException {
    ConnectionSettings settings = connector.settings();
    Properties neon = settings.neonProperties();
    if (!"http".equals(NeonProperty.ONE_SHOT.getChoice(neon))) {
      return null;
    }
    Endpoint pooled = settings.endpointFor(RouteMode.POOLED);
    URI url = endpointUrl(settings, neon.getProperty(NeonProperty.ONE_SHOT_URL.getName()), pooled);
    Properties pgjdbc = settings.pgjdbcProperties();
    return new OneShotRoute(
        HttpSqlClient.create(url, connectionString(settings, pgjdbc, pooled), pgjdbc),
        new SessionlessPgConnection(sessions));
  }

  /**
   * {@code oneShotUrl} as given, else Neon's: {@code https://api.<host without its first
   * label>/sql} (what {@code neondatabase/serverless} derives in {@code src/httpQuery.ts}).
   */
  private static URI endpointUrl(ConnectionSettings settings, String given, Endpoint pooled)
      throws SQLException {
    String url = given;
    if (url == null || url.isBlank()) {
      if (!settings.isNeonHost()) {
        throw new SQLException(
            "oneShot=http needs oneShotUrl for a host that is not Neon's [URL: "
                + settings.maskedUrl()
                + "]",
            ConfigErrors.INVALID_PARAMETER_VALUE);
      }
      String host = pooled.host();
      url = "https://api." + host.substring(host.indexOf('.') + 1) + "/sql";
    }
    try {
      URI uri = URI.create(url.trim());
      if (uri.getHost() == null
          || !("https".equalsIgnoreCase(uri.getScheme())
              || "http".equalsIgnoreCase(uri.getScheme()))) {
        throw new IllegalArgumentException("not an http(s) URL with a host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new SQLException(
          "oneShotUrl is not a valid URL ("
              + e.getMessage()
              + ") [URL: "
              + settings.maskedUrl()
              + "]",
          ConfigErrors.INVALID_PARAMETER_VALUE);
    }
  }

  /** The connection string the endpoint authenticates with: user, password, host, database. */
  private static String connectionString(
      ConnectionSettings settings, Properties pgjdbc, Endpoint pooled) {
    StringBuilder url = new StringBuilder("postgresql://");
    String user = pgjdbc.getProperty("user");
    String password = pgjdbc.getProperty("password");
    if (user != null) {
      url.append(encode(user));
      if (password != null) {
        url.append(':').append(encode(password));
      }
      url.append('@');
    }
    url.append(pooled.urlHost()).append(':').append(pooled.port()).append('/');
    if (settings.database() != null) {
      url.append(encode(settings.database()));
    }
    return url.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Whether {@code sql} may go over HTTP from {@code statement}; the connection has already said
   * that it needs no session. {@code batch}, when not null, holds every statement of a batch.
   */
  static boolean accepts(RoutingStatement statement, Route route, String sql, List<String> batch)
      throws SQLException {
    if (route != Route.POOLED
        || statement.getClass() != RoutingStatement.class
        || statement.shape.concurrency() != ResultSet.CONCUR_READ_ONLY
        || statement.settings.fetchSize() != 0) {
      return false;
    }
    if (batch != null) {
      for (String each : batch) {
        if (!KEYWORDS.contains(StatementKeywords.first(each))) {
          return false;
        }
      }
      return true;
    }
    return KEYWORDS.contains(StatementKeywords.first(sql));
  }

  /**
   * The statement as pgJDBC would send it: JDBC escapes replaced, and {@code RETURNING} added for
   * generated keys exactly as pgJDBC adds it; {@code null} when the string holds more than one
   * statement (or none), which then runs on a session.
   *
   * @param returning the generated-key columns ({@code *} for all), empty for none
   */
  static NativeQuery parse(String sql, boolean escapeProcessing, String... returning)
      throws SQLException {
    String text = escapeProcessing ? Parser.replaceProcessing(sql, true, true) : sql;
    List<NativeQuery> queries =
        Parser.parseJdbcSql(text, true, false, true, false, true, returning);
    if (queries.size() != 1 || queries.get(0).nativeSql.isBlank()) {
      return null;
    }
    return queries.get(0);
  }

  /** Whether {@code sql} only reads, so that running it again over a session is harmless. */
  static boolean isRead(String sql) {
    String lower = sql.toLowerCase(Locale.ROOT);
    return READ_KEYWORDS.contains(StatementKeywords.first(sql))
        && !lower.contains(" for update")
        && !lower.contains(" for share")
        && !lower.contains(" for no key")
        && !lower.contains("nextval");
  }

  HttpSqlClient client() {
    return client;
  }

  SessionlessPgConnection results() {
    return results;
  }

  /** A session of {@code connection}, as pgJDBC's connection interface. */
  static BaseConnection sessionOf(RoutingConnection connection) throws SQLException {
    return connection.router().current().unwrap(BaseConnection.class);
  }
}

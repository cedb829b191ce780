package dev.neonjdbc.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.neonjdbc.EndpointKind;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: every URL form, libpq translation, endpoint derivation and security default, and
 * malformed input that must fail with a clear, password-free SQLException.
 *
 * <p>Expectations are written as {@code key=value} tokens ({@code %20} for a space, {@code -} for
 * "absent"); each token is compared with what {@link ConnectionSettings} resolved.
 */
class ConnectionSettingsTest {
  private static final String NEON_DIRECT =
      "postgresql://alex:AbC123dEf@ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech/dbname?sslmode=require&channel_binding=require";
  private static final String NEON_POOLED =
      "postgresql://alex:AbC123dEf@ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech/dbname?sslmode=require&channel_binding=require";
  private static final String POOLED_HOST =
      "ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech:5432";
  private static final String DIRECT_HOST =
      "ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech:5432";
  private static final String SECRET = "S3cretPw";

  static Stream<Arguments> validUrls() {
    return Stream.of(
        // Neon's documented strings, pasted verbatim, both twins.
        valid(
            "jdbc:neon:" + NEON_DIRECT,
            "pooled="
                + POOLED_HOST
                + " direct="
                + DIRECT_HOST
                + " db=dbname user=alex"
                + " password=AbC123dEf sslmode=require channelBinding=require sslfactory=-"
                + " endpointId=ep-cool-darkness-a1b2c3d4 neon=true route=AUTO"),
        valid(
            "jdbc:neon:" + NEON_POOLED,
            "pooled="
                + POOLED_HOST
                + " direct="
                + DIRECT_HOST
                + " db=dbname user=alex"
                + " sslmode=require channelBinding=require endpointId=ep-cool-darkness-a1b2c3d4"),
        valid(
            "jdbc:neon:" + NEON_POOLED.replace("postgresql://", "postgres://"),
            "pooled=" + POOLED_HOST + " direct=" + DIRECT_HOST + " user=alex"),
        valid("JDBC:NEON:" + NEON_POOLED, "pooled=" + POOLED_HOST + " direct=" + DIRECT_HOST),
        // Security defaults for Neon hosts.
        valid(
            "jdbc:neon://ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech/neondb",
            "sslmode=verify-full sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory db=neondb"),
        valid(
            "jdbc:neon://ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech/neondb?sslmode=disable",
            "sslmode=disable sslfactory=-"),
        valid(
            "jdbc:neon://ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech/neondb?sslrootcert=/etc/ca.pem",
            "sslmode=verify-full sslfactory=- sslrootcert=/etc/ca.pem"),
        valid(
            "jdbc:neon://db.example.com/app?sslrootcert=system",
            "sslmode=verify-full sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory"
                + " sslrootcert=-"),
        valid(
            "jdbc:neon://db.example.com/app?sslrootcert=system&sslmode=verify-full",
            "sslmode=verify-full sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory"),
        valid("jdbc:neon://db.example.com/app", "sslmode=- sslfactory=- neon=false"),
        valid(
            "jdbc:neon://ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech:5433/neondb",
            "pooled=ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech:5433"
                + " direct=ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech:5433"),
        // Other PgBouncers: the two endpoints named explicitly.
        valid(
            "jdbc:neon://localhost:6432/app?directPort=5432",
            "pooled=localhost:6432 direct=localhost:5432 single=-"),
        valid(
            "jdbc:neon://pgbouncer.internal:6432/app?directHost=db.internal&directPort=5432",
            "pooled=pgbouncer.internal:6432 direct=db.internal:5432"),
        valid(
            "jdbc:neon://db.internal/app?pooledHost=pgb.internal&pooledPort=6432",
            "pooled=pgb.internal:6432 direct=db.internal:5432"),
        valid(
            "jdbc:neon://db.internal:5432/app?pooledPort=6432",
            "pooled=db.internal:6432 direct=db.internal:5432"),
        valid(
            "jdbc:neon://pgb.internal:6432/app?directHost=db.internal",
            "pooled=pgb.internal:6432 direct=db.internal:6432"),
        valid("jdbc:neon://localhost/app", "single=localhost:5432 pooled=- direct=-"),
        valid("jdbc:neon://localhost/app?route=pooled", "single=localhost:5432 route=POOLED"),
        // IPv6.
        valid(
            "jdbc:neon://[::1]:6432/app?directPort=5432",
            "pooled=[::1]:6432 direct=[::1]:5432" + " pgjdbcUrl=jdbc:postgresql://[::1]:6432/app"),
        valid(
            "jdbc:neon:postgresql://u:p@[2001:db8::1]:5433/db",
            "single=[2001:db8::1]:5433 user=u password=p db=db"),
        valid(
            "jdbc:neon://[::1]/app?directHost=[::1]&directPort=5433",
            "pooled=[::1]:5432 direct=[::1]:5433"),
        // Percent-encoding.
        valid(
            "jdbc:neon:postgresql://alex:p%40ss%2Fw%3Ard%25@db.example.com/app",
            "user=alex password=p@ss/w:rd%25"),
        valid(
            "jdbc:neon:postgresql://alex%2Badmin:pw@db.example.com/app",
            "user=alex+admin password=pw"),
        valid(
            "jdbc:neon:postgresql://alex:p%C3%A4ss@db.example.com/my%20db",
            "password=p\u00e4ss db=my%20db pgjdbcUrl=jdbc:postgresql://db.example.com:5432/my+db"),
        valid("jdbc:neon:postgresql://alex:p@ss@db.example.com/app", "user=alex password=p@ss"),
        valid(
            "jdbc:neon://db.example.com/app?application_name=a+b&options=-c%20search_path%3Dapp",
            "ApplicationName=a+b options=-c%20search_path=app"),
        // libpq names → pgJDBC names.
        valid(
            "jdbc:neon://db.example.com/app?channel_binding=require&connect_timeout=10",
            "channelBinding=require connectTimeout=10"),
        valid("jdbc:neon://db.example.com/app?application_name=billing", "ApplicationName=billing"),
        valid(
            "jdbc:neon://db.example.com/app?target_session_attrs=read-write",
            "targetServerType=primary"),
        valid(
            "jdbc:neon://db.example.com/app?target_session_attrs=prefer-standby",
            "targetServerType=preferSecondary"),
        valid(
            "jdbc:neon://db.example.com/app?target_session_attrs=standby",
            "targetServerType=secondary"),
        valid("jdbc:neon://db.example.com/app?keepalives=1", "tcpKeepAlive=true"),
        valid("jdbc:neon://db.example.com/app?keepalives=0", "tcpKeepAlive=false"),
        valid(
            "jdbc:neon://db.example.com/app?sslcert=/c.pem&sslkey=/k.pk8&sslnegotiation=direct",
            "sslcert=/c.pem sslkey=/k.pk8 sslNegotiation=direct"),
        valid(
            "jdbc:neon://db.example.com/app?reWriteBatchedInserts=true&loggerLevel=OFF",
            "reWriteBatchedInserts=true loggerLevel=OFF"),
        valid("jdbc:neon://db.example.com/app?dbname=other", "db=other"),
        valid("jdbc:neon:postgresql://sam@db.example.com", "db=sam user=sam"),
        valid("jdbc:neon://db.example.com/app?&&route=POOLED&", "route=POOLED"),
        valid("jdbc:neon://db.example.com/app#fragment", "db=app"),
        valid(
            "jdbc:neon://ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech/neondb?neonEndpointOption=true",
            "options=endpoint=ep-cool-darkness-a1b2c3d4"),
        valid(
            "jdbc:neon://ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech/neondb?ROUTE=direct",
            "route=DIRECT"),
        // Properties given to connect, below the URL.
        valid(
            "jdbc:neon://db.example.com/app",
            props("user", "propuser", "password", "proppw", "sslmode", "require"),
            Map.of(),
            "user=propuser password=proppw sslmode=require"),
        valid(
            "jdbc:neon://db.example.com/app?user=urluser&connect_timeout=3",
            props("user", "propuser", "connectTimeout", "30"),
            Map.of(),
            "user=urluser connectTimeout=3"),
        // The environment, for the bare form only.
        valid(
            "jdbc:neon:",
            null,
            Map.of("DATABASE_URL", NEON_POOLED),
            "pooled="
                + POOLED_HOST
                + " direct="
                + DIRECT_HOST
                + " user=alex password=AbC123dEf"
                + " db=dbname sslmode=require channelBinding=require"),
        valid(
            "jdbc:neon:",
            null,
            Map.of(
                "DATABASE_URL", "postgresql://u:pw@127.0.0.1:6432/app?sslmode=require",
                "DATABASE_URL_UNPOOLED", "postgresql://u:pw@127.0.0.1:5432/app?sslmode=require"),
            "pooled=127.0.0.1:6432 direct=127.0.0.1:5432 user=u db=app"),
        valid(
            "jdbc:neon:",
            null,
            Map.of(
                "DATABASE_URL", "postgres://u:pw@pgb.internal:6432/app",
                "POSTGRES_URL_NON_POOLING", "postgres://u:pw@db.internal:5432/app"),
            "pooled=pgb.internal:6432 direct=db.internal:5432"),
        valid(
            "jdbc:neon:?route=direct",
            props("user", "override"),
            Map.of("DATABASE_URL", NEON_POOLED),
            "route=DIRECT user=override password=AbC123dEf"),
        valid(
            "jdbc:neon:",
            props("sslmode", "disable"),
            Map.of("DATABASE_URL", NEON_POOLED),
            "sslmode=disable"),
        valid(
            "jdbc:neon:",
            null,
            Map.of(
                "PGHOST", "127.0.0.1",
                "PGPORT", "6432",
                "PGDATABASE", "app",
                "PGUSER", "u",
                "PGPASSWORD", "pw",
                "PGSSLMODE", "verify-full",
                "PGSSLROOTCERT", "/ca.pem",
                "PGPORT_UNPOOLED", "5432"),
            "pooled=127.0.0.1:6432 direct=127.0.0.1:5432 db=app user=u password=pw"
                + " sslmode=verify-full sslrootcert=/ca.pem"),
        valid(
            "jdbc:neon:",
            null,
            Map.of(
                "PGHOST", "ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech",
                "PGUSER", "alex",
                "PGDATABASE", "dbname",
                "PGAPPNAME", "worker"),
            "pooled="
                + POOLED_HOST
                + " direct="
                + DIRECT_HOST
                + " sslmode=verify-full"
                + " ApplicationName=worker"),
        valid(
            "jdbc:neon:",
            null,
            Map.of("PGHOST", "pgb.internal", "PGHOST_UNPOOLED", "db.internal"),
            "pooled=pgb.internal:5432 direct=db.internal:5432"),
        valid(
            "jdbc:neon://db.example.com/app",
            null,
            Map.of("DATABASE_URL", NEON_POOLED, "PGHOST", "elsewhere"),
            "single=db.example.com:5432 user=- password=-"));
  }

  static Stream<Arguments> malformedUrls() {
    return Stream.of(
        invalid("jdbc:neon:mysql://u:" + SECRET + "@h/db", "08001", "Malformed"),
        invalid("jdbc:neon://u:" + SECRET + "@h:99999/db", "22023", "'port'"),
        invalid("jdbc:neon://u:" + SECRET + "@h:abc/db", "22023", "'port'"),
        invalid("jdbc:neon://u:" + SECRET + "@h:0/db", "22023", "'port'"),
        invalid("jdbc:neon://u:" + SECRET + "@h:/db", "22023", "'port'"),
        invalid("jdbc:neon://:5432/db?password=" + SECRET, "08001", "host is missing"),
        invalid("jdbc:neon:postgresql://u:" + SECRET + "@/db", "08001", "host is missing"),
        invalid("jdbc:neon://h/db?route=sideways&password=" + SECRET, "22023", "'route'"),
        invalid("jdbc:neon://h/db?transport=carrier-pigeon", "22023", "'transport'"),
        invalid("jdbc:neon://u:" + SECRET + "@h/db?route=direct", "22023", "route=direct"),
        invalid("jdbc:neon://h/db?sslmode=always&password=" + SECRET, "22023", "'sslmode'"),
        invalid("jdbc:neon://h/db?channel_binding=maybe", "22023", "'channel_binding'"),
        invalid("jdbc:neon://h/db?directPort=70000", "22023", "'directPort'"),
        invalid("jdbc:neon://h/db?pooledHost=", "22023", "'pooledHost'"),
        invalid("jdbc:neon://u:" + SECRET + "@h/db?sslmode", "08001", "'sslmode' has no '=value'"),
        invalid("jdbc:neon://h/db?=x", "08001", "empty name"),
        invalid("jdbc:neon://u:S3cret%ZZPw@h/db", "08001", "percent-encoding in the password"),
        invalid("jdbc:neon://[::1/db", "08001", "IPv6"),
        invalid("jdbc:neon://[fe80::zz]/db", "08001", "IPv6"),
        invalid("jdbc:neon://h1,h2/db", "08001", "several hosts"),
        invalid("jdbc:neon://ho st/db", "08001", "not allowed in a host"),
        invalid(
            "jdbc:neon://u:" + SECRET + "@h/db?sslrootcert=system&sslmode=require",
            "22023",
            "too weak"),
        invalid("jdbc:neon://h/db?target_session_attrs=whatever", "22023", "target_session_attrs"),
        invalid("jdbc:neon://h/db?keepalives=yes", "22023", "'keepalives'"),
        invalid("jdbc:neon://h/db?connect_timeout=soon", "22023", "'connect_timeout'"),
        invalid("jdbc:neon://h/db?socketTimeout=-5", "22023", "'socketTimeout'"),
        invalid("jdbc:neon://h/db?webSocketPipelineConnect=sometimes", "22023", "webSocket"),
        invalid("jdbc:neon://h/db?clientPooling=maybe", "22023", "'clientPooling'"),
        invalid("jdbc:neon://h/db?neonEndpointOption=yes", "22023", "'neonEndpointOption'"),
        invalid("jdbc:neon://h/a/b", "08001", "database name"),
        invalidEnv(Map.of(), "08001", "DATABASE_URL nor PGHOST"),
        invalidEnv(
            Map.of("DATABASE_URL", "mysql://u:" + SECRET + "@h/db"), "08001", "DATABASE_URL"),
        invalidEnv(
            Map.of("PGHOST", "h", "PGPORT", "notaport", "PGPASSWORD", SECRET), "22023", "PGPORT"),
        invalidEnv(
            Map.of("DATABASE_URL", "postgresql://u:" + SECRET + "@h:123456/db"), "22023", "port"));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("validUrls")
  void resolvesValidUrl(String url, Properties info, Map<String, String> env, String expected)
      throws SQLException {
    ConnectionSettings settings = ConnectionSettings.parse(url, info, Environment.of(env));
    Map<String, String> actual = describe(settings);
    for (String token : expected.trim().split("\\s+")) {
      int eq = token.indexOf('=');
      String key = token.substring(0, eq);
      String want = ParsedUrl.decode(token.substring(eq + 1), "expectation");
      String got = actual.containsKey(key) ? actual.get(key) : "-";
      assertEquals(want, got, "'" + key + "' for " + url);
    }
  }

  @ParameterizedTest(name = "{0} → {3}")
  @MethodSource("malformedUrls")
  void rejectsMalformedInputClearly(
      String url, Map<String, String> env, String sqlState, String fragment) {
    SQLException error =
        assertThrows(
            SQLException.class, () -> ConnectionSettings.parse(url, null, Environment.of(env)));
    assertEquals(sqlState, error.getSQLState(), error.getMessage());
    assertTrue(
        error.getMessage().contains(fragment),
        "message should contain '" + fragment + "': " + error.getMessage());
    assertFalse(error.getMessage().contains("S3cret"), "password leaked: " + error.getMessage());
    assertTrue(error.getMessage().contains("[URL: jdbc:neon:"), error.getMessage());
  }

  /**
   * The same table under a Turkish default locale, where {@code "i".toUpperCase()} is a dotted
   * capital I: parsing must map case with {@link Locale#ROOT}, so {@code route=direct} still reads.
   */
  @ParameterizedTest(name = "tr-TR: {0} {2}")
  @MethodSource("validUrls")
  void resolvesValidUrlUnderTurkishLocale(
      String url, Properties info, Map<String, String> env, String expected) throws Exception {
    underTurkishLocale(() -> resolvesValidUrl(url, info, env, expected));
  }

  @ParameterizedTest(name = "tr-TR: {0} → {3}")
  @MethodSource("malformedUrls")
  void rejectsMalformedInputClearlyUnderTurkishLocale(
      String url, Map<String, String> env, String sqlState, String fragment) throws Exception {
    underTurkishLocale(() -> rejectsMalformedInputClearly(url, env, sqlState, fragment));
  }

  @Test
  void upperCaseChoicesReadTheSameUnderTurkishLocale() throws Exception {
    underTurkishLocale(
        () -> {
          for (String route : new String[] {"direct", "DIRECT", "Direct"}) {
            ConnectionSettings settings =
                ConnectionSettings.parse(
                    "jdbc:neon://localhost:6432/app?directPort=5432&ROUTE=" + route,
                    null,
                    Environment.of(Map.of()));
            assertEquals(RouteMode.DIRECT, settings.routeMode(), route);
          }
        });
  }

  @Test
  void passwordIsMaskedInEveryMessageThatShowsTheUrl() {
    SQLException error =
        assertThrows(
            SQLException.class,
            () ->
                ConnectionSettings.parse(
                    "jdbc:neon:postgresql://alex:"
                        + SECRET
                        + "@h/db?password="
                        + SECRET
                        + "&route=x",
                    null,
                    Environment.of(Map.of())));
    assertTrue(error.getMessage().contains("alex:***@h"), error.getMessage());
    assertTrue(error.getMessage().contains("password=***"), error.getMessage());
  }

  @Test
  void settingsToStringNeverShowsThePassword() throws SQLException {
    ConnectionSettings settings =
        ConnectionSettings.parse("jdbc:neon:" + NEON_POOLED, null, Environment.of(Map.of()));
    assertFalse(settings.toString().contains("AbC123dEf"), settings.toString());
  }

  /** Runs {@code body} with {@code tr-TR} as the default locale, restoring the previous one. */
  private static void underTurkishLocale(ThrowingBody body) throws Exception {
    Locale previous = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    try {
      body.run();
    } finally {
      Locale.setDefault(previous);
    }
  }

  private interface ThrowingBody {
    void run() throws Exception;
  }

  private static Map<String, String> describe(ConnectionSettings settings) {
    Map<String, String> result = new HashMap<>();
    Properties pgjdbc = settings.pgjdbcProperties();
    for (String key : pgjdbc.stringPropertyNames()) {
      result.put(key, pgjdbc.getProperty(key));
    }
    Properties neon = settings.neonProperties();
    for (String key : neon.stringPropertyNames()) {
      result.put(key, neon.getProperty(key));
    }
    putIfNotNull(result, "pooled", settings.endpoint(EndpointKind.POOLED));
    putIfNotNull(result, "direct", settings.endpoint(EndpointKind.DIRECT));
    putIfNotNull(result, "single", settings.singleEndpoint());
    putIfNotNull(result, "db", settings.database());
    putIfNotNull(result, "endpointId", settings.endpointId());
    result.put("neon", Boolean.toString(settings.isNeonHost()));
    result.put("route", settings.routeMode().name());
    result.put("pgjdbcUrl", settings.pgjdbcUrl(settings.endpointFor(RouteMode.POOLED)));
    return result;
  }

  private static void putIfNotNull(Map<String, String> map, String key, Object value) {
    if (value != null) {
      map.put(key, value.toString());
    }
  }

  private static Arguments valid(String url, String expected) {
    return arguments(url, null, Map.of(), expected);
  }

  private static Arguments valid(
      String url, Properties info, Map<String, String> env, String expected) {
    return arguments(url, info, env, expected);
  }

  private static Arguments invalid(String url, String sqlState, String fragment) {
    return arguments(url, Map.of(), sqlState, fragment);
  }

  private static Arguments invalidEnv(Map<String, String> env, String sqlState, String fragment) {
    return arguments("jdbc:neon:", env, sqlState, fragment);
  }

  private static Properties props(String... keyValues) {
    Properties properties = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return properties;
  }
}

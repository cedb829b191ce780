package dev.neonjdbc.internal.config;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the bare {@code jdbc:neon:} URL means: a connection described by the environment, the way
 * Neon, Vercel and libpq publish it.
 *
 * <p>{@code DATABASE_URL} (a {@code postgresql://} URI) wins; {@code DATABASE_URL_UNPOOLED} or
 * {@code POSTGRES_URL_NON_POOLING} name the direct endpoint when present. Without {@code
 * DATABASE_URL}, libpq's variables are read: {@code PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD
 * PGSSLMODE PGSSLROOTCERT PGCHANNELBINDING PGAPPNAME PGCONNECT_TIMEOUT}, with {@code
 * PGHOST_UNPOOLED} (and {@code PGPORT_UNPOOLED}) for the direct endpoint.
 *
 * @param primary the endpoint the environment names first (host, port, database, credentials)
 * @param unpooled the direct endpoint the environment names, or {@code null}
 * @param properties connection properties the environment sets (libpq names)
 * @param description which variables were used, secrets masked
 */
record EnvironmentUrl(
    ParsedUrl primary, ParsedUrl unpooled, Map<String, String> properties, String description) {

  private static final String[][] LIBPQ_VARIABLES = {
    {"PGSSLMODE", "sslmode"},
    {"PGSSLROOTCERT", "sslrootcert"},
    {"PGCHANNELBINDING", "channel_binding"},
    {"PGAPPNAME", "application_name"},
    {"PGCONNECT_TIMEOUT", "connect_timeout"},
  };

  /**
   * Reads the environment.
   *
   * @throws SQLException 08001 when it names no host, or a variable holds a malformed URL
   */
  static EnvironmentUrl read(Environment environment) throws SQLException {
    return read(environment, new ArrayList<>());
  }

  /**
   * Reads the environment, adding the secrets of every URL variable it reads to {@code secrets} so
   * that a later message about one of its values can be checked against them.
   *
   * @throws SQLException 08001 when it names no host, or a variable holds a malformed URL
   */
  static EnvironmentUrl read(Environment environment, List<UrlSecrets> secrets)
      throws SQLException {
    String databaseUrl = environment.first("DATABASE_URL");
    if (databaseUrl != null) {
      ParsedUrl primary = parseVariable("DATABASE_URL", databaseUrl, secrets);
      String unpooledName =
          environment.get("DATABASE_URL_UNPOOLED") != null
              ? "DATABASE_URL_UNPOOLED"
              : "POSTGRES_URL_NON_POOLING";
      String unpooledUrl = environment.first(unpooledName);
      ParsedUrl unpooled =
          unpooledUrl == null ? null : parseVariable(unpooledName, unpooledUrl, secrets);
      Map<String, String> properties = primary.properties();
      String description = "DATABASE_URL=" + Masking.maskUrl(databaseUrl);
      if (unpooled != null) {
        description += ", " + unpooledName + "=" + Masking.maskUrl(unpooledUrl);
      }
      return new EnvironmentUrl(primary, unpooled, properties, description);
    }
    String host = environment.first("PGHOST");
    if (host == null) {
      throw ConfigErrors.malformedUrl(
          "jdbc:neon: without a host reads the environment, but neither DATABASE_URL nor PGHOST"
              + " is set");
    }
    Integer port = portVariable(environment, "PGPORT");
    ParsedUrl primary =
        new ParsedUrl(
            host,
            port,
            environment.first("PGDATABASE"),
            environment.first("PGUSER"),
            environment.first("PGPASSWORD"),
            Map.of());
    String unpooledHost = environment.first("PGHOST_UNPOOLED");
    Integer unpooledPort = portVariable(environment, "PGPORT_UNPOOLED");
    ParsedUrl unpooled =
        unpooledHost == null && unpooledPort == null
            ? null
            : new ParsedUrl(
                unpooledHost == null ? host : unpooledHost,
                unpooledPort == null ? port : unpooledPort,
                null,
                null,
                null,
                Map.of());
    Map<String, String> properties = primary.properties();
    for (String[] variable : LIBPQ_VARIABLES) {
      String value = environment.first(variable[0]);
      if (value != null) {
        properties.put(variable[1], value);
      }
    }
    String description =
        "PGHOST="
            + host
            + (port == null ? "" : ", PGPORT=" + port)
            + (unpooledHost == null ? "" : ", PGHOST_UNPOOLED=" + unpooledHost)
            + (primary.password() == null ? "" : ", PGPASSWORD=" + Masking.MASK);
    return new EnvironmentUrl(primary, unpooled, properties, description);
  }

  /** Which variables were used, with secrets masked. */
  String describeMasked() {
    return description;
  }

  private static ParsedUrl parseVariable(String name, String value, List<UrlSecrets> secrets)
      throws SQLException {
    UrlSecrets found = UrlSecrets.find(value);
    secrets.add(found);
    try {
      return ParsedUrl.parse(value, found);
    } catch (SQLException e) {
      throw new SQLException(name + ": " + e.getMessage(), e.getSQLState(), e);
    }
  }

  private static Integer portVariable(Environment environment, String name) throws SQLException {
    String value = environment.first(name);
    return value == null ? null : ConfigErrors.parsePort(name, value);
  }
}

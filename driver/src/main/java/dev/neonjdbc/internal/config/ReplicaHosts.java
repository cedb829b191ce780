package dev.neonjdbc.internal.config;

import dev.neonjdbc.NeonProperty;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the read replicas of a connection: the {@code replicaHosts} property, else (for the bare
 * {@code jdbc:neon:} URL, like {@code DATABASE_URL}) the {@code DATABASE_URL_REPLICA} variable.
 *
 * <p>Both are comma-separated lists. An entry that is a Neon endpoint host ({@code
 * ep-NAME-ID[-pooler].REGION.aws.neon.tech}) yields that replica's pooled endpoint ({@code
 * -pooler}) and its direct endpoint, as the primary's host does, on port 5432 unless it names
 * another; any other {@code host[:port]} is taken as the standby's <em>pooled</em> endpoint as
 * written (a PgBouncer in front of it), port 5432 by default. {@code DATABASE_URL_REPLICA} entries
 * may also be {@code postgresql://} or {@code postgres://} URLs: their user, password and database
 * apply to that replica, the primary's where they give none (other query parameters are ignored:
 * the replica's sessions use the primary's). A libpq multi-host URL ({@code h1,h2}) is not
 * supported: list the hosts as separate entries.
 */
public final class ReplicaHosts {
  /** The variable the bare {@code jdbc:neon:} URL reads the replicas from. */
  public static final String VARIABLE = "DATABASE_URL_REPLICA";

  private static final int DEFAULT_PORT = 5432;

  private ReplicaHosts() {}

  /**
   * The replicas named by {@code replicaHosts} in {@code neonProperties}.
   *
   * @throws SQLException 22023 naming {@code replicaHosts} for an entry that is not {@code
   *     host[:port]}
   */
  static List<ReplicaEndpoint> fromProperty(String value) throws SQLException {
    String key = NeonProperty.REPLICA_HOSTS.getName();
    List<ReplicaEndpoint> replicas = new ArrayList<>();
    for (String entry : entries(key, value)) {
      if (entry.contains("://") || entry.contains("@") || entry.contains("/")) {
        throw ConfigErrors.invalidValue(
            key,
            entry,
            "is not host[:port] (a postgresql:// URL with its own credentials belongs in "
                + VARIABLE
                + ")");
      }
      replicas.add(fromHostPort(key, entry));
    }
    return List.copyOf(replicas);
  }

  /**
   * The replicas named by the value of {@link #VARIABLE}; the secrets of every URL in it are added
   * to {@code secrets}, so that messages about its values are masked.
   *
   * @throws SQLException 08001 for a malformed URL, 22023 for a bad host or port, naming the
   *     variable
   */
  static List<ReplicaEndpoint> fromVariable(String value, List<UrlSecrets> secrets)
      throws SQLException {
    List<ReplicaEndpoint> replicas = new ArrayList<>();
    for (String entry : entries(VARIABLE, value)) {
      if (!entry.contains("://")) {
        replicas.add(fromHostPort(VARIABLE, entry));
        continue;
      }
      UrlSecrets found = UrlSecrets.find(entry);
      secrets.add(found);
      ParsedUrl url;
      try {
        url = ParsedUrl.parse(entry, found);
      } catch (SQLException e) {
        throw new SQLException(VARIABLE + ": " + e.getMessage(), e.getSQLState(), e);
      }
      replicas.add(
          fromHost(VARIABLE, url.host(), url.port(), url.database(), url.user(), url.password()));
    }
    return List.copyOf(replicas);
  }

  /** Which replicas a description of the connection names, secrets masked. */
  static String describeMasked(String variableValue) {
    StringBuilder text = new StringBuilder(VARIABLE).append('=');
    String separator = "";
    for (String entry : variableValue.split(",", -1)) {
      text.append(separator).append(Masking.maskUrl(entry.trim()));
      separator = ",";
    }
    return text.toString();
  }

  private static List<String> entries(String key, String value) throws SQLException {
    List<String> entries = new ArrayList<>();
    for (String entry : value.split(",", -1)) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        throw ConfigErrors.invalidValue(key, value, "has an empty entry");
      }
      entries.add(trimmed);
    }
    return entries;
  }

  /** One replica from {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}. */
  private static ReplicaEndpoint fromHostPort(String key, String entry) throws SQLException {
    String host = entry;
    Integer port = null;
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      String rest = close < 0 ? "" : entry.substring(close + 1);
      if (close < 0 || (!rest.isEmpty() && !rest.startsWith(":"))) {
        throw ConfigErrors.invalidValue(key, entry, "is not host[:port]");
      }
      host = entry.substring(1, close);
      if (!rest.isEmpty()) {
        port = ConfigErrors.parsePort(key, rest.substring(1));
      }
    } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
      // One colon: host:port. Two or more: a bare IPv6 address, without a port.
      int colon = entry.indexOf(':');
      host = entry.substring(0, colon);
      port = ConfigErrors.parsePort(key, entry.substring(colon + 1));
    }
    return fromHost(key, host, port, null, null, null);
  }

  /** One replica from a host and port (or {@code null}), with what a URL gave. */
  private static ReplicaEndpoint fromHost(
      String key, String host, Integer port, String database, String user, String password)
      throws SQLException {
    if (host.isEmpty() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '?')) {
      throw ConfigErrors.invalidValue(key, host, "is not host[:port]");
    }
    int resolvedPort = port == null ? DEFAULT_PORT : port;
    if (NeonHosts.isNeonHost(host)) {
      return new ReplicaEndpoint(
          new Endpoint(NeonHosts.pooledHost(host), resolvedPort),
          new Endpoint(NeonHosts.directHost(host), resolvedPort),
          database,
          user,
          password);
    }
    return new ReplicaEndpoint(new Endpoint(host, resolvedPort), null, database, user, password);
  }
}

package dev.neonjdbc.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of one URL in any of the forms {@code jdbc:neon:} accepts, percent-decoded.
 *
 * <p>Accepted: {@code //HOST[:PORT][/DATABASE][?QUERY]} (after {@code jdbc:neon:}) and {@code
 * postgresql://} or {@code postgres://} followed by {@code [USER[:PASSWORD]@]HOST[:PORT][/DB][?Q]},
 * the libpq URI that Neon's console shows. Query values are percent-decoded only: a {@code +} stays
 * a plus sign, as in libpq.
 *
 * @param host host name or IPv6 address without brackets
 * @param port port, or {@code null} when the URL has none
 * @param database database name, or {@code null}
 * @param user user from the user-info part, or {@code null}
 * @param password password from the user-info part, or {@code null}
 * @param query query parameters in order of appearance (a repeated key keeps the last value)
 */
public record ParsedUrl(
    String host,
    Integer port,
    String database,
    String user,
    String password,
    Map<String, String> query) {

  /**
   * Parses the part after {@code jdbc:neon:} when it starts with {@code //}, {@code postgresql://}
   * or {@code postgres://}.
   *
   * @throws SQLException 08001 for a malformed URL, 22023 for a bad port
   */
  public static ParsedUrl parse(String rest) throws SQLException {
    String body;
    if (rest.startsWith("//")) {
      body = rest.substring(2);
    } else if (rest.startsWith("postgresql://")) {
      body = rest.substring("postgresql://".length());
    } else if (rest.startsWith("postgres://")) {
      body = rest.substring("postgres://".length());
    } else {
      throw ConfigErrors.malformedUrl(
          "expected jdbc:neon:, jdbc:neon://HOST..., jdbc:neon:postgresql://... or"
              + " jdbc:neon:postgres://...");
    }
    int fragment = body.indexOf('#');
    if (fragment >= 0) {
      body = body.substring(0, fragment);
    }
    int queryStart = body.indexOf('?');
    String beforeQuery = queryStart < 0 ? body : body.substring(0, queryStart);
    Map<String, String> query =
        queryStart < 0 ? new LinkedHashMap<>() : parseQuery(body.substring(queryStart + 1));

    // The last '@' before the query ends the user-info part, so an unencoded '/' or '@' inside a
    // password does not cut the URL in the wrong place.
    int at = beforeQuery.lastIndexOf('@');
    String user = null;
    String password = null;
    String hostAndPath = beforeQuery;
    if (at >= 0) {
      String userInfo = beforeQuery.substring(0, at);
      hostAndPath = beforeQuery.substring(at + 1);
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user");
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1), "password");
      if (user.isEmpty()) {
        user = null;
      }
    }

    int slash = hostAndPath.indexOf('/');
    String authority = slash < 0 ? hostAndPath : hostAndPath.substring(0, slash);
    String database = slash < 0 ? null : decode(hostAndPath.substring(slash + 1), "database");
    if (database != null && database.isEmpty()) {
      database = null;
    }
    if (database != null && database.indexOf('/') >= 0) {
      throw ConfigErrors.malformedUrl("the database name must not contain '/': '" + database + "'");
    }

    String host;
    String portText = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw ConfigErrors.malformedUrl("IPv6 host is missing its closing ']'");
      }
      host = authority.substring(1, close);
      String afterHost = authority.substring(close + 1);
      if (!afterHost.isEmpty()) {
        if (!afterHost.startsWith(":")) {
          throw ConfigErrors.malformedUrl(
              "unexpected text after the IPv6 host: '" + afterHost + "'");
        }
        portText = afterHost.substring(1);
      }
      checkIpv6(host);
    } else {
      int colon = authority.indexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      portText = colon < 0 ? null : authority.substring(colon + 1);
      checkHostName(host);
    }
    if (host.isEmpty()) {
      throw ConfigErrors.malformedUrl("the host is missing");
    }
    Integer port = portText == null ? null : ConfigErrors.parsePort("port", portText);
    return new ParsedUrl(host, port, database, user, password, query);
  }

  private static void checkHostName(String host) throws SQLException {
    if (host.indexOf(',') >= 0) {
      throw ConfigErrors.malformedUrl(
          "several hosts ('"
              + host
              + "') are not supported; name the pooled and direct endpoints"
              + " with pooledHost/directHost");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_';
      if (!allowed) {
        throw ConfigErrors.malformedUrl(
            "the host '" + host + "' contains the character '" + c + "', not allowed in a host");
      }
    }
  }

  private static void checkIpv6(String host) throws SQLException {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean allowed =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == ':'
              || c == '.'
              || c == '%';
      if (!allowed) {
        throw ConfigErrors.malformedUrl("'" + host + "' is not an IPv6 address");
      }
    }
  }

  /**
   * Parses {@code key=value&key=value}, percent-decoding both sides.
   *
   * @throws SQLException 08001 for a pair without '=' or with an empty key
   */
  public static Map<String, String> parseQuery(String query) throws SQLException {
    Map<String, String> result = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return result;
    }
    for (String pair : query.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw ConfigErrors.malformedUrl("query parameter '" + pair + "' has no '=value'");
      }
      if (eq == 0) {
        throw ConfigErrors.malformedUrl("a query parameter has an empty name");
      }
      String key = decode(pair.substring(0, eq), "query parameter name");
      result.put(key, decode(pair.substring(eq + 1), key));
    }
    return result;
  }

  /**
   * Percent-decodes {@code text} as UTF-8.
   *
   * @throws SQLException 08001 naming {@code what} for a broken escape
   */
  static String decode(String text, String what) throws SQLException {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length() || hex(text.charAt(i + 1)) < 0 || hex(text.charAt(i + 2)) < 0) {
          throw ConfigErrors.malformedUrl(
              "bad percent-encoding in the "
                  + what
                  + " (a '%' must be followed by two hex digits)");
        }
        bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
        i += 2;
      } else {
        // Copy the whole run up to the next escape at once so surrogate pairs stay together.
        int next = text.indexOf('%', i);
        int end = next < 0 ? text.length() : next;
        byte[] encoded = text.substring(i, end).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
        i = end - 1;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /**
   * What the URL says as connection properties: its user and password (when present), then its
   * query, so a {@code user=} or {@code password=} in the query wins over the user-info part.
   */
  public Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    if (user != null) {
      properties.put("user", user);
    }
    if (password != null) {
      properties.put("password", password);
    }
    properties.putAll(query);
    return properties;
  }

  @Override
  public String toString() {
    return "ParsedUrl[host="
        + host
        + ", port="
        + port
        + ", database="
        + database
        + ", user="
        + user
        + ", password="
        + (password == null ? null : Masking.MASK)
        + ", query="
        + query.keySet()
        + "]";
  }
}

package dev.neonjdbc.internal.config;

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
   * <p>Where the user-info part and its password end is decided by {@link UrlSecrets}, the routine
   * that masking uses too; a part of the text that could hold a password is never quoted in a
   * message.
   *
   * @throws SQLException 08001 for a malformed URL, 22023 for a bad port
   */
  public static ParsedUrl parse(String rest) throws SQLException {
    return parse(rest, UrlSecrets.find(rest));
  }

  /** {@link #parse(String)} with the secrets of {@code rest} already found. */
  static ParsedUrl parse(String rest, UrlSecrets secrets) throws SQLException {
    int body = secrets.bodyStart();
    if (body < 0 || secrets.hasPrefix()) {
      throw ConfigErrors.malformedUrl(
          "expected jdbc:neon:, jdbc:neon://HOST..., jdbc:neon:postgresql://... or"
              + " jdbc:neon:postgres://...");
    }
    int fragment = rest.indexOf('#', body);
    int bodyEnd = fragment < 0 ? rest.length() : fragment;
    int queryStart = rest.indexOf('?', body);
    if (queryStart > bodyEnd) {
      queryStart = -1;
    }
    int beforeQuery = queryStart < 0 ? bodyEnd : queryStart;
    Map<String, String> query =
        queryStart < 0 ? new LinkedHashMap<>() : parseQuery(rest, queryStart + 1, bodyEnd, secrets);

    // The last '@' before the query ends the user-info part (UrlSecrets decides it for parser and
    // masking alike), so an unencoded '/' or '@' inside a password does not cut the URL there.
    int at = secrets.userInfoEnd();
    String user = null;
    String password = null;
    int hostStart = body;
    if (at >= 0) {
      int passwordStart = secrets.passwordStart();
      user = decode(rest.substring(body, passwordStart < 0 ? at : passwordStart - 1), "user");
      password = passwordStart < 0 ? null : decode(rest.substring(passwordStart, at), "password");
      if (user.isEmpty()) {
        user = null;
      }
      hostStart = at + 1;
    }

    int slash = rest.indexOf('/', hostStart);
    if (slash > beforeQuery) {
      slash = -1;
    }
    int authorityEnd = slash < 0 ? beforeQuery : slash;
    String database = slash < 0 ? null : decode(rest.substring(slash + 1, beforeQuery), "database");
    if (database != null && database.isEmpty()) {
      database = null;
    }
    if (database != null && database.indexOf('/') >= 0) {
      throw ConfigErrors.malformedUrl(
          "the database name must not contain '/': " + secrets.quote(slash + 1, beforeQuery));
    }

    String host;
    int portStart = -1;
    int hostEnd = hostStart;
    if (rest.startsWith("[", hostStart) && hostStart < authorityEnd) {
      int close = rest.indexOf(']', hostStart);
      if (close < 0 || close >= authorityEnd) {
        throw ConfigErrors.malformedUrl("IPv6 host is missing its closing ']'");
      }
      host = rest.substring(hostStart + 1, close);
      if (close + 1 < authorityEnd) {
        if (rest.charAt(close + 1) != ':') {
          throw ConfigErrors.malformedUrl(
              "unexpected text after the IPv6 host: " + secrets.quote(close + 1, authorityEnd));
        }
        portStart = close + 2;
      }
      checkIpv6(host, secrets.quote(hostStart + 1, close));
    } else {
      int colon = rest.indexOf(':', hostStart);
      hostEnd = colon < 0 || colon > authorityEnd ? authorityEnd : colon;
      host = rest.substring(hostStart, hostEnd);

      portStart = hostEnd < authorityEnd ? hostEnd + 1 : -1;
      checkHostName(host, secrets.overlaps(hostStart, hostEnd), secrets.quote(hostStart, hostEnd));
    }
    if (host.isEmpty()) {
      throw ConfigErrors.malformedUrl("the host is missing");
    }
    Integer port =
        portStart < 0
            ? null
            : ConfigErrors.parsePort(
                "port",
                rest.substring(portStart, authorityEnd),
                secrets.quote(portStart, authorityEnd));
    if (at >= 0 && hostEnd > hostStart && secrets.overlaps(hostStart, hostEnd)) {
      // After a user-info part, a host that may be a piece of the password (its own '@' taken
      // for the end of the user-info) must not reach DNS or pgJDBC's messages.
      throw ConfigErrors.malformedUrl(
          "the host cannot be told apart from the password; percent-encode '@', '#', '?' and"
              + " '/' inside the password (%40, %23, %3F, %2F)");
    }
    return new ParsedUrl(host, port, database, user, password, query);
  }

  private static void checkHostName(String host, boolean secret, String shown) throws SQLException {
    if (host.indexOf(',') >= 0) {
      throw ConfigErrors.malformedUrl(
          "several hosts ("
              + shown
              + ") are not supported; name the pooled and direct endpoints"
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
            "the host "
                + shown
                + (secret ? " contains a character" : " contains the character '" + c + "'")
                + ", not allowed in a host");
      }
    }
  }

  private static void checkIpv6(String host, String shown) throws SQLException {
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
        throw ConfigErrors.malformedUrl(shown + " is not an IPv6 address");
      }
    }
  }

  /**
   * Parses {@code key=value&key=value}, percent-decoding both sides.
   *
   * @throws SQLException 08001 for a pair without '=' or with an empty key
   */
  public static Map<String, String> parseQuery(String query) throws SQLException {
    return parseQuery(query, 0, query.length(), UrlSecrets.find(query));
  }

  /**
   * Parses the query in {@code text} from {@code start} to {@code end}; parts that could hold a
   * password (by {@code secrets}) are never quoted in a message.
   */
  static Map<String, String> parseQuery(String text, int start, int end, UrlSecrets secrets)
      throws SQLException {
    Map<String, String> result = new LinkedHashMap<>();
    int pairStart = start;
    while (pairStart < end) {
      int pairEnd = text.indexOf('&', pairStart);
      if (pairEnd < 0 || pairEnd > end) {
        pairEnd = end;
      }
      if (pairEnd > pairStart) {
        int eq = text.indexOf('=', pairStart);
        if (eq < 0 || eq >= pairEnd) {
          throw ConfigErrors.malformedUrl(
              "query parameter " + secrets.quote(pairStart, pairEnd) + " has no '=value'");
        }
        if (eq == pairStart) {
          throw ConfigErrors.malformedUrl("a query parameter has an empty name");
        }
        String key = decode(text.substring(pairStart, eq), "query parameter name");
        String value =
            decode(
                text.substring(eq + 1, pairEnd),
                "value of " + (secrets.overlaps(pairStart, eq) ? "a query parameter" : key));
        result.put(key, value);
      }
      pairStart = pairEnd + 1;
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

  /**
   * Host and port, and which other parts are present: a mistyped URL can put a part of its password
   * into the database, the user name or a query key, so none of them is shown.
   */
  @Override
  public String toString() {
    return "ParsedUrl[host="
        + host
        + ", port="
        + port
        + ", database="
        + (database == null ? null : Masking.MASK)
        + ", user="
        + (user == null ? null : Masking.MASK)
        + ", password="
        + (password == null ? null : Masking.MASK)
        + ", query keys="
        + query.size()
        + "]";
  }
}

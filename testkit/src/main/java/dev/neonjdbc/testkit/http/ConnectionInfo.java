package dev.neonjdbc.testkit.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code Neon-Connection-String} header read as Neon's proxy reads it ({@code
 * proxy/src/serverless/http_util.rs}, {@code get_conn_info}; messages from {@code
 * proxy/src/serverless/error.rs}, {@code ConnInfoError}): scheme {@code postgres} or {@code
 * postgresql}, the database from the path, a user and a password, a host name whose first label is
 * the endpoint id; query pairs become startup parameters.
 *
 * @param user the role
 * @param password the password (never logged)
 * @param database the database
 * @param host the host name as written
 * @param endpointId the host's first label without {@code -pooler}
 * @param startup startup parameters from the query ({@code application_name}, {@code options}); the
 *     others ({@code sslmode}, {@code channel_binding}, …) describe the client's link and are not
 *     sent on
 */
record ConnectionInfo(
    String user,
    String password,
    String database,
    String host,
    String endpointId,
    Map<String, String> startup) {

  /** The header, lower case as Neon's error messages print it. */
  static final String HEADER = "neon-connection-string";

  /** A connection string Neon would refuse; the message is Neon's. */
  static final class InvalidException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidException(String message) {
      super(message);
    }
  }

  /** Parses the header's value ({@code null} when absent). */
  static ConnectionInfo parse(String header) throws InvalidException {
    if (header == null || !header.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
      throw new InvalidException("invalid header: " + HEADER);
    }
    if (!header.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      throw new InvalidException("invalid connection string: relative URL without a base");
    }
    URI uri;
    try {
      uri = new URI(header);
    } catch (URISyntaxException e) {
      throw new InvalidException("invalid connection string: " + e.getReason());
    }
    if (uri.getScheme() == null) {
      throw new InvalidException("invalid connection string: relative URL without a base");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
      throw new InvalidException("incorrect scheme");
    }
    if (uri.isOpaque()) {
      throw new InvalidException("missing database name");
    }
    String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
    String firstSegment = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    int slash = firstSegment.indexOf('/');
    String database = decode(slash < 0 ? firstSegment : firstSegment.substring(0, slash));
    String userInfo = uri.getRawUserInfo();
    String rawUser = userInfo == null ? "" : userInfo.split(":", 2)[0];
    String user = decode(rawUser);
    if (user.isEmpty()) {
      throw new InvalidException("missing username");
    }
    if (userInfo == null || !userInfo.contains(":")) {
      throw new InvalidException("missing authentication credentials: required password");
    }
    String password = decode(userInfo.split(":", 2)[1]);
    String host = uri.getHost();
    if (host == null || host.isEmpty() || host.startsWith("[") || isIpv4(host)) {
      throw new InvalidException("missing hostname");
    }
    String firstLabel = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
    String endpointId =
        firstLabel.endsWith("-pooler")
            ? firstLabel.substring(0, firstLabel.length() - "-pooler".length())
            : firstLabel;
    Map<String, String> startup = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        String[] keyValue = pair.split("=", 2);
        String key = decode(keyValue[0]);
        if (key.equals("application_name") || key.equals("options")) {
          startup.put(key, keyValue.length > 1 ? decode(keyValue[1]) : "");
        }
      }
    }
    return new ConnectionInfo(
        user, password, database, host.toLowerCase(Locale.ROOT), endpointId, startup);
  }

  /** The header with its password replaced by {@code ****}, for logs. */
  static String masked(String header) {
    if (header == null) {
      return null;
    }
    return header.replaceFirst("(://[^:/@]*:)[^@]*@", "$1****@");
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static boolean isIpv4(String host) {
    return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  @Override
  public String toString() {
    return "ConnectionInfo[user=" + user + ", database=" + database + ", host=" + host + "]";
  }
}

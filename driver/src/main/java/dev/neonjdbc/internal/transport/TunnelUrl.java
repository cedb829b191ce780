package dev.neonjdbc.internal.transport;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A WebSocket URL made from the {@code webSocketUrl} template for one endpoint, checked against the
 * transport's security rule: {@code wss://} anywhere, {@code ws://} only to a loopback address
 * unless {@code webSocketAllowInsecure=true}.
 *
 * @param uri the expanded URL
 * @param secure whether the scheme is {@code wss}
 * @param host the WebSocket server's host, without IPv6 brackets
 * @param port the WebSocket server's port (80 or 443 when the URL has none)
 */
record TunnelUrl(URI uri, boolean secure, String host, int port) {

  /**
   * Expands {@code template} for the endpoint {@code endpointHost:endpointPort} and checks it.
   *
   * @throws TunnelException naming the problem and the setting to change
   */
  static TunnelUrl resolve(
      String template, String endpointHost, int endpointPort, boolean allowInsecure)
      throws TunnelException {
    String bracketed = endpointHost.indexOf(':') >= 0 ? "[" + endpointHost + "]" : endpointHost;
    String expanded =
        template.replace("{host}", bracketed).replace("{port}", Integer.toString(endpointPort));
    URI uri;
    try {
      uri = new URI(expanded);
    } catch (URISyntaxException e) {
      throw new TunnelException(
          "webSocketUrl '" + withoutUserInfo(expanded) + "' is not a valid URL: " + e.getReason(),
          e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new TunnelException(
          "webSocketUrl '" + display(uri) + "' must start with wss:// (or ws:// to loopback)");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new TunnelException("webSocketUrl '" + display(uri) + "' has no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    boolean secure = scheme.equals("wss");
    if (!secure && !allowInsecure && !isLoopback(host)) {
      throw new TunnelException(
          "webSocketUrl '"
              + display(uri)
              + "' would send the password unencrypted to '"
              + host
              + "', which is not a loopback address. Use wss://, or set"
              + " webSocketAllowInsecure=true to allow ws:// to this host.");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
    return new TunnelUrl(uri, secure, host, port);
  }

  /**
   * Whether {@code host} names this machine without a lookup: {@code localhost} or a literal
   * loopback address. Other names are not resolved, so DNS cannot turn a remote host into a
   * "loopback" one.
   */
  static boolean isLoopback(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    if (lower.equals("localhost") || lower.endsWith(".localhost")) {
      return true;
    }
    if (!isAddressLiteral(lower)) {
      return false;
    }
    try {
      return InetAddress.getByName(lower).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static boolean isAddressLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true; // IPv6
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if ((c < '0' || c > '9') && c != '.') {
        return false;
      }
    }
    return !host.isEmpty();
  }

  /**
   * The URL for messages and logs: without user-info, and with the value of any query parameter
   * whose name suggests a secret masked (a template may carry a token).
   */
  @Override
  public String toString() {
    return display(uri);
  }

  /** {@code uri} without credentials: see {@link #toString()}. */
  static String display(URI uri) {
    if (uri.isOpaque() || uri.getScheme() == null) {
      return withoutUserInfo(uri.toString());
    }
    StringBuilder text = new StringBuilder();
    text.append(uri.getScheme()).append("://");
    String host = uri.getRawAuthority();
    if (host != null) {
      int at = host.lastIndexOf('@');
      text.append(at >= 0 ? host.substring(at + 1) : host);
    }
    if (uri.getRawPath() != null) {
      text.append(uri.getRawPath());
    }
    String query = uri.getRawQuery();
    if (query != null) {
      text.append('?');
      String separator = "";
      for (String pair : query.split("&", -1)) {
        int equals = pair.indexOf('=');
        String name = equals < 0 ? pair : pair.substring(0, equals);
        text.append(separator);
        separator = "&";
        if (equals >= 0 && isSecretName(name)) {
          text.append(name).append("=***");
        } else {
          text.append(pair);
        }
      }
    }
    return text.toString();
  }

  /** A text that did not parse as a URL, with anything before an {@code @} in it masked. */
  private static String withoutUserInfo(String text) {
    int at = text.lastIndexOf('@');
    if (at < 0) {
      return text;
    }
    int start = text.indexOf("://");
    start = start < 0 || start > at ? 0 : start + 3;
    return text.substring(0, start) + "***" + text.substring(at);
  }

  private static boolean isSecretName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.contains("pass")
        || lower.contains("token")
        || lower.contains("secret")
        || lower.contains("key")
        || lower.contains("auth");
  }
}

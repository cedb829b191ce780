package dev.neonjdbc.transport;

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
          "webSocketUrl '" + expanded + "' is not a valid URL: " + e.getReason(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new TunnelException(
          "webSocketUrl '" + expanded + "' must start with wss:// (or ws:// to loopback)");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new TunnelException("webSocketUrl '" + expanded + "' has no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    boolean secure = scheme.equals("wss");
    if (!secure && !allowInsecure && !isLoopback(host)) {
      throw new TunnelException(
          "webSocketUrl '"
              + expanded
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

  @Override
  public String toString() {
    return uri.toString();
  }
}

package dev.neonjdbc.internal.config;

/**
 * A host and port that a physical connection goes to.
 *
 * @param host host name or IP address, without brackets for IPv6
 * @param port TCP port
 */
public record Endpoint(String host, int port) {

  /** The host as it is written in a URL: IPv6 addresses in brackets. */
  public String urlHost() {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  @Override
  public String toString() {
    return urlHost() + ":" + port;
  }
}

package dev.neonjdbc.internal.transport;

import dev.neonjdbc.NeonProperty;
import java.util.Properties;

/**
 * What a tunnel socket needs to know, read from the properties pgJDBC hands to the socket factory.
 * {@link WebSocketTransport} writes them there, already validated and with {@code auto} resolved.
 */
final class TunnelConfig {
  /** Frames larger than this from the server are refused (protects the heap). */
  static final int MAX_INBOUND_FRAME_BYTES = 16 * 1024 * 1024;

  /** Largest frame the socket sends: a flush of more bytes goes out in several frames. */
  static final int MAX_OUTBOUND_FRAME_BYTES = 64 * 1024;

  /** How long an orderly close waits for the server's close frame before dropping the TCP link. */
  static final int CLOSE_GRACE_MILLIS = 1000;

  private final String urlTemplate;
  private final boolean allowInsecure;
  private final boolean pipelineConnect;
  private final String password;
  private final Properties tlsProperties;

  private TunnelConfig(
      String urlTemplate,
      boolean allowInsecure,
      boolean pipelineConnect,
      String password,
      Properties tlsProperties) {
    this.urlTemplate = urlTemplate;
    this.allowInsecure = allowInsecure;
    this.pipelineConnect = pipelineConnect;
    this.password = password;
    this.tlsProperties = tlsProperties;
  }

  /** Reads the configuration from pgJDBC's connection properties (defaults included). */
  static TunnelConfig from(Properties info) {
    String template = info.getProperty(NeonProperty.WEBSOCKET_URL.getName());
    Properties tls = new Properties();
    for (String key : new String[] {"sslrootcert", "sslfactory", "sslfactoryarg"}) {
      String value = info.getProperty(key);
      if (value != null) {
        tls.setProperty(key, value);
      }
    }
    return new TunnelConfig(
        template != null ? template : NeonProperty.WEBSOCKET_URL.getDefaultValue(),
        "true".equalsIgnoreCase(info.getProperty(NeonProperty.WEBSOCKET_ALLOW_INSECURE.getName())),
        "true"
            .equalsIgnoreCase(info.getProperty(NeonProperty.WEBSOCKET_PIPELINE_CONNECT.getName())),
        info.getProperty("password"),
        tls);
  }

  String urlTemplate() {
    return urlTemplate;
  }

  boolean allowInsecure() {
    return allowInsecure;
  }

  /** Whether to pipeline the password: asked for, and there is a password to send. */
  boolean pipelineConnect() {
    return pipelineConnect && password != null;
  }

  String password() {
    return password;
  }

  /** The TLS-related keys ({@code sslrootcert}, {@code sslfactory}, {@code sslfactoryarg}). */
  Properties tlsProperties() {
    return tlsProperties;
  }

  @Override
  public String toString() {
    return "TunnelConfig[url=" + urlTemplate + ", pipelineConnect=" + pipelineConnect + "]";
  }
}

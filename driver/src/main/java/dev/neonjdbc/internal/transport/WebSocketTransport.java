package dev.neonjdbc.internal.transport;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonProperty;
import dev.neonjdbc.internal.config.ConfigErrors;
import dev.neonjdbc.internal.config.ConnectionSettings;
import dev.neonjdbc.internal.config.Endpoint;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Applies {@code transport=websocket} to the pgJDBC properties of a connection's endpoints.
 *
 * <p>Everything that can be refused is refused here, before any connection is attempted: a {@code
 * ws://} URL to a host that is not loopback (unless {@code webSocketAllowInsecure=true}), a URL
 * template that does not expand to a WebSocket URL, {@code channel_binding=require} (the tunnel's
 * TLS ends at the WebSocket server, so SCRAM channel binding cannot be had), and another {@code
 * socketFactory}. Inside the tunnel pgJDBC runs without TLS ({@code sslmode=disable}, as Neon's
 * proxy requires); the {@code wss://} connection carries the encryption and verifies the server's
 * certificate and host name with {@code sslrootcert}, {@code sslfactory} or the JVM's trust store.
 */
public final class WebSocketTransport {
  private static final String SOCKET_FACTORY = "socketFactory";

  private WebSocketTransport() {}

  /**
   * Rewrites {@code endpointProperties} (the pgJDBC properties of each endpoint's sessions, each
   * object once) for the transport that {@code settings} asks for. Nothing changes for {@code
   * transport=tcp}.
   *
   * @throws SQLException SQLState 22023 naming the setting to change, with the masked URL
   */
  public static void apply(ConnectionSettings settings, List<Properties> endpointProperties)
      throws SQLException {
    Properties neon = settings.neonProperties();
    if (!"websocket".equals(NeonProperty.TRANSPORT.getChoice(neon))) {
      return;
    }
    try {
      String template = NeonProperty.WEBSOCKET_URL.get(neon);
      boolean allowInsecure = NeonProperty.WEBSOCKET_ALLOW_INSECURE.getBoolean(neon);
      boolean pipeline = NeonProperty.WEBSOCKET_PIPELINE_CONNECT.isOn(neon, settings.isNeonHost());
      for (Endpoint endpoint : endpoints(settings)) {
        try {
          TunnelUrl.resolve(template, endpoint.host(), endpoint.port(), allowInsecure);
        } catch (TunnelException e) {
          throw ConfigErrors.invalidSetting(NeonProperty.WEBSOCKET_URL.getName(), e.getMessage());
        }
      }
      for (Properties properties : endpointProperties) {
        configure(properties, template, allowInsecure, pipeline);
      }
    } catch (SQLException e) {
      throw ConfigErrors.withUrl(e, settings.maskedUrl());
    }
  }

  /**
   * The error to report for a failed connect: when the cause is a tunnel failure with a message for
   * the user (certificate, handshake, pipelining), that message instead of pgJDBC's generic "The
   * connection attempt failed."; otherwise {@code error} itself.
   */
  public static SQLException explain(SQLException error, String maskedUrl) {
    for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof TunnelException) {
        return new SQLException(
            cause.getMessage() + " [URL: " + maskedUrl + "]",
            ConfigErrors.UNABLE_TO_CONNECT,
            error);
      }
    }
    return error;
  }

  private static List<Endpoint> endpoints(ConnectionSettings settings) {
    List<Endpoint> endpoints = new ArrayList<>();
    if (settings.hasBothEndpoints()) {
      endpoints.add(settings.endpoint(EndpointKind.POOLED));
      endpoints.add(settings.endpoint(EndpointKind.DIRECT));
    } else {
      endpoints.add(settings.singleEndpoint());
    }
    return endpoints;
  }

  private static void configure(
      Properties properties, String template, boolean allowInsecure, boolean pipeline)
      throws SQLException {
    String channelBinding = properties.getProperty("channelBinding");
    if (channelBinding != null && channelBinding.toLowerCase(Locale.ROOT).equals("require")) {
      throw ConfigErrors.invalidSetting(
          "channel_binding",
          "channel_binding=require cannot be met with transport=websocket: TLS ends at the"
              + " WebSocket server and the Postgres protocol inside the tunnel has none to bind"
              + " to. Use transport=tcp, or channel_binding=prefer");
    }
    String factory = properties.getProperty(SOCKET_FACTORY);
    if (factory != null && !factory.equals(WebSocketSocketFactory.class.getName())) {
      throw ConfigErrors.invalidSetting(
          SOCKET_FACTORY,
          "socketFactory=" + factory + " conflicts with transport=websocket; remove one of them");
    }
    properties.setProperty(SOCKET_FACTORY, WebSocketSocketFactory.class.getName());
    // Neon's proxy refuses TLS inside the tunnel: wss:// carries the encryption.
    properties.setProperty("sslmode", "disable");
    properties.setProperty("gssEncMode", "disable");
    properties.setProperty(NeonProperty.WEBSOCKET_URL.getName(), template);
    properties.setProperty(
        NeonProperty.WEBSOCKET_ALLOW_INSECURE.getName(), Boolean.toString(allowInsecure));
    properties.setProperty(
        NeonProperty.WEBSOCKET_PIPELINE_CONNECT.getName(), Boolean.toString(pipeline));
  }
}

package dev.neonjdbc.internal.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Properties;
import javax.net.SocketFactory;

/**
 * pgJDBC's {@code socketFactory} for {@code transport=websocket}. pgJDBC creates one per connection
 * with the connection's properties (its {@code Properties} constructor is preferred over {@code
 * socketFactoryArg}) and reuses it for that connection's cancel requests, which therefore travel
 * through a tunnel of their own.
 *
 * <p>The sockets it creates are unconnected; pgJDBC's {@code connect(address, connectTimeout)}
 * opens the WebSocket for that address. Set up by {@link WebSocketTransport}; not meant to be
 * configured by hand.
 */
public final class WebSocketSocketFactory extends SocketFactory {
  private final TunnelConfig config;

  /** The factory for one pgJDBC connection, configured by its properties. */
  public WebSocketSocketFactory(Properties info) {
    this.config = TunnelConfig.from(info);
  }

  /** An unconnected tunnel socket. */
  @Override
  public Socket createSocket() {
    return new WebSocketTunnelSocket(config);
  }

  /** A tunnel socket connected to the WebSocket URL for {@code host:port}. */
  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(new InetSocketAddress(host, port));
    return socket;
  }

  /** A tunnel socket connected for {@code host:port}; the local address binds the TCP side. */
  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    Socket socket = createSocket();
    socket.bind(new InetSocketAddress(localHost, localPort));
    socket.connect(new InetSocketAddress(host, port));
    return socket;
  }

  /** A tunnel socket connected for {@code host:port}. */
  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(new InetSocketAddress(host, port));
    return socket;
  }

  /** A tunnel socket connected for {@code address:port}; the local address binds the TCP side. */
  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    Socket socket = createSocket();
    socket.bind(new InetSocketAddress(localAddress, localPort));
    socket.connect(new InetSocketAddress(address, port));
    return socket;
  }

  @Override
  public String toString() {
    return "WebSocketSocketFactory[" + config + "]";
  }
}

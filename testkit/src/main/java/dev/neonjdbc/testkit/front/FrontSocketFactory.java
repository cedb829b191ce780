package dev.neonjdbc.testkit.front;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * A pgJDBC {@code socketFactory} that connects every socket to one address (a {@link NeonFront})
 * whatever host the URL names, the way a DNS entry for {@code *.DOMAIN} would. pgJDBC still uses
 * the URL's host name for TLS, so SNI and the certificate check see the Neon host name.
 *
 * <p>Use: {@code socketFactory=dev.neonjdbc.testkit.front.FrontSocketFactory&socketFactoryArg=
 * 127.0.0.1:PORT} ({@link NeonFront#socketFactoryParameters()}).
 */
public final class FrontSocketFactory extends SocketFactory {
  private final InetSocketAddress target;

  /**
   * Creates the factory pgJDBC instantiates with {@code socketFactoryArg}.
   *
   * @param hostAndPort {@code HOST:PORT} of the front, e.g. {@code 127.0.0.1:54321}
   */
  public FrontSocketFactory(String hostAndPort) {
    int colon = hostAndPort == null ? -1 : hostAndPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("socketFactoryArg must be HOST:PORT, got " + hostAndPort);
    }
    this.target =
        new InetSocketAddress(
            hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
  }

  @Override
  public Socket createSocket() {
    return new RedirectedSocket(target);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(target);
    return socket;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    Socket socket = createSocket();
    socket.bind(new InetSocketAddress(localHost, localPort));
    socket.connect(target);
    return socket;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return createSocket(host.getHostAddress(), port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return createSocket(address.getHostAddress(), port, localAddress, localPort);
  }

  /** A socket whose {@code connect} goes to the front, whatever address it is given. */
  private static final class RedirectedSocket extends Socket {
    private final InetSocketAddress target;

    RedirectedSocket(InetSocketAddress target) {
      this.target = target;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      super.connect(target, timeout);
    }
  }
}

package dev.neonjdbc.internal.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.sql.SQLException;
import java.util.Properties;
import javax.net.SocketFactory;
import org.postgresql.util.ObjectFactory;

/**
 * pgJDBC's {@code socketFactory} while a {@link LoginDeadline} is armed: creates sockets with the
 * factory the connection would otherwise use (the WebSocket tunnel's, one the user named, or the
 * JVM's default) and hands each to the deadline, which drops it if the login is not over in time.
 *
 * <p>pgJDBC keeps the factory for the connection's cancel requests; those come after the login, so
 * their sockets are not watched. Set up by {@code PhysicalConnector}; not meant to be configured by
 * hand.
 */
public final class LoginSocketFactory extends SocketFactory {
  /** The property naming the factory that creates the sockets ({@code socketFactory} before). */
  public static final String INNER_FACTORY = "neonLoginInnerSocketFactory";

  private final SocketFactory inner;
  private final LoginDeadline deadline;

  /**
   * The factory for one login attempt, configured by the connection's properties.
   *
   * @throws IOException when the factory named by {@value #INNER_FACTORY} cannot be made
   */
  public LoginSocketFactory(Properties info) throws IOException {
    this.inner = inner(info);
    this.deadline = LoginDeadline.armed();
  }

  private static SocketFactory inner(Properties info) throws IOException {
    String name = info.getProperty(INNER_FACTORY);
    if (name == null) {
      return SocketFactory.getDefault();
    }
    if (name.equals(WebSocketSocketFactory.class.getName())) {
      return new WebSocketSocketFactory(info);
    }
    try {
      return ObjectFactory.instantiate(
          SocketFactory.class, name, info, true, info.getProperty("socketFactoryArg"));
    } catch (ReflectiveOperationException | SQLException | RuntimeException e) {
      throw new IOException("The socketFactory " + name + " could not be instantiated", e);
    }
  }

  private Socket watched(Socket socket) {
    if (deadline != null) {
      deadline.watch(socket);
    }
    return socket;
  }

  @Override
  public Socket createSocket() throws IOException {
    return watched(inner.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return watched(inner.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return watched(inner.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return watched(inner.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return watched(inner.createSocket(address, port, localAddress, localPort));
  }

  @Override
  public String toString() {
    return "LoginSocketFactory[" + inner + "]";
  }
}

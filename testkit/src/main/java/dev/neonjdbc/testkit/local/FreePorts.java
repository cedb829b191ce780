package dev.neonjdbc.testkit.local;

import dev.neonjdbc.testkit.NeonStackException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback TCP ports. */
final class FreePorts {
  private static final InetAddress LOOPBACK = loopback();

  private FreePorts() {}

  /**
   * A port that was free on {@code 127.0.0.1} a moment ago. Another process may take it before the
   * caller binds it, so callers retry a failed start with a new port.
   */
  static int pick() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(LOOPBACK, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new NeonStackException("cannot find a free loopback port", e);
    }
  }

  /** Whether something accepts TCP connections on {@code 127.0.0.1:port}. */
  static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}

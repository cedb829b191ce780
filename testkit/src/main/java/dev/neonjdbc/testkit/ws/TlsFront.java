package dev.neonjdbc.testkit.ws;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * TLS termination in front of the proxy's plain WebSocket port, as a load balancer would do it. The
 * JDK's TLS server sends its whole first flight at once (one round trip for TLS 1.3), where
 * Java-WebSocket's own TLS channel spreads the handshake over several; round-trip measurements
 * through the kit should show what a production TLS server costs.
 *
 * <p>Per connection: one daemon thread for the handshake and the client-to-proxy direction, one for
 * the other direction; both end when either side closes.
 */
final class TlsFront implements AutoCloseable {
  private static final AtomicInteger IDS = new AtomicInteger();

  private final ServerSocket listener;
  private final int backendPort;
  private final int id = IDS.incrementAndGet();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  TlsFront(SSLContext context, String listenAddress, int listenPort, int backendPort)
      throws IOException {
    this.backendPort = backendPort;
    this.listener =
        context
            .getServerSocketFactory()
            .createServerSocket(listenPort, 128, InetAddress.getByName(listenAddress));
    Thread acceptor = new Thread(this::acceptLoop, "ws-proxy-tls-" + id + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    int connection = 0;
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      connection++;
      sockets.add(client);
      Thread up = new Thread(() -> serve(client), "ws-proxy-tls-" + id + "-" + connection + "-up");
      up.setDaemon(true);
      up.start();
    }
  }

  private void serve(Socket client) {
    Socket backend = new Socket();
    try {
      client.setTcpNoDelay(true);
      ((SSLSocket) client).startHandshake();
      backend.setTcpNoDelay(true);
      backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backendPort), 10_000);
      sockets.add(backend);
      Thread down =
          new Thread(
              () -> pump(backend, client, client, backend),
              Thread.currentThread().getName().replace("-up", "-down"));
      down.setDaemon(true);
      down.start();
      pump(client, backend, client, backend);
    } catch (IOException e) {
      closeBoth(client, backend);
    }
  }

  private void pump(Socket from, Socket to, Socket client, Socket backend) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // Either side went away.
    } finally {
      closeBoth(client, backend);
    }
  }

  private void closeBoth(Socket client, Socket backend) {
    for (Socket socket : new Socket[] {client, backend}) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing is best effort.
      }
      sockets.remove(socket);
    }
  }

  /** Stops listening and drops every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // Closing is best effort.
    }
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing is best effort.
      }
    }
  }
}

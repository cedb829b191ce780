package dev.neonjdbc.testkit.ws;

import dev.neonjdbc.testkit.NeonStackException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket-to-TCP proxy for tests (Java-WebSocket server), behaving like Neon's:
 *
 * <ul>
 *   <li>wsproxy style: {@code /v1?address=host:port} names the TCP target;
 *   <li>Neon-proxy style: any path, the target fixed by {@link Builder#fixedTarget};
 *   <li>binary frames only: a text frame closes the WebSocket with 1003;
 *   <li>when the target closes the TCP connection, the WebSocket is closed (1000), and the other
 *       way round;
 *   <li>optional TLS ({@code wss://}) from PEM files, e.g. the kit's CA-signed certificate,
 *       terminated by the JDK's TLS server in front of the WebSocket server (see {@link TlsFront}).
 * </ul>
 *
 * <p>Each tunnel has one daemon thread copying TCP to WebSocket (bounded: it waits while the client
 * is slow to take frames); WebSocket to TCP runs on the server's worker threads, which stop reading
 * the network while a TCP write blocks.
 */
public final class WebSocketProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketProxy.class);
  private static final int COPY_BUFFER_BYTES = 64 * 1024;
  private static final int MAX_QUEUED_FRAMES = 16;
  private static final int TARGET_CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final AtomicInteger PROXY_IDS = new AtomicInteger();

  private final ProxyServer server;
  private final boolean secure;
  private final String host;
  private final TlsFront tlsFront;
  private final String sourceAddress;
  private final AtomicInteger openTunnels = new AtomicInteger();
  private final AtomicLong tunnelsOpened = new AtomicLong();

  private WebSocketProxy(Builder builder) {
    this.host = builder.listenAddress;
    this.secure = builder.tls != null;
    this.sourceAddress = builder.sourceAddress;
    // With TLS, the WebSocket server listens on a private loopback port behind a TLS front.
    this.server =
        new ProxyServer(
            builder, secure ? "127.0.0.1" : builder.listenAddress, secure ? 0 : builder.listenPort);
    this.server.start();
    this.server.awaitStart();
    if (secure) {
      try {
        this.tlsFront =
            new TlsFront(builder.tls, builder.listenAddress, builder.listenPort, server.getPort());
      } catch (IOException e) {
        close();
        throw new NeonStackException("the WebSocket proxy cannot listen for TLS: " + e, e);
      }
    } else {
      this.tlsFront = null;
    }
  }

  /** A new proxy configuration listening on {@code 127.0.0.1}, any free port, no TLS. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port the proxy listens on. */
  public int port() {
    return tlsFront != null ? tlsFront.port() : server.getPort();
  }

  /** Whether the proxy speaks {@code wss://}. */
  public boolean secure() {
    return secure;
  }

  /** {@code ws://HOST:PORT} or {@code wss://HOST:PORT}, for the listen address given. */
  public String baseUrl() {
    String shown = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return (secure ? "wss://" : "ws://") + shown + ":" + port();
  }

  /**
   * The wsproxy-style URL template for the {@code webSocketUrl} property: {@code
   * ws://127.0.0.1:PORT/v1?address={host}:{port}}.
   */
  public String urlTemplate() {
    return baseUrl() + "/v1?address={host}:{port}";
  }

  /** The address the proxy's TCP connections come from, or {@code null} for the default. */
  public String sourceAddress() {
    return sourceAddress;
  }

  /** Tunnels currently open. */
  public int openTunnels() {
    return openTunnels.get();
  }

  /** Tunnels opened since start. */
  public long tunnelsOpened() {
    return tunnelsOpened.get();
  }

  /**
   * Drops every tunnel at once, without closing handshakes (as if the proxy crashed), then stops
   * listening.
   */
  public void kill() {
    if (tlsFront != null) {
      tlsFront.close();
    }
    for (WebSocket connection : server.getConnections()) {
      if (connection instanceof WebSocketImpl impl) {
        impl.closeConnection(CloseFrame.ABNORMAL_CLOSE, "proxy killed", false);
      }
      Tunnel tunnel = connection.getAttachment();
      if (tunnel != null) {
        tunnel.closeTarget();
      }
    }
    close();
  }

  /** Closes every tunnel (1001, going away) and stops listening; threads end. */
  @Override
  public void close() {
    try {
      server.stop(2000, "proxy stopping");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (WebSocket connection : server.getConnections()) {
      Tunnel tunnel = connection.getAttachment();
      if (tunnel != null) {
        tunnel.closeTarget();
      }
    }
    if (tlsFront != null) {
      tlsFront.close();
    }
  }

  @Override
  public String toString() {
    return "WebSocketProxy[" + baseUrl() + "]";
  }

  /** Configuration of a {@link WebSocketProxy}. */
  public static final class Builder {
    private String listenAddress = "127.0.0.1";
    private int listenPort;
    private SSLContext tls;
    private InetSocketAddress fixedTarget;
    private boolean addressParameter = true;
    private String sourceAddress;

    private Builder() {}

    /** The address to listen on ({@code 127.0.0.1} unless set). */
    public Builder listenAddress(String address) {
      this.listenAddress = address;
      return this;
    }

    /** The port to listen on (0, any free port, unless set). */
    public Builder listenPort(int port) {
      this.listenPort = port;
      return this;
    }

    /** Serve {@code wss://} with this certificate (PEM) and PKCS8 key (PEM). */
    public Builder tls(Path certificate, Path key) {
      this.tls = PemTls.serverContext(certificate, key);
      return this;
    }

    /** Serve {@code wss://} with this TLS context. */
    public Builder tls(SSLContext context) {
      this.tls = context;
      return this;
    }

    /** Neon-proxy style: every tunnel without an {@code address} parameter goes here. */
    public Builder fixedTarget(String host, int port) {
      this.fixedTarget = InetSocketAddress.createUnresolved(host, port);
      return this;
    }

    /** Whether {@code ?address=host:port} may name the target (wsproxy style; default true). */
    public Builder addressParameter(boolean allowed) {
      this.addressParameter = allowed;
      return this;
    }

    /**
     * Local address the proxy's TCP connections come from, e.g. {@code 127.0.0.2} so that
     * PostgreSQL's {@code pg_hba.conf} can treat tunnelled logins differently. Ignored (with a log
     * line) where the address cannot be bound.
     */
    public Builder sourceAddress(String address) {
      this.sourceAddress = address;
      return this;
    }

    /**
     * Starts the proxy and waits until it listens.
     *
     * @throws NeonStackException when it cannot listen
     */
    public WebSocketProxy start() {
      if (sourceAddress != null && !canBind(sourceAddress)) {
        LOG.info("ws proxy: cannot bind {}, tunnels come from the default address", sourceAddress);
        sourceAddress = null;
      }
      return new WebSocketProxy(this);
    }

    private static boolean canBind(String address) {
      try (Socket probe = new Socket()) {
        probe.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }

  /** One WebSocket and its TCP connection to the target. */
  private final class Tunnel {
    private final WebSocket webSocket;
    private final Socket target;
    private final OutputStream toTarget;

    Tunnel(WebSocket webSocket, Socket target) throws IOException {
      this.webSocket = webSocket;
      this.target = target;
      this.toTarget = target.getOutputStream();
    }

    void startPump(String name) {
      Thread pump = new Thread(this::copyTargetToWebSocket, name);
      pump.setDaemon(true);
      pump.start();
    }

    void toTarget(ByteBuffer bytes) throws IOException {
      if (bytes.hasArray()) {
        toTarget.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
      } else {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        toTarget.write(copy);
      }
      toTarget.flush();
    }

    private void copyTargetToWebSocket() {
      byte[] buffer = new byte[COPY_BUFFER_BYTES];
      try (InputStream in = target.getInputStream()) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          if (read == 0) {
            continue;
          }
          awaitRoom();
          if (!webSocket.isOpen()) {
            return;
          }
          webSocket.send(ByteBuffer.wrap(java.util.Arrays.copyOf(buffer, read)));
        }
        webSocket.close(CloseFrame.NORMAL, "server closed the connection");
      } catch (IOException | RuntimeException e) {
        if (webSocket.isOpen()) {
          webSocket.close(CloseFrame.UNEXPECTED_CONDITION, "target: " + e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeTarget();
      }
    }

    /** Waits while the client is slow to take frames, so the proxy's queue stays bounded. */
    private void awaitRoom() throws InterruptedException {
      if (!(webSocket instanceof WebSocketImpl impl)) {
        return;
      }
      while (webSocket.isOpen() && impl.outQueue.size() > MAX_QUEUED_FRAMES) {
        Thread.sleep(1);
      }
    }

    void closeTarget() {
      try {
        target.close();
      } catch (IOException ignored) {
        // Already closed, or nothing to do.
      }
    }
  }

  private final class ProxyServer extends WebSocketServer {
    private final InetSocketAddress fixedTarget;
    private final boolean addressParameter;
    private final String sourceAddress;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Exception startFailure;
    private final int id = PROXY_IDS.incrementAndGet();

    ProxyServer(Builder builder, String listenAddress, int listenPort) {
      super(new InetSocketAddress(listenAddress, listenPort), 2);
      this.fixedTarget = builder.fixedTarget;
      this.addressParameter = builder.addressParameter;
      this.sourceAddress = builder.sourceAddress;
      setDaemon(true);
      setReuseAddr(true);
      setTcpNoDelay(true);
      setConnectionLostTimeout(0);
    }

    void awaitStart() {
      try {
        if (!started.await(10, TimeUnit.SECONDS) || startFailure != null) {
          throw new NeonStackException("the WebSocket proxy did not start", startFailure);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NeonStackException("interrupted while starting the WebSocket proxy", e);
      }
    }

    @Override
    public void onStart() {
      started.countDown();
    }

    @Override
    public void onOpen(WebSocket connection, ClientHandshake handshake) {
      InetSocketAddress target;
      try {
        target = targetFor(handshake.getResourceDescriptor());
      } catch (IllegalArgumentException e) {
        connection.close(CloseFrame.POLICY_VALIDATION, e.getMessage());
        return;
      }
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        if (sourceAddress != null) {
          socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
        }
        socket.connect(
            new InetSocketAddress(target.getHostString(), target.getPort()),
            TARGET_CONNECT_TIMEOUT_MILLIS);
        Tunnel tunnel = new Tunnel(connection, socket);
        connection.setAttachment(tunnel);
        openTunnels.incrementAndGet();
        tunnelsOpened.incrementAndGet();
        tunnel.startPump("ws-proxy-" + id + "-to-client-" + tunnelsOpened.get());
      } catch (IOException e) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Nothing was opened.
        }
        connection.close(
            CloseFrame.UNEXPECTED_CONDITION, "cannot reach " + target + ": " + e.getMessage());
      }
    }

    private InetSocketAddress targetFor(String resource) {
      String address = null;
      try {
        String query = new URI(resource).getRawQuery();
        if (query != null) {
          for (String pair : query.split("&")) {
            if (pair.startsWith("address=")) {
              address = URLDecoder.decode(pair.substring(8), StandardCharsets.UTF_8);
            }
          }
        }
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("bad request path " + resource);
      }
      if (address != null && addressParameter) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("address must be host:port, got " + address);
        }
        String targetHost = address.substring(0, colon);
        if (targetHost.startsWith("[") && targetHost.endsWith("]")) {
          targetHost = targetHost.substring(1, targetHost.length() - 1);
        }
        return InetSocketAddress.createUnresolved(
            targetHost, Integer.parseInt(address.substring(colon + 1)));
      }
      if (fixedTarget != null) {
        return fixedTarget;
      }
      throw new IllegalArgumentException("no target: use /v1?address=host:port");
    }

    @Override
    public void onMessage(WebSocket connection, ByteBuffer message) {
      Tunnel tunnel = connection.getAttachment();
      if (tunnel == null) {
        return;
      }
      try {
        tunnel.toTarget(message);
      } catch (IOException e) {
        connection.close(CloseFrame.UNEXPECTED_CONDITION, "target: " + e.getMessage());
        tunnel.closeTarget();
      }
    }

    @Override
    public void onMessage(WebSocket connection, String message) {
      connection.close(CloseFrame.REFUSE, "text frames are not supported; send binary frames");
      Tunnel tunnel = connection.getAttachment();
      if (tunnel != null) {
        tunnel.closeTarget();
      }
    }

    @Override
    public void onClose(WebSocket connection, int code, String reason, boolean remote) {
      Tunnel tunnel = connection.getAttachment();
      if (tunnel != null) {
        tunnel.closeTarget();
        openTunnels.decrementAndGet();
      }
    }

    @Override
    public void onError(WebSocket connection, Exception error) {
      if (connection == null) {
        startFailure = error;
        started.countDown();
        return;
      }
      LOG.debug("ws proxy tunnel error", error);
      Tunnel tunnel = connection.getAttachment();
      if (tunnel != null) {
        tunnel.closeTarget();
      }
    }
  }
}

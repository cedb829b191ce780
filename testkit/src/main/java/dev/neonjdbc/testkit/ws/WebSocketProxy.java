package dev.neonjdbc.testkit.ws;

import dev.neonjdbc.testkit.NeonStackException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket-to-TCP proxy for tests, behaving like Neon's:
 *
 * <ul>
 *   <li>wsproxy style: {@code /v1?address=host:port} names the TCP target;
 *   <li>Neon-proxy style: any path, the target fixed by {@link Builder#fixedTarget};
 *   <li>binary frames only: a text frame closes the WebSocket with 1003;
 *   <li>when the target closes the TCP connection, the WebSocket is closed (1000), and the other
 *       way round;
 *   <li>optional TLS ({@code wss://}) from PEM files, e.g. the kit's CA-signed certificate,
 *       terminated by the JDK's TLS server, which sends its whole first flight at once (one round
 *       trip for TLS 1.3), as a production TLS server does.
 * </ul>
 *
 * <p>Java-WebSocket's RFC 6455 draft checks and answers the opening handshake; frames are relayed
 * by {@link ProxyTunnel} with blocking sockets and TCP_NODELAY on both sides: two daemon threads
 * per tunnel, one per direction, each reading one side and writing the other itself, plus one
 * thread accepting connections. Every thread ends when its connection or the proxy closes.
 */
public final class WebSocketProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketProxy.class);
  private static final AtomicInteger PROXY_IDS = new AtomicInteger();

  private final ServerSocket listener;
  private final boolean secure;
  private final String host;
  private final InetSocketAddress fixedTarget;
  private final boolean addressParameter;
  private final String sourceAddress;
  private final int id = PROXY_IDS.incrementAndGet();
  private final Set<ProxyTunnel> tunnels = ConcurrentHashMap.newKeySet();
  private final AtomicInteger openTunnels = new AtomicInteger();
  private final AtomicLong tunnelsOpened = new AtomicLong();
  private final AtomicLong connectionsAccepted = new AtomicLong();
  private volatile boolean closed;

  private WebSocketProxy(Builder builder) {
    this.host = builder.listenAddress;
    this.secure = builder.tls != null;
    this.fixedTarget = builder.fixedTarget;
    this.addressParameter = builder.addressParameter;
    this.sourceAddress = builder.sourceAddress;
    try {
      InetAddress bindAddress = InetAddress.getByName(builder.listenAddress);
      this.listener =
          secure
              ? builder
                  .tls
                  .getServerSocketFactory()
                  .createServerSocket(builder.listenPort, 128, bindAddress)
              : new ServerSocket(builder.listenPort, 128, bindAddress);
    } catch (IOException e) {
      throw new NeonStackException("the WebSocket proxy cannot listen: " + e, e);
    }
    Thread acceptor = new Thread(this::acceptLoop, "ws-proxy-" + id + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A new proxy configuration listening on {@code 127.0.0.1}, any free port, no TLS. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port the proxy listens on. */
  public int port() {
    return listener.getLocalPort();
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
    stopListening();
    for (ProxyTunnel tunnel : tunnels) {
      tunnel.kill();
    }
  }

  /** Closes every tunnel (1001, going away) and stops listening; threads end. */
  @Override
  public void close() {
    stopListening();
    for (ProxyTunnel tunnel : tunnels) {
      tunnel.goAway();
    }
  }

  private void stopListening() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // Closing is best effort.
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.debug("ws proxy: accept failed, no longer listening", e);
        }
        return;
      }
      ProxyTunnel tunnel =
          new ProxyTunnel(
              client, new Owner(), "ws-proxy-" + id + "-" + connectionsAccepted.incrementAndGet());
      tunnels.add(tunnel);
      if (closed) {
        tunnel.kill();
      }
      tunnel.start();
    }
  }

  @Override
  public String toString() {
    return "WebSocketProxy[" + baseUrl() + "]";
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
      try {
        return InetSocketAddress.createUnresolved(
            targetHost, Integer.parseInt(address.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("address must be host:port, got " + address);
      }
    }
    if (fixedTarget != null) {
      return fixedTarget;
    }
    throw new IllegalArgumentException("no target: use /v1?address=host:port");
  }

  /** The proxy as its tunnels see it. */
  private final class Owner implements ProxyTunnel.Owner {
    @Override
    public InetSocketAddress targetFor(String resource) {
      return WebSocketProxy.this.targetFor(resource);
    }

    @Override
    public InetSocketAddress sourceAddress() {
      if (sourceAddress == null) {
        return null;
      }
      try {
        return new InetSocketAddress(InetAddress.getByName(sourceAddress), 0);
      } catch (IOException e) {
        return null;
      }
    }

    @Override
    public void opened(ProxyTunnel tunnel) {
      openTunnels.incrementAndGet();
      tunnelsOpened.incrementAndGet();
    }

    @Override
    public void ended(ProxyTunnel tunnel, boolean reachedTarget) {
      tunnels.remove(tunnel);
      if (reachedTarget) {
        openTunnels.decrementAndGet();
      }
    }
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
}

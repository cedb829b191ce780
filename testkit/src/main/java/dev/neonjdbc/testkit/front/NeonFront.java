package dev.neonjdbc.testkit.front;

import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.ServerEndpoint;
import dev.neonjdbc.testkit.ws.PemTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * A proxy in front of a stack's pooled and direct endpoints that behaves, on the path a driver
 * sees, like Neon's proxy ({@code neondatabase/neon}, {@code proxy/src}):
 *
 * <ul>
 *   <li>one Postgres port with TLS termination, by SSLRequest or direct TLS (ALPN {@code
 *       postgresql}), routing by endpoint id: SNI {@code ENDPOINT.DOMAIN} goes to the direct
 *       upstream, {@code ENDPOINT-pooler.DOMAIN} to the pooled one, with {@code
 *       options=endpoint=ID} and the password hack as fallbacks ({@link FrontHandshake}, {@link
 *       EndpointResolver});
 *   <li>authentication at the front: SCRAM-SHA-256 and SCRAM-SHA-256-PLUS bound to the front's own
 *       certificate on TCP, a cleartext password on WebSocket; then the front logs in upstream
 *       itself and relays the session ({@link ClientAuthentication}, {@link UpstreamLogin});
 *   <li>a WebSocket port ({@code wss://}, any path, e.g. {@code /v2}; the endpoint comes from the
 *       {@code Host} header or the options) carrying the Postgres protocol without inner TLS;
 *   <li>a compute that suspends and wakes ({@link #suspend()}, {@link WakePolicy}), and Neon's
 *       error texts and SQLStates ({@link NeonError}).
 * </ul>
 *
 * <p>Clients reach it at {@code 127.0.0.1:port()} while naming the Neon host: pgJDBC with {@link
 * FrontSocketFactory} ({@link #socketFactoryParameters()}), which keeps the host name for SNI and
 * certificate checks. One thread accepts per port; each session uses two threads while relaying.
 * {@link #close()} ends every session and joins every thread.
 */
public final class NeonFront implements AutoCloseable {
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final NeonFrontConfig config;
  private final SSLContext tls;
  private final FrontHandshake handshake;
  private final EndpointResolver resolver;
  private final Scram.Secret secret;
  private final byte[] passwordDigest;
  private final Map<String, byte[]> saltedPasswords = new ConcurrentHashMap<>();
  private final FrontLog log;
  private final ServerSocket listener;
  private final ServerSocket webSocketListener;
  private final Map<String, InetSocketAddress[]> upstreams = new ConcurrentHashMap<>();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final Set<FrontSession> sessions = ConcurrentHashMap.newKeySet();
  private final Set<FrontSession> relaying = ConcurrentHashMap.newKeySet();
  private final Map<Long, FrontSession> byCancelKey = new ConcurrentHashMap<>();
  private final AtomicLong sessionCount = new AtomicLong();
  private final AtomicLong sessionsCut = new AtomicLong();
  private final Map<String, AtomicLong> logins = new ConcurrentHashMap<>();
  private final Object computeLock = new Object();
  private volatile boolean closed;
  // Compute state, guarded by computeLock.
  private boolean suspended;
  private WakePolicy wakePolicy;
  private int failuresLeft;
  private long wakeAtNanos;
  private boolean waking;
  private long generation;

  private NeonFront(NeonFrontConfig config) {
    this.config = config;
    this.tls = PemTls.serverContext(config.certificate(), config.key());
    this.handshake = new FrontHandshake(tls, config.directTlsRequiresAlpn());
    this.resolver = new EndpointResolver(config.domain());
    route(
        config.endpointId(),
        config.pooledHost(),
        config.pooledPort(),
        config.directHost(),
        config.directPort());
    this.secret = Scram.Secret.of(config.password());
    this.passwordDigest =
        Scram.sha256(config.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    this.log = new FrontLog(config.logFile());
    this.wakePolicy = config.wakePolicy();
    this.suspended = config.suspended();
    this.failuresLeft = wakePolicy.failingConnects();
    try {
      InetAddress address = InetAddress.getByName(config.listenAddress());
      this.listener = new ServerSocket(config.port(), 128, address);
      this.webSocketListener =
          config.webSocketPort() < 0
              ? null
              : new ServerSocket(config.webSocketPort(), 128, address);
    } catch (IOException e) {
      throw new NeonStackException("the Neon front cannot listen: " + e, e);
    }
  }

  /**
   * Starts a front and returns once it listens.
   *
   * @throws NeonStackException when it cannot listen or read its certificate
   */
  public static NeonFront start(NeonFrontConfig config) {
    NeonFront front = new NeonFront(config);
    front.newThread("neon-front-accept", () -> front.acceptLoop(front.listener, false)).start();
    if (front.webSocketListener != null) {
      front
          .newThread("neon-front-ws-accept", () -> front.acceptLoop(front.webSocketListener, true))
          .start();
    }
    front.log(
        "listening on %s:%d (postgres) and %s (websocket) for %s and %s -> pooled %s:%d, direct"
            + " %s:%d%s",
        config.listenAddress(),
        front.port(),
        front.webSocketListener == null ? "none" : String.valueOf(front.webSocketPort()),
        config.pooledHostName(),
        config.directHostName(),
        config.pooledHost(),
        config.pooledPort(),
        config.directHost(),
        config.directPort(),
        config.suspended() ? ", suspended" : "");
    return front;
  }

  /** The configuration it runs with. */
  public NeonFrontConfig config() {
    return config;
  }

  /** The Postgres port (SSLRequest and direct TLS). */
  public int port() {
    return listener.getLocalPort();
  }

  /** The WebSocket ({@code wss://}) port, or -1 when there is none. */
  public int webSocketPort() {
    return webSocketListener == null ? -1 : webSocketListener.getLocalPort();
  }

  /** {@code ENDPOINT-pooler.DOMAIN}. */
  public String pooledHostName() {
    return config.pooledHostName();
  }

  /** {@code ENDPOINT.DOMAIN}. */
  public String directHostName() {
    return config.directHostName();
  }

  /** The host name that names {@code endpoint}. */
  public String hostName(ServerEndpoint endpoint) {
    return endpoint == ServerEndpoint.POOLED ? pooledHostName() : directHostName();
  }

  /**
   * Serves one more endpoint, as Neon's proxy serves every compute of a project (a read replica is
   * an endpoint of its own): {@code ENDPOINT_ID-pooler.DOMAIN} goes to {@code
   * pooledHost:pooledPort}, {@code ENDPOINT_ID.DOMAIN} to {@code directHost:directPort}. Clients
   * log in with the front's role and password on every endpoint; {@link #suspend()} applies to all
   * of them. Routing an id again replaces its upstreams.
   *
   * @param endpointId the first label without {@code -pooler}, e.g. {@link
   *     NeonFrontConfig#REPLICA_ENDPOINT_ID}
   */
  public void route(
      String endpointId, String pooledHost, int pooledPort, String directHost, int directPort) {
    String id = endpointId.toLowerCase(Locale.ROOT);
    if (id.endsWith("-pooler") || id.contains(".")) {
      throw new IllegalArgumentException("endpointId is the first label without -pooler: " + id);
    }
    upstreams.put(
        id,
        new InetSocketAddress[] {
          new InetSocketAddress(pooledHost, pooledPort),
          new InetSocketAddress(directHost, directPort)
        });
    if (!id.equals(config.endpointId())) {
      log(
          "routing %s-pooler.%s -> %s:%d and %s.%s -> %s:%d",
          id, config.domain(), pooledHost, pooledPort, id, config.domain(), directHost, directPort);
    }
  }

  /** The host name of {@code endpoint} of the endpoint {@code endpointId} in the front's domain. */
  public String hostName(String endpointId, ServerEndpoint endpoint) {
    return endpointId + (endpoint == ServerEndpoint.POOLED ? "-pooler." : ".") + config.domain();
  }

  /**
   * pgJDBC parameters that send connections for any host to this front while keeping the host name
   * for SNI and certificate checks: {@code
   * socketFactory=dev.neonjdbc.testkit.front.FrontSocketFactory&socketFactoryArg=127.0.0.1:PORT}.
   */
  public String socketFactoryParameters() {
    return "socketFactory="
        + FrontSocketFactory.class.getName()
        + "&socketFactoryArg="
        + config.listenAddress()
        + ":"
        + port();
  }

  /** {@code wss://LISTEN_ADDRESS:WS_PORT/v2}. */
  public String webSocketUrl() {
    return "wss://" + config.listenAddress() + ":" + webSocketPort() + "/v2";
  }

  /**
   * Suspends the compute with the configured {@link WakePolicy}: sessions through the front are cut
   * (FATAL {@code 57P01}), later connects meet the policy.
   */
  public void suspend() {
    suspend(config.wakePolicy());
  }

  /** Suspends the compute; connects meet {@code policy} until it wakes. */
  public void suspend(WakePolicy policy) {
    List<FrontSession> victims;
    synchronized (computeLock) {
      suspended = true;
      waking = false;
      wakePolicy = policy;
      failuresLeft = policy.failingConnects();
      generation++;
      victims = new ArrayList<>(relaying);
      relaying.clear();
      computeLock.notifyAll();
    }
    for (FrontSession session : victims) {
      session.cut();
    }
    sessionsCut.addAndGet(victims.size());
    log("compute suspended (%s): %d session(s) cut", policy, victims.size());
  }

  /** Wakes the compute at once; connects waiting for a wake-up proceed. */
  public void wake() {
    synchronized (computeLock) {
      suspended = false;
      waking = false;
      computeLock.notifyAll();
    }
    log("compute woken");
  }

  /** Whether the compute is suspended (or still waking up). */
  public boolean suspended() {
    synchronized (computeLock) {
      return suspended;
    }
  }

  /** Sessions relaying through the front now. */
  public int openSessions() {
    return relaying.size();
  }

  /**
   * Client connections accepted on either port since start: every connect attempt a client made,
   * whatever came of it (a refused login, a retryable error, a cancel request, a session).
   */
  public long connectionsAccepted() {
    return sessionCount.get();
  }

  /** Sessions cut by suspends since start. */
  public long sessionsCut() {
    return sessionsCut.get();
  }

  /**
   * Logins that passed authentication at the front, by how the client came: {@code tls} (after an
   * SSLRequest), {@code direct-tls} or {@code websocket}.
   */
  public long logins(String transport) {
    AtomicLong count = logins.get(transport);
    return count == null ? 0 : count.get();
  }

  /** Stops listening, ends every session and joins every thread the front started. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (computeLock) {
      computeLock.notifyAll();
    }
    closeQuietly(listener);
    closeQuietly(webSocketListener);
    for (FrontSession session : sessions) {
      session.close();
    }
    long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
    for (Thread thread : new ArrayList<>(threads)) {
      long left = deadline - System.nanoTime();
      if (left > 0 && thread != Thread.currentThread()) {
        try {
          thread.join(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    log("stopped; %d session(s) served", sessionCount.get());
    log.close();
  }

  /** Same as {@link #close()}. */
  public void stop() {
    close();
  }

  /** Threads of this front still alive (for tests that check nothing is left behind). */
  public int liveThreads() {
    return (int) threads.stream().filter(Thread::isAlive).count();
  }

  @Override
  public String toString() {
    return "NeonFront[" + config.listenAddress() + ":" + port() + ", " + directHostName() + "]";
  }

  // ---- for sessions ----

  FrontHandshake handshake() {
    return handshake;
  }

  EndpointResolver resolver() {
    return resolver;
  }

  SSLContext tlsContext() {
    return tls;
  }

  String password() {
    return config.password();
  }

  Scram.Secret secretOf(String user) {
    return config.user().equals(user) ? secret : null;
  }

  byte[] passwordDigestOf(String user) {
    return config.user().equals(user) ? passwordDigest : null;
  }

  /**
   * PBKDF2 of the password for an upstream's salt, computed once per salt: PgBouncer and PostgreSQL
   * answer with the same {@code pg_authid} salt every time.
   */
  byte[] saltedPassword(byte[] salt, int iterations) {
    return saltedPasswords.computeIfAbsent(
        Scram.base64(salt) + ":" + iterations,
        key -> Scram.saltedPassword(config.password(), salt, iterations));
  }

  /** Where {@code kind} of the endpoint {@code endpointId} runs; null for an unknown endpoint. */
  InetSocketAddress upstreamOf(String endpointId, ServerEndpoint kind) {
    InetSocketAddress[] pair = upstreams.get(endpointId);
    return pair == null ? null : pair[kind == ServerEndpoint.POOLED ? 0 : 1];
  }

  /**
   * Waits until the compute runs, per the {@link WakePolicy}.
   *
   * @return the compute generation the session belongs to (a suspend cuts older ones)
   * @throws FrontFailure the policy's error for a connect that fails
   */
  long admit(String session) throws FrontFailure, InterruptedException {
    synchronized (computeLock) {
      boolean waited = false;
      while (true) {
        if (closed) {
          throw FrontFailure.of(NeonError.COULD_NOT_CONNECT);
        }
        if (!suspended) {
          if (waited) {
            log("%s proceeds after the wake-up", session);
          }
          return generation;
        }
        if (!waking) {
          if (failuresLeft > 0) {
            if (failuresLeft != Integer.MAX_VALUE) {
              failuresLeft--;
            }
            throw FrontFailure.of(wakePolicy.failure());
          }
          waking = true;
          wakeAtNanos = System.nanoTime() + wakePolicy.wakeUpTime().toNanos();
          log("%s wakes the compute (%d ms)", session, wakePolicy.wakeUpTime().toMillis());
        }
        long left = wakeAtNanos - System.nanoTime();
        if (left <= 0) {
          suspended = false;
          waking = false;
          computeLock.notifyAll();
          log("compute woke up");
          continue;
        }
        waited = true;
        computeLock.wait(Math.max(1, left / 1_000_000), 0);
      }
    }
  }

  /** Registers a logged-in session; false when a suspend came since it was admitted. */
  boolean startRelay(FrontSession session, long admittedGeneration) {
    synchronized (computeLock) {
      if (closed || admittedGeneration != generation || suspended) {
        return false;
      }
      relaying.add(session);
      byCancelKey.put(cancelKey(session.processId(), session.secretKey()), session);
      return true;
    }
  }

  void authenticated(String transport) {
    logins.computeIfAbsent(transport, key -> new AtomicLong()).incrementAndGet();
  }

  void ended(FrontSession session) {
    sessions.remove(session);
    relaying.remove(session);
    byCancelKey.remove(cancelKey(session.processId(), session.secretKey()));
  }

  void cancel(int processId, int secretKey) {
    FrontSession target = byCancelKey.get(cancelKey(processId, secretKey));
    if (target != null) {
      log("cancel for %s", target.name());
      target.cancelUpstream();
    }
  }

  Thread newThread(String name, Runnable body) {
    Thread thread =
        new Thread(
            () -> {
              try {
                body.run();
              } finally {
                threads.remove(Thread.currentThread());
              }
            },
            name);
    thread.setDaemon(true);
    threads.add(thread);
    return thread;
  }

  void log(String format, Object... arguments) {
    log.line(format, arguments);
  }

  private void acceptLoop(ServerSocket server, boolean webSocket) {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      long number = sessionCount.incrementAndGet();
      String name = (webSocket ? "ws-" : "pg-") + number;
      FrontSession session =
          new FrontSession(this, client, webSocket, name, new int[] {newKeyPart(), newKeyPart()});
      sessions.add(session);
      if (closed) {
        session.close();
        sessions.remove(session);
        return;
      }
      newThread("neon-front-" + name, session::run).start();
    }
  }

  private static int newKeyPart() {
    return RANDOM.nextInt() & 0x7FFFFFFF;
  }

  private static long cancelKey(int processId, int secretKey) {
    return ((long) processId << 32) | (secretKey & 0xFFFFFFFFL);
  }

  private static void closeQuietly(ServerSocket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing is best effort.
      }
    }
  }
}

package dev.neonjdbc.testkit.front;

import dev.neonjdbc.testkit.ServerEndpoint;
import dev.neonjdbc.testkit.ws.WebSocketServerStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One client connection of a {@link NeonFront}: handshake, endpoint, authentication at the front,
 * wake-up, the front's own upstream login, then bytes both ways until either side ends or a suspend
 * cuts the session. The order of steps and what the client sees at each is Neon's ({@code
 * proxy/src/proxy/mod.rs}, {@code handle_client}; {@code proxy/src/auth/backend/mod.rs}, {@code
 * auth_quirks}).
 *
 * <p>Two threads per session once relaying: the accepting thread copies client bytes upstream; a
 * second copies upstream bytes to the client and tracks message boundaries, so a suspend can put
 * PostgreSQL's shutdown error between two messages.
 */
final class FrontSession {
  private static final int LOGIN_TIMEOUT_MILLIS = 60_000;
  private static final int CHUNK_BYTES = 64 * 1024;

  private final NeonFront front;
  private final Socket socket;
  private final boolean webSocketPort;
  private final String name;
  private final int processId;
  private final int secretKey;
  private volatile ClientLink link;
  private volatile UpstreamLogin.Upstream upstream;
  private volatile boolean relaying;
  private volatile boolean cut;
  private byte[] pending = new byte[0];
  // Message framing of the upstream-to-client stream, guarded by the client's write lock.
  private int headerBytes;
  private final byte[] header = new byte[5];
  private long bodyLeft;

  FrontSession(NeonFront front, Socket socket, boolean webSocketPort, String name, int[] key) {
    this.front = front;
    this.socket = socket;
    this.webSocketPort = webSocketPort;
    this.name = name;
    this.processId = key[0];
    this.secretKey = key[1];
  }

  String name() {
    return name;
  }

  int processId() {
    return processId;
  }

  int secretKey() {
    return secretKey;
  }

  /** Runs the session on the calling thread until it ends. */
  void run() {
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(LOGIN_TIMEOUT_MILLIS);
      FrontHandshake.Outcome outcome =
          webSocketPort ? webSocketHandshake() : front.handshake().tcp(socket);
      if (outcome == null) {
        return;
      }
      link = outcome.link();
      if (outcome.isCancel()) {
        front.cancel(outcome.cancelPid(), outcome.cancelKey());
        return;
      }
      login(outcome.parameters());
    } catch (FrontFailure failure) {
      front.log("%s refused (%s): %s", name, failure.sqlState(), failure.getMessage());
      sendError(failure);
    } catch (IOException | RuntimeException e) {
      if (!cut) {
        front.log("%s ended: %s", name, e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      close();
      front.ended(this);
    }
  }

  private FrontHandshake.Outcome webSocketHandshake() throws IOException {
    SSLContext tls = front.tlsContext();
    SSLSocket secure =
        (SSLSocket)
            tls.getSocketFactory()
                .createSocket(socket, new ByteArrayInputStream(new byte[0]), true);
    SSLParameters parameters = secure.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {"http/1.1"});
    secure.setSSLParameters(parameters);
    secure.setUseClientMode(false);
    secure.startHandshake();
    WebSocketServerStream stream = WebSocketServerStream.accept(secure);
    if (stream == null) {
      return null;
    }
    String host = stream.header("Host");
    int colon = host.indexOf(':');
    String hostName = colon >= 0 ? host.substring(0, colon) : host;
    ClientLink webSocket =
        ClientLink.webSocket(secure, stream, hostName.isEmpty() ? null : hostName);
    link = webSocket;
    return front.handshake().webSocket(webSocket);
  }

  private void login(Map<String, String> parameters)
      throws IOException, FrontFailure, InterruptedException {
    String user = parameters.get("user");
    if (user == null) {
      throw FrontFailure.of(NeonError.MISSING_PARAMETER, "user");
    }
    String options = parameters.get("options");
    EndpointResolver.Result named = front.resolver().resolve(link.serverName(), options);
    if (named.error() != null) {
      throw failureOf(named);
    }
    String endpoint = named.endpointId();
    String hackPassword = null;
    if (endpoint == null) {
      String[] hack =
          EndpointResolver.passwordHack(ClientAuthentication.askCleartextPassword(link));
      if (hack == null) {
        throw FrontFailure.of(NeonError.MISSING_ENDPOINT);
      }
      endpoint = hack[0];
      hackPassword = hack[1];
    }
    ServerEndpoint kind = EndpointResolver.kindOf(endpoint);
    InetSocketAddress upstreamAddress =
        front.upstreamOf(EndpointResolver.endpointOf(endpoint), kind);
    if (upstreamAddress == null) {
      throw FrontFailure.of(NeonError.ENDPOINT_NOT_FOUND);
    }
    ClientAuthentication authentication =
        new ClientAuthentication(link, user, front.secretOf(user), front.passwordDigestOf(user));
    String method;
    if (hackPassword != null) {
      pending = authentication.checkPassword(hackPassword);
      method = "password hack";
    } else if (link.isWebSocket()) {
      pending = authentication.checkPassword(ClientAuthentication.askCleartextPassword(link));
      method = "cleartext";
    } else {
      pending = authentication.scram();
      method = "SCRAM";
    }
    front.log(
        "%s %s endpoint %s (%s) user %s authenticated by %s",
        name, link.transport(), endpoint, kind.name().toLowerCase(Locale.ROOT), user, method);

    front.authenticated(link.transport());
    long generation = front.admit(name);
    upstream = UpstreamLogin.login(upstreamAddress, upstreamParameters(parameters), front);
    ByteArrayOutputStream flight = new ByteArrayOutputStream();
    flight.writeBytes(pending);
    flight.writeBytes(upstream.greeting());
    flight.writeBytes(
        new PgWire.Flight().begin('K').int32(processId).int32(secretKey).end().toBytes());
    flight.writeBytes(upstream.readyForQuery());
    socket.setSoTimeout(0);
    synchronized (link.writeLock()) {
      if (!front.startRelay(this, generation)) {
        // Suspended between the wake-up and now: the compute went away under the login.
        throw FrontFailure.of(NeonError.COULD_NOT_CONNECT);
      }
      pending = new byte[0];
      relaying = true;
      link.send(flight.toByteArray());
    }
    relay();
  }

  private static FrontFailure failureOf(EndpointResolver.Result result) {
    return FrontFailure.withTextOf(result.error(), result.message());
  }

  /**
   * Startup parameters for the upstream, as Neon passes them to the compute ({@code
   * compute/mod.rs}, {@code set_startup_params}): {@code client_encoding=UTF8}, then {@code user},
   * {@code database}, {@code application_name}, {@code replication} and the {@code options} without
   * the endpoint; everything else only with {@code neon_proxy_params_compat:true} in options.
   */
  static Map<String, String> upstreamParameters(Map<String, String> parameters) {
    Map<String, String> upstream = new LinkedHashMap<>();
    boolean compat = EndpointResolver.paramsCompat(parameters.get("options"));
    if (!compat) {
      upstream.put("client_encoding", "UTF8");
    }
    parameters.forEach(
        (key, value) -> {
          switch (key) {
            case "options" -> {
              String kept = EndpointResolver.filteredOptions(value);
              if (kept != null) {
                upstream.put(key, kept);
              }
            }
            case "user", "database", "application_name", "replication" -> upstream.put(key, value);
            default -> {
              if (compat) {
                upstream.put(key, value);
              }
            }
          }
        });
    return upstream;
  }

  private void relay() {
    Thread down = front.newThread(name + "-down", this::copyUpstreamToClient);
    down.start();
    byte[] buffer = new byte[CHUNK_BYTES];
    InputStream in = link.in();
    OutputStream out = upstream.out();
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (n > 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // Either side went away; closing both ends the other thread.
    }
  }

  private void copyUpstreamToClient() {
    byte[] buffer = new byte[CHUNK_BYTES];
    try {
      InputStream in = upstream.in();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (n == 0) {
          continue;
        }
        synchronized (link.writeLock()) {
          if (cut) {
            return;
          }
          link.send(buffer, 0, n);
          track(buffer, n);
        }
      }
    } catch (IOException e) {
      // The upstream or the client went away.
    } finally {
      close();
    }
  }

  /** Follows message framing over what was sent, so {@link #cut()} knows a boundary. */
  private void track(byte[] bytes, int length) {
    int i = 0;
    while (i < length) {
      if (headerBytes < 5) {
        header[headerBytes++] = bytes[i++];
        if (headerBytes == 5) {
          bodyLeft =
              (((header[1] & 0xFFL) << 24)
                      | ((header[2] & 0xFF) << 16)
                      | ((header[3] & 0xFF) << 8)
                      | (header[4] & 0xFF))
                  - 4;
        }
      } else {
        int take = (int) Math.min(bodyLeft, length - i);
        i += take;
        bodyLeft -= take;
      }
      if (headerBytes == 5 && bodyLeft <= 0) {
        headerBytes = 0;
      }
    }
  }

  /**
   * Ends the session as a compute shutdown does: PostgreSQL's FATAL {@code 57P01} at the next
   * message boundary, then both connections close.
   */
  void cut() {
    ClientLink client = link;
    if (client == null) {
      cut = true;
      close();
      return;
    }
    synchronized (client.writeLock()) {
      boolean wasCut = cut;
      cut = true;
      if (!wasCut && relaying && headerBytes == 0) {
        try {
          client.send(
              new PgWire.Flight()
                  .serverError(
                      NeonError.ADMIN_SHUTDOWN.severity(),
                      NeonError.ADMIN_SHUTDOWN.sqlState(),
                      NeonError.ADMIN_SHUTDOWN.message())
                  .toBytes());
        } catch (IOException e) {
          // The client is gone already.
        }
      }
    }
    close();
  }

  /** Forwards a cancel for this session to its upstream. */
  void cancelUpstream() {
    UpstreamLogin.Upstream current = upstream;
    if (current != null) {
      UpstreamLogin.cancel(current.address(), current.processId(), current.secretKey());
    }
  }

  private void sendError(FrontFailure failure) {
    ClientLink client = link;
    if (client == null) {
      return;
    }
    try {
      ByteArrayOutputStream flight = new ByteArrayOutputStream();
      flight.writeBytes(pending);
      flight.writeBytes(
          new PgWire.Flight().proxyError(failure.sqlState(), failure.getMessage()).toBytes());
      client.send(flight.toByteArray());
    } catch (IOException e) {
      // The client is gone already.
    }
  }

  /** Closes both connections; idempotent. */
  void close() {
    UpstreamLogin.Upstream current = upstream;
    if (current != null) {
      try {
        current.socket().close();
      } catch (IOException ignored) {
        // Closing is best effort.
      }
    }
    ClientLink client = link;
    if (client != null) {
      client.close();
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is best effort.
    }
  }

  @Override
  public String toString() {
    return "FrontSession[" + name + "]";
  }
}

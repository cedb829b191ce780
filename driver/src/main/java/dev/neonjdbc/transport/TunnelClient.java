package dev.neonjdbc.transport;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.BinaryFrame;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.protocols.Protocol;

/**
 * The Java-WebSocket client behind one tunnel socket. Its defaults are set explicitly for a byte
 * tunnel: daemon threads, TCP_NODELAY, no lost-connection checker (the Postgres protocol and {@code
 * socketTimeout} decide when a silent peer is dead), a cap on inbound frame size. It runs over a
 * socket the tunnel has already connected (and wrapped in TLS), so connect timeouts and certificate
 * errors surface on the caller's thread.
 *
 * <p>Two threads per connection, both Java-WebSocket's: a reader (which also sends the handshake)
 * and a writer. Both end when the connection closes.
 */
final class TunnelClient extends WebSocketClient {
  private final TunnelUrl url;
  private final InboundBuffer inbound;
  private final StartupPipeline pipeline;
  private final CountDownLatch opened = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean open;
  private volatile boolean closingLocally;
  private volatile Thread readerThread;
  private volatile Exception lastError;
  private volatile String closeDescription;

  TunnelClient(TunnelUrl url, Socket network, InboundBuffer inbound, StartupPipeline pipeline) {
    super(
        url.uri(),
        new Draft_6455(List.of(), List.of(new Protocol("")), TunnelConfig.MAX_INBOUND_FRAME_BYTES));
    this.url = url;
    this.inbound = inbound;
    this.pipeline = pipeline;
    setConnectionLostTimeout(0);
    setTcpNoDelay(true);
    setDaemon(true);
    setSocketFactory(new HandOver(network));
  }

  /**
   * Waits for the opening handshake.
   *
   * @return true when open; false when {@code timeoutMillis} passed first
   * @throws TunnelException when the server refused the handshake or the connection dropped
   */
  boolean awaitOpen(long timeoutMillis) throws IOException {
    try {
      boolean done =
          timeoutMillis <= 0
              ? awaitForever(opened)
              : opened.await(timeoutMillis, TimeUnit.MILLISECONDS);
      if (!done) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while opening the WebSocket");
    }
    if (!open) {
      throw new TunnelException(
          "WebSocket handshake with " + url + " failed: " + closeDescription, lastError);
    }
    return true;
  }

  private static boolean awaitForever(CountDownLatch latch) throws InterruptedException {
    latch.await();
    return true;
  }

  /** Starts the closing handshake and waits up to {@code millis} for the server's answer. */
  boolean closeOrderly(long millis) {
    closingLocally = true;
    close(CloseFrame.NORMAL);
    try {
      return closed.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Marks the close as the application's, so the end of stream is not reported as a failure. */
  void markClosingLocally() {
    closingLocally = true;
  }

  /** Waits briefly for the reader thread to finish, so no thread outlives the socket. */
  void joinReader(long millis) {
    Thread reader = readerThread;
    if (reader != null && reader != Thread.currentThread()) {
      try {
        reader.join(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * {@code payload} as one masked binary frame, ready for the network. Uses the connection's own
   * draft (which knows it is the client's and masks).
   */
  ByteBuffer binaryFrame(ByteBuffer payload) {
    BinaryFrame frame = new BinaryFrame();
    frame.setPayload(payload);
    frame.setFin(true);
    frame.setTransferemasked(true);
    return getConnection().getDraft().createBinaryFrame(frame);
  }

  boolean isTunnelOpen() {
    return open && !closingLocally && closed.getCount() > 0;
  }

  @Override
  public void onOpen(ServerHandshake handshake) {
    readerThread = Thread.currentThread();
    open = true;
    opened.countDown();
  }

  @Override
  public void onMessage(ByteBuffer bytes) {
    if (pipeline != null) {
      TunnelException refused = pipeline.inbound(bytes);
      if (refused != null) {
        inbound.end(refused);
        close(CloseFrame.POLICY_VALIDATION, "authentication method mismatch");
        return;
      }
    }
    inbound.put(bytes);
  }

  @Override
  public void onMessage(String message) {
    inbound.end(
        new TunnelException(
            "the WebSocket server "
                + url
                + " sent a text frame; the Postgres tunnel carries binary frames only"));
    close(CloseFrame.REFUSE, "text frames are not part of the Postgres tunnel");
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    closeDescription = describe(code, reason);
    IOException failure = null;
    if (code != CloseFrame.NORMAL && !closingLocally) {
      failure =
          new SocketException("the WebSocket tunnel to " + url + " closed: " + closeDescription);
      if (lastError != null) {
        failure.initCause(lastError);
      }
    }
    inbound.end(failure);
    opened.countDown();
    closed.countDown();
  }

  @Override
  public void onError(Exception error) {
    lastError = error;
  }

  private String describe(int code, String reason) {
    StringBuilder text = new StringBuilder("code ").append(code);
    if (code == CloseFrame.ABNORMAL_CLOSE || code == CloseFrame.NEVER_CONNECTED) {
      text.append(" (connection lost without a closing handshake)");
    }
    if (reason != null && !reason.isBlank()) {
      text.append(": ").append(reason);
    }
    Exception error = lastError;
    if (error != null && (reason == null || !reason.contains(String.valueOf(error.getMessage())))) {
      text.append(" (").append(error).append(')');
    }
    return text.toString();
  }

  /** Hands Java-WebSocket the socket the tunnel already connected; it never opens its own. */
  private static final class HandOver extends SocketFactory {
    private final Socket socket;

    HandOver(Socket socket) {
      this.socket = socket;
    }

    @Override
    public Socket createSocket() {
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      throw new SocketException("the WebSocket tunnel supplies its own socket");
    }

    @Override
    public Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort)
        throws IOException {
      throw new SocketException("the WebSocket tunnel supplies its own socket");
    }

    @Override
    public Socket createSocket(java.net.InetAddress host, int port) throws IOException {
      throw new SocketException("the WebSocket tunnel supplies its own socket");
    }

    @Override
    public Socket createSocket(
        java.net.InetAddress address, int port, java.net.InetAddress localAddress, int localPort)
        throws IOException {
      throw new SocketException("the WebSocket tunnel supplies its own socket");
    }
  }
}

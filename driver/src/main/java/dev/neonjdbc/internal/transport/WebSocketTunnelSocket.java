package dev.neonjdbc.internal.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Socket} whose bytes travel in binary WebSocket frames. Created unconnected; {@link
 * #connect(SocketAddress, int)} expands the URL template for the address pgJDBC asks for, opens TCP
 * (and TLS for {@code wss}) within the timeout, and completes the WebSocket handshake.
 *
 * <p>Afterwards it behaves like a TCP socket as pgJDBC uses one, and like one it has no threads of
 * its own: reads take frames off the network on the caller's thread, bounded by {@code SO_TIMEOUT}
 * ({@link SocketTimeoutException}, the socket stays usable); output is buffered until {@code
 * flush()}, which sends one frame (larger flushes go out in frames of {@value
 * TunnelConfig#MAX_OUTBOUND_FRAME_BYTES} bytes) from the caller's thread, blocking while the
 * network is full; the server's normal close is the end of stream, any other close or error fails
 * both directions. {@link #close()} sends a close frame and waits briefly for the answer; with
 * {@code SO_LINGER} 0 it drops the connection at once.
 */
final class WebSocketTunnelSocket extends Socket {
  private final TunnelConfig config;
  private final Object stateLock = new Object();
  private final TunnelInputStream input = new TunnelInputStream();
  private final TunnelOutputStream output = new TunnelOutputStream();
  private volatile int soTimeout;
  private boolean tcpNoDelay = true;
  private boolean keepAlive;
  private int lingerSeconds = -1;
  private int sendBufferSize = TunnelConfig.MAX_OUTBOUND_FRAME_BYTES;
  private int receiveBufferSize = TunnelConfig.MAX_OUTBOUND_FRAME_BYTES;
  private SocketAddress localBind;
  private InetSocketAddress remote;
  private Socket network;
  private TunnelClient client;
  private StartupPipeline pipeline;
  private boolean connecting;
  private boolean connected;
  private boolean closed;

  WebSocketTunnelSocket(TunnelConfig config) {
    this.config = config;
  }

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    connect(endpoint, 0);
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    if (!(endpoint instanceof InetSocketAddress target)) {
      throw new IllegalArgumentException("unsupported address type: " + endpoint);
    }
    if (timeout < 0) {
      throw new IllegalArgumentException("connect timeout < 0");
    }
    synchronized (stateLock) {
      if (closed) {
        throw new SocketException("Socket is closed");
      }
      if (connected || connecting) {
        throw new SocketException("already connected");
      }
      connecting = true;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
    TunnelUrl url =
        TunnelUrl.resolve(
            config.urlTemplate(), target.getHostString(), target.getPort(), config.allowInsecure());
    Socket opened = null;
    try {
      opened = new Socket();
      opened.setTcpNoDelay(true);
      opened.setKeepAlive(keepAlive);
      if (localBind != null) {
        opened.bind(localBind);
      }
      synchronized (stateLock) {
        if (closed) {
          throw new SocketException("Socket is closed");
        }
        network = opened;
      }
      connectNetwork(opened, url, timeout);
      if (url.secure()) {
        opened =
            TunnelTls.handshake(opened, url, config.tlsProperties(), remaining(deadline, timeout));
      }
      StartupPipeline startup =
          config.pipelineConnect() ? new StartupPipeline(config.password()) : null;
      synchronized (stateLock) {
        if (closed) {
          throw new SocketException("Socket is closed");
        }
        network = opened;
        pipeline = startup;
      }
      TunnelClient tunnel =
          TunnelClient.open(url, opened, startup, timeout == 0 ? 0 : remaining(deadline, timeout));
      synchronized (stateLock) {
        if (closed) {
          throw new SocketException("Socket is closed");
        }
        client = tunnel;
        remote = target;
        connected = true;
      }
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    } finally {
      synchronized (stateLock) {
        connecting = false;
      }
    }
  }

  /**
   * Opens TCP to the WebSocket server. pgJDBC words a connect failure as if it concerned the
   * Postgres host and port it asked for ("Connection to HOST:5432 refused"); the attempt went to
   * the WebSocket server, so the failure names that URL (without credentials) and keeps the cause.
   */
  private static void connectNetwork(Socket opened, TunnelUrl url, int timeout) throws IOException {
    try {
      opened.connect(new InetSocketAddress(url.host(), url.port()), timeout);
    } catch (IOException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new TunnelException(
          "Could not connect to the WebSocket server "
              + url
              + " ("
              + url.host()
              + " port "
              + url.port()
              + "): "
              + reason,
          e);
    }
  }

  /** Milliseconds left before {@code deadline}, at least 1; 0 when there is no timeout. */
  private static int remaining(long deadline, int timeout) throws SocketTimeoutException {
    if (timeout == 0) {
      return 0;
    }
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new SocketTimeoutException("connect timed out after " + timeout + " ms");
    }
    return (int) left;
  }

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    synchronized (stateLock) {
      if (connected || connecting) {
        throw new SocketException("already connected");
      }
      localBind = bindpoint;
    }
  }

  @Override
  public InputStream getInputStream() throws IOException {
    checkOpen();
    return input;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    checkOpen();
    return output;
  }

  /** The connected tunnel; fails once the socket is closed, as a TCP socket's streams do. */
  private TunnelClient openClient() throws SocketException {
    synchronized (stateLock) {
      if (closed) {
        throw new SocketException("Socket closed");
      }
      return client;
    }
  }

  private void checkOpen() throws SocketException {
    synchronized (stateLock) {
      if (closed) {
        throw new SocketException("Socket is closed");
      }
      if (!connected) {
        throw new SocketException("Socket is not connected");
      }
    }
  }

  @Override
  public void close() throws IOException {
    TunnelClient tunnel;
    boolean abortive;
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      closed = true;
      tunnel = client;
      abortive = lingerSeconds == 0 || !connected;
    }
    if (tunnel != null) {
      tunnel.markClosingLocally();
      if (!abortive) {
        tunnel.closeOrderly(TunnelConfig.CLOSE_GRACE_MILLIS);
      }
    }
    abort();
  }

  /** Drops the network connection; a read blocked on it fails at once. */
  private void abort() {
    Socket toClose;
    TunnelClient tunnel;
    synchronized (stateLock) {
      toClose = network;
      tunnel = client;
    }
    if (tunnel != null) {
      tunnel.markClosingLocally();
    }
    if (toClose != null) {
      try {
        toClose.close();
      } catch (IOException ignored) {
        // Nothing more can be done for a socket that fails to close.
      }
    }
  }

  @Override
  public boolean isConnected() {
    synchronized (stateLock) {
      return connected;
    }
  }

  @Override
  public boolean isBound() {
    return isConnected() || localBind != null;
  }

  @Override
  public boolean isClosed() {
    synchronized (stateLock) {
      return closed;
    }
  }

  @Override
  public boolean isInputShutdown() {
    return false;
  }

  @Override
  public boolean isOutputShutdown() {
    return false;
  }

  @Override
  public void shutdownInput() throws IOException {
    throw new SocketException("a WebSocket tunnel cannot be half-closed");
  }

  @Override
  public void shutdownOutput() throws IOException {
    throw new SocketException("a WebSocket tunnel cannot be half-closed");
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout < 0");
    }
    soTimeout = timeout;
  }

  @Override
  public int getSoTimeout() {
    return soTimeout;
  }

  @Override
  public void setTcpNoDelay(boolean on) {
    // The tunnel's own TCP connection always has TCP_NODELAY: one frame per flush is the batching.
    tcpNoDelay = on;
  }

  @Override
  public boolean getTcpNoDelay() {
    return tcpNoDelay;
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    Socket current;
    synchronized (stateLock) {
      keepAlive = on;
      current = network;
    }
    if (current != null) {
      current.setKeepAlive(on);
    }
  }

  @Override
  public boolean getKeepAlive() {
    return keepAlive;
  }

  @Override
  public void setSoLinger(boolean on, int linger) {
    lingerSeconds = on ? linger : -1;
  }

  @Override
  public int getSoLinger() {
    return lingerSeconds;
  }

  @Override
  public void setSendBufferSize(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("negative send size");
    }
    sendBufferSize = size;
  }

  @Override
  public int getSendBufferSize() {
    return sendBufferSize;
  }

  @Override
  public void setReceiveBufferSize(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("invalid receive size");
    }
    receiveBufferSize = size;
  }

  @Override
  public int getReceiveBufferSize() {
    return receiveBufferSize;
  }

  @Override
  public void sendUrgentData(int data) throws IOException {
    throw new SocketException("urgent data is not supported over a WebSocket tunnel");
  }

  @Override
  public InetAddress getInetAddress() {
    InetSocketAddress address = remoteAddress();
    return address == null ? null : address.getAddress();
  }

  @Override
  public int getPort() {
    InetSocketAddress address = remoteAddress();
    return address == null ? 0 : address.getPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return remoteAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    Socket current = networkSocket();
    return current == null ? null : current.getLocalAddress();
  }

  @Override
  public int getLocalPort() {
    Socket current = networkSocket();
    return current == null ? -1 : current.getLocalPort();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    Socket current = networkSocket();
    return current == null ? null : current.getLocalSocketAddress();
  }

  private InetSocketAddress remoteAddress() {
    synchronized (stateLock) {
      return remote;
    }
  }

  private Socket networkSocket() {
    synchronized (stateLock) {
      return network;
    }
  }

  @Override
  public String toString() {
    synchronized (stateLock) {
      return "WebSocketTunnelSocket["
          + (client == null ? config.urlTemplate() : client.url())
          + (connected ? ", for " + remote : "")
          + (closed ? ", closed" : "")
          + "]";
    }
  }

  private final class TunnelInputStream extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, target.length);
      return openClient().read(target, offset, length, soTimeout);
    }

    @Override
    public int available() throws IOException {
      return openClient().available();
    }

    @Override
    public void close() throws IOException {
      WebSocketTunnelSocket.this.close();
    }
  }

  /** Collects writes until {@code flush()}, then sends them as one binary frame. */
  private final class TunnelOutputStream extends OutputStream {
    private byte[] buffer = new byte[8192];
    private int count;

    @Override
    public synchronized void write(int b) throws IOException {
      if (count == buffer.length) {
        grow(count + 1);
      }
      buffer[count++] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, bytes.length);
      while (length > 0) {
        if (count == TunnelConfig.MAX_OUTBOUND_FRAME_BYTES) {
          send(buffer, 0, count);
          count = 0;
        }
        int room = TunnelConfig.MAX_OUTBOUND_FRAME_BYTES - count;
        int chunk = Math.min(room, length);
        if (count + chunk > buffer.length) {
          grow(count + chunk);
        }
        System.arraycopy(bytes, offset, buffer, count, chunk);
        count += chunk;
        offset += chunk;
        length -= chunk;
      }
    }

    private void grow(int needed) {
      int size =
          Math.min(TunnelConfig.MAX_OUTBOUND_FRAME_BYTES, Math.max(needed, buffer.length * 2));
      buffer = Arrays.copyOf(buffer, size);
    }

    @Override
    public synchronized void flush() throws IOException {
      if (count > 0) {
        send(buffer, 0, count);
        count = 0;
      }
    }

    @Override
    public void close() throws IOException {
      WebSocketTunnelSocket.this.close();
    }

    private void send(byte[] bytes, int offset, int length) throws IOException {
      TunnelClient tunnel;
      StartupPipeline startup;
      synchronized (stateLock) {
        if (closed) {
          throw new SocketException("Socket is closed");
        }
        tunnel = client;
        startup = pipeline;
      }
      if (startup == null) {
        tunnel.send(bytes, offset, length);
        return;
      }
      ByteBuffer payload = startup.outbound(bytes, offset, length);
      if (payload.hasRemaining()) {
        tunnel.send(
            payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
      }
    }
  }
}

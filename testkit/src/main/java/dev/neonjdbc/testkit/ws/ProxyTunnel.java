package dev.neonjdbc.testkit.ws;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;
import org.java_websocket.handshake.ClientHandshake;

/**
 * One client connection of the {@link WebSocketProxy}: TLS (for {@code wss}), the opening handshake
 * (Java-WebSocket's RFC 6455 draft checks the request and builds the answer), the TCP connection to
 * the target, then bytes both ways.
 *
 * <p>Each direction is one thread that reads one side and writes the other itself, with blocking
 * sockets: a relayed chunk wakes exactly one thread, nothing is queued between threads, and a slow
 * receiver blocks the writing thread, which stops reading, so TCP flow control reaches the sender.
 * (Java-WebSocket's NIO server would add a hand-off to a worker thread one way and to the selector
 * thread the other, and it can leave a frame queued without a write pending when a thread other
 * than the selector sends while the selector finishes the previous write.)
 */
final class ProxyTunnel {
  private static final int CHUNK_BYTES = 64 * 1024;
  private static final int TARGET_CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final int CLOSE_ANSWER_TIMEOUT_MILLIS = 2_000;

  /** What the proxy tells a tunnel about itself. */
  interface Owner {
    /** The target for a request path; throws {@link IllegalArgumentException} to refuse it. */
    InetSocketAddress targetFor(String resource);

    /** The local address to connect to targets from, or {@code null}. */
    InetSocketAddress sourceAddress();

    /** A tunnel reached its target. */
    void opened(ProxyTunnel tunnel);

    /** A tunnel has ended; {@code reachedTarget} when {@link #opened} was called for it. */
    void ended(ProxyTunnel tunnel, boolean reachedTarget);
  }

  private final Socket client;
  private final Owner owner;
  private final String name;
  private final Object clientWriteLock = new Object();
  private final AtomicBoolean closeSent = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Socket target;
  private volatile boolean counted;
  private OutputStream toClient;

  ProxyTunnel(Socket client, Owner owner, String name) {
    this.client = client;
    this.owner = owner;
    this.name = name;
  }

  /** Starts the tunnel's first thread; it starts the second once the target is connected. */
  void start() {
    Thread up = new Thread(this::serve, name + "-up");
    up.setDaemon(true);
    up.start();
  }

  private void serve() {
    try {
      client.setTcpNoDelay(true);
      if (client instanceof SSLSocket tls) {
        tls.startHandshake();
      }
      InputStream fromClient = new BufferedInputStream(client.getInputStream(), CHUNK_BYTES);
      toClient = client.getOutputStream();
      ClientHandshake request = acceptHandshake(fromClient);
      if (request == null) {
        return;
      }
      InetSocketAddress address;
      try {
        address = owner.targetFor(request.getResourceDescriptor());
      } catch (IllegalArgumentException e) {
        sendClose(1008, e.getMessage());
        drainUntilClose(fromClient);
        return;
      }
      if (!connectTarget(address)) {
        drainUntilClose(fromClient);
        return;
      }
      Thread down = new Thread(this::copyTargetToClient, name + "-down");
      down.setDaemon(true);
      down.start();
      copyClientToTarget(fromClient);
    } catch (IOException | RuntimeException e) {
      // The client went away, or sent what is not WebSocket: nothing to tell anyone.
    } finally {
      end();
    }
  }

  /** Reads and answers the opening handshake; null (after a 400 answer) when it is not one. */
  private ClientHandshake acceptHandshake(InputStream in) throws IOException {
    synchronized (clientWriteLock) {
      return WebSocketHandshake.accept(in, toClient);
    }
  }

  private boolean connectTarget(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      InetSocketAddress source = owner.sourceAddress();
      if (source != null) {
        socket.bind(source);
      }
      target = socket;
      socket.connect(
          new InetSocketAddress(address.getHostString(), address.getPort()),
          TARGET_CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      closeQuietly(socket);
      sendClose(1011, "cannot reach " + address + ": " + e.getMessage());
      return false;
    }
    counted = true;
    owner.opened(this);
    return true;
  }

  /** Client frames to the target: payloads unmasked in place and written as they arrive. */
  private void copyClientToTarget(InputStream in) throws IOException {
    OutputStream out = target.getOutputStream();
    byte[] buffer = new byte[CHUNK_BYTES];
    ServerFrames.Header header = new ServerFrames.Header();
    try {
      while (header.read(in)) {
        switch (header.opcode) {
          case ServerFrames.BINARY, ServerFrames.CONTINUATION -> {
            long done = 0;
            while (done < header.length) {
              int n = in.read(buffer, 0, (int) Math.min(buffer.length, header.length - done));
              if (n < 0) {
                throw new EOFException("the connection ended inside a frame");
              }
              header.unmask(buffer, 0, n, done);
              done += n;
              try {
                out.write(buffer, 0, n);
              } catch (IOException e) {
                sendClose(1011, "target: " + e.getMessage());
                return;
              }
            }
            out.flush();
          }
          case ServerFrames.TEXT -> {
            sendClose(1003, "text frames are not supported; send binary frames");
            closeQuietly(target);
            drainUntilClose(in);
            return;
          }
          case ServerFrames.CLOSE -> {
            byte[] payload = controlPayload(in, header);
            sendControlOnce(payload.length >= 2 ? payload : new byte[0]);
            return;
          }
          case ServerFrames.PING -> writeControl(ServerFrames.PONG, controlPayload(in, header));
          case ServerFrames.PONG -> controlPayload(in, header);
          default -> throw new ServerFrames.ProtocolError("unknown opcode " + header.opcode);
        }
      }
    } catch (ServerFrames.ProtocolError e) {
      sendClose(1002, e.getMessage());
    }
  }

  /** Target bytes to the client, one binary frame per read. */
  private void copyTargetToClient() {
    Socket from = target;
    byte[] buffer = new byte[ServerFrames.MAX_HEADER_BYTES + CHUNK_BYTES];
    try (InputStream in = from.getInputStream()) {
      int n;
      while ((n = in.read(buffer, ServerFrames.MAX_HEADER_BYTES, CHUNK_BYTES)) >= 0) {
        if (n == 0) {
          continue;
        }
        synchronized (clientWriteLock) {
          if (closeSent.get()) {
            return;
          }
          ServerFrames.writeInPlace(toClient, ServerFrames.BINARY, buffer, n);
        }
      }
      sendClose(1000, "server closed the connection");
    } catch (IOException e) {
      if (!from.isClosed()) {
        sendClose(1011, "target: " + e.getMessage());
      }
    } finally {
      closeQuietly(from);
    }
  }

  /** After this side sent a close frame: waits (briefly) for the client's answer. */
  private void drainUntilClose(InputStream in) {
    try {
      client.setSoTimeout(CLOSE_ANSWER_TIMEOUT_MILLIS);
      ServerFrames.Header header = new ServerFrames.Header();
      byte[] discard = new byte[CHUNK_BYTES];
      while (header.read(in)) {
        long left = header.length;
        while (left > 0) {
          int n = in.read(discard, 0, (int) Math.min(discard.length, left));
          if (n < 0) {
            return;
          }
          left -= n;
        }
        if (header.opcode == ServerFrames.CLOSE) {
          return;
        }
      }
    } catch (IOException e) {
      // No answer in time, or the client dropped the connection: either way, done.
    }
  }

  private static byte[] controlPayload(InputStream in, ServerFrames.Header header)
      throws IOException {
    byte[] payload = new byte[(int) header.length];
    ServerFrames.readFully(in, payload, 0, payload.length);
    header.unmask(payload, 0, payload.length, 0);
    return payload;
  }

  /** Sends a close frame unless one was sent already. */
  void sendClose(int code, String reason) {
    sendControlOnce(ServerFrames.closePayload(code, reason == null ? "" : reason));
  }

  private void sendControlOnce(byte[] closePayload) {
    synchronized (clientWriteLock) {
      if (!closeSent.compareAndSet(false, true) || toClient == null) {
        return;
      }
      try {
        ServerFrames.writeControl(toClient, ServerFrames.CLOSE, closePayload);
      } catch (IOException e) {
        // The client is gone; closing the sockets is all that is left.
      }
    }
  }

  private void writeControl(int opcode, byte[] payload) throws IOException {
    synchronized (clientWriteLock) {
      if (!closeSent.get()) {
        ServerFrames.writeControl(toClient, opcode, payload);
      }
    }
  }

  /** Drops both connections at once, without a closing handshake (as if the proxy crashed). */
  void kill() {
    closeQuietly(client);
    Socket current = target;
    if (current != null) {
      closeQuietly(current);
    }
  }

  /** Tells the client the proxy is going away (1001), then drops both connections. */
  void goAway() {
    sendClose(1001, "proxy stopping");
    kill();
  }

  private void end() {
    kill();
    if (ended.compareAndSet(false, true)) {
      owner.ended(this, counted);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is best effort.
    }
  }

  @Override
  public String toString() {
    return "ProxyTunnel[" + name + ", " + client.getRemoteSocketAddress() + "]";
  }
}

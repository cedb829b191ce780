package dev.neonjdbc.internal.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.enums.Role;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.handshake.HandshakeImpl1Client;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.protocols.Protocol;

/**
 * The WebSocket connection behind one tunnel socket, over a socket the tunnel has already connected
 * (and wrapped in TLS). Java-WebSocket's RFC 6455 draft builds and checks the opening handshake;
 * after that, frames are written and read by the application's own thread, as bytes on a TCP socket
 * are:
 *
 * <ul>
 *   <li>{@link #send} masks the payload into one frame and writes it at once; a full network blocks
 *       the writer (backpressure, as on TCP);
 *   <li>{@link #read} reads the network itself and hands payload bytes straight to the caller. No
 *       reader thread, so no thread hand-off (park and unpark) between the network and pgJDBC on
 *       every response, no queue of received frames, and TCP flow control applies as soon as pgJDBC
 *       stops reading. Pings are answered when the next read sees them.
 * </ul>
 *
 * <p>The server's normal close (1000) is the end of the stream; any other close, a frame the tunnel
 * does not expect, or a connection lost without a closing handshake fails reads and writes.
 */
final class TunnelClient {
  private static final int NORMAL = 1000;
  private static final int PROTOCOL_ERROR = 1002;
  private static final int REFUSE = 1003;
  private static final int NO_STATUS = 1005;
  private static final int ABNORMAL = 1006;
  private static final int POLICY_VALIDATION = 1008;
  private static final int MAX_HANDSHAKE_BYTES = 16 * 1024;

  private final TunnelUrl url;
  private final Socket network;
  private final InputStream in;
  private final OutputStream out;
  private final StartupPipeline pipeline;
  private final SecureRandom random = new SecureRandom();

  /** Masking keys drawn in bulk: one SecureRandom call per 64 frames, no allocation per frame. */
  private final byte[] maskKeys = new byte[256];

  private int maskKeysUsed = maskKeys.length;

  private final ReentrantLock writeLock = new ReentrantLock();
  private byte[] frame = new byte[ClientFrames.MAX_HEADER_BYTES + 8192];
  private boolean closeSent;

  private final ReentrantLock readLock = new ReentrantLock();
  private final byte[] received = new byte[64 * 1024];
  private int receivedStart;
  private int receivedEnd;
  private long payloadLeft;
  private int appliedTimeout = -1;
  private boolean endOfStream;
  private IOException failure;

  private volatile boolean open;
  private volatile boolean closingLocally;

  private TunnelClient(TunnelUrl url, Socket network, StartupPipeline pipeline) throws IOException {
    this.url = url;
    this.network = network;
    this.in = network.getInputStream();
    this.out = network.getOutputStream();
    this.pipeline = pipeline;
  }

  /**
   * Completes the opening handshake on {@code network} within {@code timeoutMillis} (0: no limit).
   *
   * @throws SocketTimeoutException when the server does not answer in time
   * @throws TunnelException when the server refuses the upgrade
   */
  static TunnelClient open(
      TunnelUrl url, Socket network, StartupPipeline pipeline, int timeoutMillis)
      throws IOException {
    TunnelClient client = new TunnelClient(url, network, pipeline);
    client.handshake(timeoutMillis);
    return client;
  }

  private void handshake(int timeoutMillis) throws IOException {
    Draft_6455 draft =
        new Draft_6455(List.of(), List.of(new Protocol("")), TunnelConfig.MAX_INBOUND_FRAME_BYTES);
    HandshakeImpl1Client request = new HandshakeImpl1Client();
    String path = url.uri().getRawPath();
    String query = url.uri().getRawQuery();
    request.setResourceDescriptor(
        (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query));
    int defaultPort = url.secure() ? 443 : 80;
    String host = url.uri().getHost();
    request.put("Host", url.port() == defaultPort ? host : host + ":" + url.port());
    draft.postProcessHandshakeRequestAsClient(request);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    for (ByteBuffer part : draft.createHandshake(request)) {
      bytes.write(part.array(), part.arrayOffset() + part.position(), part.remaining());
    }
    network.setSoTimeout(timeoutMillis);
    appliedTimeout = timeoutMillis;
    out.write(bytes.toByteArray());
    out.flush();
    byte[] head;
    try {
      head = readResponseHead();
    } catch (SocketTimeoutException e) {
      throw new SocketTimeoutException(
          "WebSocket handshake with " + url + " did not finish within " + timeoutMillis + " ms");
    }
    String statusLine = new String(head, 0, indexOfLineEnd(head), StandardCharsets.ISO_8859_1);
    try {
      Handshakedata answer = Draft.translateHandshakeHttp(ByteBuffer.wrap(head), Role.CLIENT);
      if (!(answer instanceof ServerHandshake response)
          || response.getHttpStatus() != 101
          || draft.acceptHandshakeAsClient(request, response) != HandshakeState.MATCHED) {
        throw new InvalidHandshakeException("the server answered " + statusLine);
      }
    } catch (InvalidHandshakeException e) {
      throw new TunnelException(
          "WebSocket handshake with " + url + " failed: " + e.getMessage(), e);
    }
    open = true;
  }

  /** Reads the HTTP answer up to its blank line; bytes after it stay for the frame reader. */
  private byte[] readResponseHead() throws IOException {
    int scanned = 0;
    while (true) {
      for (int i = Math.max(3, scanned); i < receivedEnd; i++) {
        if (received[i] == '\n'
            && received[i - 1] == '\r'
            && received[i - 2] == '\n'
            && received[i - 3] == '\r') {
          byte[] head = java.util.Arrays.copyOf(received, i + 1);
          receivedStart = i + 1;
          return head;
        }
      }
      scanned = receivedEnd;
      if (receivedEnd >= MAX_HANDSHAKE_BYTES) {
        throw new TunnelException("WebSocket handshake with " + url + ": answer too large");
      }
      int n = in.read(received, receivedEnd, received.length - receivedEnd);
      if (n < 0) {
        throw new TunnelException(
            "WebSocket handshake with " + url + " failed: the server closed the connection");
      }
      receivedEnd += n;
    }
  }

  private static int indexOfLineEnd(byte[] head) {
    for (int i = 0; i < head.length; i++) {
      if (head[i] == '\r' || head[i] == '\n') {
        return i;
      }
    }
    return head.length;
  }

  /** The URL this tunnel was opened to. */
  TunnelUrl url() {
    return url;
  }

  /** Open, and no close frame sent or received. */
  boolean isOpen() {
    return open && !closingLocally;
  }

  /** Marks the close as the application's, so the end of stream is not reported as a failure. */
  void markClosingLocally() {
    closingLocally = true;
  }

  /** Sends {@code payload[offset, offset + length)} as one binary frame. */
  void send(byte[] payload, int offset, int length) throws IOException {
    writeLock.lock();
    try {
      if (closeSent || !open) {
        throw new SocketException("the WebSocket tunnel to " + url + " is closed");
      }
      writeFrame(ClientFrames.BINARY, payload, offset, length);
    } finally {
      writeLock.unlock();
    }
  }

  /** Writes one frame; the caller holds {@link #writeLock}. */
  private void writeFrame(int opcode, byte[] payload, int offset, int length) throws IOException {
    int needed = ClientFrames.MAX_HEADER_BYTES + length;
    if (frame.length < needed) {
      frame = new byte[Math.max(needed, Math.min(2 * frame.length, needed * 2))];
    }
    int size = ClientFrames.encode(opcode, payload, offset, length, nextMaskKey(), frame);
    out.write(frame, 0, size);
    out.flush();
  }

  /** A fresh, unpredictable masking key (RFC 6455, 5.3); the caller holds {@link #writeLock}. */
  private int nextMaskKey() {
    if (maskKeysUsed == maskKeys.length) {
      random.nextBytes(maskKeys);
      maskKeysUsed = 0;
    }
    int key =
        (maskKeys[maskKeysUsed] & 0xFF)
            | (maskKeys[maskKeysUsed + 1] & 0xFF) << 8
            | (maskKeys[maskKeysUsed + 2] & 0xFF) << 16
            | (maskKeys[maskKeysUsed + 3] & 0xFF) << 24;
    maskKeysUsed += 4;
    return key;
  }

  /** Sends a close frame, once; later calls do nothing. */
  private void sendClose(int code, String reason) {
    writeLock.lock();
    try {
      if (closeSent || !open) {
        return;
      }
      closeSent = true;
      byte[] payload = code == NO_STATUS ? new byte[0] : ClientFrames.closePayload(code, reason);
      writeFrame(ClientFrames.CLOSE, payload, 0, payload.length);
    } catch (IOException e) {
      // The connection is already gone; there is nobody to tell.
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Reads up to {@code length} payload bytes, waiting at most {@code timeoutMillis} (0: forever).
   *
   * @return the number of bytes read, or -1 after the server's normal close
   * @throws SocketTimeoutException when nothing arrives in time (the tunnel stays usable)
   * @throws IOException the tunnel's failure, for this read and every later one
   */
  int read(byte[] target, int offset, int length, int timeoutMillis) throws IOException {
    if (length == 0) {
      return 0;
    }
    readLock.lock();
    try {
      if (timeoutMillis != appliedTimeout) {
        network.setSoTimeout(timeoutMillis);
        appliedTimeout = timeoutMillis;
      }
      while (payloadLeft == 0) {
        if (endOfStream) {
          return -1;
        }
        if (failure != null) {
          throw copyOf(failure);
        }
        nextFrame();
      }
      int count;
      int want = (int) Math.min(length, payloadLeft);
      if (receivedStart < receivedEnd) {
        count = Math.min(want, receivedEnd - receivedStart);
        System.arraycopy(received, receivedStart, target, offset, count);
        receivedStart += count;
      } else {
        count = readNetwork(target, offset, want);
      }
      payloadLeft -= count;
      if (pipeline != null) {
        TunnelException refused = pipeline.inbound(ByteBuffer.wrap(target, offset, count));
        if (refused != null) {
          sendClose(POLICY_VALIDATION, "authentication method mismatch");
          throw fail(refused);
        }
      }
      return count;
    } finally {
      readLock.unlock();
    }
  }

  /** Payload bytes that can be read without waiting (those already received). */
  int available() {
    if (!readLock.tryLock()) {
      return 0;
    }
    try {
      return (int) Math.min(payloadLeft, receivedEnd - receivedStart);
    } finally {
      readLock.unlock();
    }
  }

  private int readNetwork(byte[] target, int offset, int length) throws IOException {
    int n;
    try {
      n = in.read(target, offset, length);
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      throw fail(lost(e));
    }
    if (n < 0) {
      throw fail(lost(null));
    }
    return n;
  }

  /** Reads frame headers (and control frames) until data, the end, or a failure. */
  private void nextFrame() throws IOException {
    if (!buffer(2)) {
      throw fail(lost(null));
    }
    int first = received[receivedStart] & 0xFF;
    int second = received[receivedStart + 1] & 0xFF;
    int headerLength =
        2
            + switch (second & 0x7F) {
              case 126 -> 2;
              case 127 -> 8;
              default -> 0;
            };
    if (!buffer(headerLength)) {
      throw fail(lost(null));
    }
    long length = second & 0x7F;
    if (length >= 126) {
      length = 0;
      for (int i = 2; i < headerLength; i++) {
        length = (length << 8) | (received[receivedStart + i] & 0xFF);
      }
    }
    int opcode = first & 0x0F;
    if ((second & 0x80) != 0 || (first & 0x70) != 0 || length < 0) {
      throw protocolError("a masked frame or reserved bits from the server");
    }
    if (length > TunnelConfig.MAX_INBOUND_FRAME_BYTES) {
      sendClose(1009, "frame too large");
      throw fail(
          new TunnelException(
              "the WebSocket server " + url + " sent a frame of " + length + " bytes"));
    }
    if (opcode >= ClientFrames.CLOSE && (length > 125 || (first & 0x80) == 0)) {
      throw protocolError("an oversized or fragmented control frame");
    }
    switch (opcode) {
      case ClientFrames.BINARY, ClientFrames.CONTINUATION -> {
        receivedStart += headerLength;
        payloadLeft = length;
      }
      case ClientFrames.TEXT -> {
        sendClose(REFUSE, "text frames are not part of the Postgres tunnel");
        throw fail(
            new TunnelException(
                "the WebSocket server "
                    + url
                    + " sent a text frame; the Postgres tunnel carries binary frames only"));
      }
      case ClientFrames.CLOSE, ClientFrames.PING, ClientFrames.PONG -> {
        if (!buffer(headerLength + (int) length)) {
          throw fail(lost(null));
        }
        byte[] payload =
            java.util.Arrays.copyOfRange(
                received,
                receivedStart + headerLength,
                receivedStart + headerLength + (int) length);
        receivedStart += headerLength + (int) length;
        control(opcode, payload);
      }
      default -> throw protocolError("opcode " + opcode);
    }
  }

  private void control(int opcode, byte[] payload) throws IOException {
    if (opcode == ClientFrames.PING) {
      writeLock.lock();
      try {
        if (!closeSent) {
          writeFrame(ClientFrames.PONG, payload, 0, payload.length);
        }
      } finally {
        writeLock.unlock();
      }
    } else if (opcode == ClientFrames.CLOSE) {
      int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : NO_STATUS;
      String reason =
          payload.length > 2
              ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)
              : "";
      sendClose(code == NO_STATUS ? NORMAL : code, "");
      open = false;
      if (code == NORMAL || closingLocally) {
        endOfStream = true;
      } else {
        throw fail(new SocketException(closedMessage(code, reason)));
      }
    }
  }

  /** Makes at least {@code count} bytes of the current frame available; false at the end. */
  private boolean buffer(int count) throws IOException {
    if (receivedEnd - receivedStart >= count) {
      return true;
    }
    if (receivedStart > 0) {
      System.arraycopy(received, receivedStart, received, 0, receivedEnd - receivedStart);
      receivedEnd -= receivedStart;
      receivedStart = 0;
    }
    while (receivedEnd < count) {
      int n;
      try {
        n = in.read(received, receivedEnd, received.length - receivedEnd);
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        throw fail(lost(e));
      }
      if (n < 0) {
        return false;
      }
      receivedEnd += n;
    }
    return true;
  }

  private IOException protocolError(String what) {
    sendClose(PROTOCOL_ERROR, "protocol error");
    return fail(new TunnelException("the WebSocket server " + url + " sent " + what));
  }

  private IOException lost(IOException cause) {
    if (closingLocally) {
      SocketException closed = new SocketException("Socket closed");
      if (cause != null) {
        closed.initCause(cause);
      }
      return closed;
    }
    String message = closedMessage(ABNORMAL, "") + (cause == null ? "" : " (" + cause + ")");
    SocketException lost = new SocketException(message);
    if (cause != null) {
      lost.initCause(cause);
    }
    return lost;
  }

  private String closedMessage(int code, String reason) {
    StringBuilder text =
        new StringBuilder("the WebSocket tunnel to ").append(url).append(" closed: code ");
    text.append(code);
    if (code == ABNORMAL) {
      text.append(" (connection lost without a closing handshake)");
    }
    if (reason != null && !reason.isBlank()) {
      text.append(": ").append(reason);
    }
    return text.toString();
  }

  /** Records the tunnel's failure (the first one counts) and returns it for throwing. */
  private IOException fail(IOException cause) {
    open = false;
    if (failure == null) {
      failure = cause;
    }
    return cause;
  }

  /**
   * Sends a close frame and waits up to {@code millis} for the server's answer, unless another
   * thread is reading (then that read sees the answer).
   */
  void closeOrderly(int millis) {
    closingLocally = true;
    sendClose(NORMAL, "");
    if (!readLock.tryLock()) {
      return;
    }
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (!endOfStream && failure == null) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return;
        }
        network.setSoTimeout((int) left);
        appliedTimeout = (int) left;
        if (payloadLeft > 0) {
          long skip = Math.min(payloadLeft, receivedEnd - receivedStart);
          if (skip == 0) {
            if (!buffer(1)) {
              return;
            }
            continue;
          }
          receivedStart += (int) skip;
          payloadLeft -= skip;
        } else {
          nextFrame();
        }
      }
    } catch (IOException e) {
      // No answer in time, or the connection dropped: the socket is closed next either way.
    } finally {
      readLock.unlock();
    }
  }

  /** A fresh exception per read, so each stack trace shows where that read failed. */
  private static IOException copyOf(IOException failure) {
    if (failure instanceof TunnelException) {
      return new TunnelException(failure.getMessage(), failure);
    }
    SocketException copy = new SocketException(failure.getMessage());
    copy.initCause(failure);
    return copy;
  }

  @Override
  public String toString() {
    return "TunnelClient[" + url + (open ? "" : ", closed") + "]";
  }
}

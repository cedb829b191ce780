package dev.neonjdbc.testkit.ws;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import org.java_websocket.handshake.ClientHandshake;

/**
 * A server's view of one accepted WebSocket connection as a byte stream, for servers that speak a
 * byte protocol inside binary frames (the Postgres protocol, as Neon's proxy does on {@code /v2}).
 *
 * <p>{@link #input()} yields the payload bytes of the client's binary frames (answering pings,
 * ending at a close frame); {@link #output()} buffers what is written and sends it as one binary
 * frame per {@code flush()}. Writing is thread-safe: one lock guards the socket's output.
 */
public final class WebSocketServerStream implements AutoCloseable {
  private static final int CHUNK_BYTES = 64 * 1024;

  private final Socket socket;
  private final ClientHandshake request;
  private final InputStream raw;
  private final OutputStream rawOut;
  private final Object writeLock = new Object();
  private final FrameInput input = new FrameInput();
  private final FrameOutput output = new FrameOutput();
  private boolean closeSent;

  private WebSocketServerStream(
      Socket socket, ClientHandshake request, InputStream raw, OutputStream rawOut) {
    this.socket = socket;
    this.request = request;
    this.raw = raw;
    this.rawOut = rawOut;
  }

  /**
   * Reads and answers the opening handshake on {@code socket} (already TLS for {@code wss}).
   *
   * @return the stream, or {@code null} when the request was not a WebSocket upgrade (a 400 answer
   *     was sent)
   */
  public static WebSocketServerStream accept(Socket socket) throws IOException {
    InputStream in = new BufferedInputStream(socket.getInputStream(), CHUNK_BYTES);
    OutputStream out = socket.getOutputStream();
    ClientHandshake request = WebSocketHandshake.accept(in, out);
    return request == null ? null : new WebSocketServerStream(socket, request, in, out);
  }

  /** The request path with its query, e.g. {@code /v2}. */
  public String resource() {
    return request.getResourceDescriptor();
  }

  /** A request header ({@code ""} when absent), e.g. {@code Host}. */
  public String header(String name) {
    return request.hasFieldValue(name) ? request.getFieldValue(name) : "";
  }

  /** Payload bytes of the client's binary frames. */
  public InputStream input() {
    return input;
  }

  /** Bytes to the client: one binary frame per {@code flush()}. */
  public OutputStream output() {
    return output;
  }

  /** Sends a close frame (once) with {@code code} and {@code reason}, then closes the socket. */
  public void close(int code, String reason) {
    synchronized (writeLock) {
      if (!closeSent) {
        closeSent = true;
        try {
          ServerFrames.writeControl(
              rawOut, ServerFrames.CLOSE, ServerFrames.closePayload(code, reason));
        } catch (IOException e) {
          // The client is gone already.
        }
      }
    }
    close();
  }

  /** Closes the socket without a closing handshake. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is best effort.
    }
  }

  /** Unwraps the client's frames. */
  private final class FrameInput extends InputStream {
    private final ServerFrames.Header header = new ServerFrames.Header();
    private long left;
    private long position;
    private boolean ended;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      while (left == 0) {
        if (ended || !nextDataFrame()) {
          ended = true;
          return -1;
        }
      }
      int n = raw.read(target, offset, (int) Math.min(length, left));
      if (n < 0) {
        throw new EOFException("the connection ended inside a frame");
      }
      header.unmask(target, offset, n, position);
      position += n;
      left -= n;
      return n;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(left, raw.available());
    }

    /** Reads headers (answering control frames) until a data frame; false at close or end. */
    private boolean nextDataFrame() throws IOException {
      while (header.read(raw)) {
        switch (header.opcode) {
          case ServerFrames.BINARY, ServerFrames.CONTINUATION, ServerFrames.TEXT -> {
            left = header.length;
            position = 0;
            return true;
          }
          case ServerFrames.PING -> {
            byte[] payload = control();
            synchronized (writeLock) {
              if (!closeSent) {
                ServerFrames.writeControl(rawOut, ServerFrames.PONG, payload);
              }
            }
          }
          case ServerFrames.CLOSE -> {
            control();
            WebSocketServerStream.this.close(1000, "");
            return false;
          }
          default -> control();
        }
      }
      return false;
    }

    private byte[] control() throws IOException {
      byte[] payload = new byte[(int) header.length];
      ServerFrames.readFully(raw, payload, 0, payload.length);
      header.unmask(payload, 0, payload.length, 0);
      return payload;
    }
  }

  /** Collects writes; each flush sends them as one binary frame. */
  private final class FrameOutput extends OutputStream {
    private byte[] buffer = new byte[ServerFrames.MAX_HEADER_BYTES + 8192];
    private int length;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int count) {
      synchronized (writeLock) {
        int needed = ServerFrames.MAX_HEADER_BYTES + length + count;
        if (needed > buffer.length) {
          buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
        System.arraycopy(bytes, offset, buffer, ServerFrames.MAX_HEADER_BYTES + length, count);
        length += count;
      }
    }

    @Override
    public void flush() throws IOException {
      synchronized (writeLock) {
        if (length == 0) {
          return;
        }
        if (closeSent) {
          throw new IOException("the WebSocket is closed");
        }
        ServerFrames.writeInPlace(rawOut, ServerFrames.BINARY, buffer, length);
        length = 0;
      }
    }

    @Override
    public void close() {
      WebSocketServerStream.this.close();
    }
  }
}

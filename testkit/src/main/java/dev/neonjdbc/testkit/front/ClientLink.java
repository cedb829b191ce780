package dev.neonjdbc.testkit.front;

import dev.neonjdbc.testkit.ws.WebSocketServerStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The client side of one front session, whatever carries it: a TCP socket (TLS after an SSLRequest
 * or direct TLS, or still plain before either) or a WebSocket. Input is buffered once, for the
 * whole session, so bytes a client sends ahead (pipelined login, first query) are kept.
 */
final class ClientLink {
  private static final int BUFFER_BYTES = 64 * 1024;

  private final Socket socket;
  private final WebSocketServerStream webSocket;
  private final InputStream in;
  private final OutputStream out;
  private final String serverName;
  private final byte[] tlsServerEndPoint;
  private final String transport;

  private ClientLink(
      Socket socket,
      WebSocketServerStream webSocket,
      InputStream in,
      OutputStream out,
      String serverName,
      byte[] tlsServerEndPoint,
      String transport) {
    this.socket = socket;
    this.webSocket = webSocket;
    this.in = in;
    this.out = out;
    this.serverName = serverName;
    this.tlsServerEndPoint = tlsServerEndPoint;
    this.transport = transport;
  }

  /** A TCP client before any TLS. */
  static ClientLink plain(Socket socket) throws IOException {
    return new ClientLink(
        socket,
        null,
        new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES),
        socket.getOutputStream(),
        null,
        null,
        "tcp");
  }

  /** A TCP client after the TLS handshake. */
  static ClientLink tls(
      Socket tlsSocket, String serverName, byte[] tlsServerEndPoint, String transport)
      throws IOException {
    return new ClientLink(
        tlsSocket,
        null,
        new BufferedInputStream(tlsSocket.getInputStream(), BUFFER_BYTES),
        tlsSocket.getOutputStream(),
        serverName,
        tlsServerEndPoint,
        transport);
  }

  /**
   * A WebSocket client; {@code hostName} is the {@code Host} header without its port, which is
   * where Neon's proxy reads the endpoint for WebSockets ({@code serverless/mod.rs}).
   */
  static ClientLink webSocket(Socket socket, WebSocketServerStream stream, String hostName) {
    return new ClientLink(
        socket,
        stream,
        new BufferedInputStream(stream.input(), BUFFER_BYTES),
        stream.output(),
        hostName,
        null,
        "websocket");
  }

  InputStream in() {
    return in;
  }

  /** Writes a whole flight and sends it (one TLS record run or one WebSocket frame). */
  void send(byte[] flight) throws IOException {
    synchronized (out) {
      out.write(flight);
      out.flush();
    }
  }

  /** Writes part of a relayed chunk and sends it. */
  void send(byte[] bytes, int offset, int length) throws IOException {
    synchronized (out) {
      out.write(bytes, offset, length);
      out.flush();
    }
  }

  /** The lock that orders writes to the client. */
  Object writeLock() {
    return out;
  }

  /** The socket underneath (TLS or plain). */
  Socket socket() {
    return socket;
  }

  /** SNI host name (TCP) or {@code Host} header (WebSocket), or {@code null}. */
  String serverName() {
    return serverName;
  }

  /** SHA-256 of the front's certificate when the client speaks TLS to the front, else null. */
  byte[] tlsServerEndPoint() {
    return tlsServerEndPoint;
  }

  boolean isWebSocket() {
    return webSocket != null;
  }

  boolean isTls() {
    return tlsServerEndPoint != null;
  }

  /** {@code tcp}, {@code tls}, {@code direct-tls} or {@code websocket}, for the log. */
  String transport() {
    return transport;
  }

  /** Closes the connection to the client (a WebSocket with a close frame first). */
  void close() {
    if (webSocket != null) {
      webSocket.close(1000, "");
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is best effort.
    }
  }
}

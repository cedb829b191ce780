package dev.neonjdbc.testkit.ws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.enums.Role;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.HandshakeBuilder;
import org.java_websocket.handshake.HandshakeImpl1Server;

/**
 * The server side of the WebSocket opening handshake: Java-WebSocket's RFC 6455 draft checks the
 * request and builds the answer; the request is read up to its blank line and not a byte further,
 * so frames the client sends right behind it stay on the stream.
 */
final class WebSocketHandshake {
  private static final int MAX_HANDSHAKE_BYTES = 16 * 1024;

  private WebSocketHandshake() {}

  /**
   * Reads the upgrade request from {@code in} and writes the answer to {@code out} (101, or 400
   * when it is not a WebSocket version 13 upgrade).
   *
   * @return the request, or {@code null} after a 400 answer
   */
  static ClientHandshake accept(InputStream in, OutputStream out) throws IOException {
    byte[] head = readHttpHead(in);
    Draft draft = new Draft_6455();
    try {
      ClientHandshake request =
          (ClientHandshake) Draft.translateHandshakeHttp(ByteBuffer.wrap(head), Role.SERVER);
      if (draft.acceptHandshakeAsServer(request) != HandshakeState.MATCHED) {
        throw new InvalidHandshakeException("not a WebSocket version 13 upgrade");
      }
      HandshakeImpl1Server answer = new HandshakeImpl1Server();
      answer.setHttpStatus((short) 101);
      answer.setHttpStatusMessage("Switching Protocols");
      HandshakeBuilder response = draft.postProcessHandshakeResponseAsServer(request, answer);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (ByteBuffer part : draft.createHandshake(response)) {
        bytes.write(part.array(), part.arrayOffset() + part.position(), part.remaining());
      }
      out.write(bytes.toByteArray());
      out.flush();
      return request;
    } catch (InvalidHandshakeException | ClassCastException e) {
      out.write(
          "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      return null;
    }
  }

  /** The request up to and including the blank line; not a byte further. */
  private static byte[] readHttpHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int matched = 0;
    while (matched < 4) {
      int b = ServerFrames.readByte(in);
      head.write(b);
      matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > MAX_HANDSHAKE_BYTES) {
        throw new IOException("handshake request too large");
      }
    }
    return head.toByteArray();
  }
}

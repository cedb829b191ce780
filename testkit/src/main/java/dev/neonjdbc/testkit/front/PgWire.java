package dev.neonjdbc.testkit.front;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The few Postgres protocol messages the front reads and writes itself during startup and
 * authentication; after login it relays bytes without parsing them.
 */
final class PgWire {
  static final int SSL_REQUEST = 80877103;
  static final int GSS_ENC_REQUEST = 80877104;
  static final int CANCEL_REQUEST = 80877102;
  static final int PROTOCOL_3_0 = 196608;

  static final int AUTH_OK = 0;
  static final int AUTH_CLEARTEXT = 3;
  static final int AUTH_SASL = 10;
  static final int AUTH_SASL_CONTINUE = 11;
  static final int AUTH_SASL_FINAL = 12;

  private static final int MAX_MESSAGE_BYTES = 1 << 20;

  private PgWire() {}

  /** A typed message: its type byte and its body (without the length word). */
  record Message(char type, byte[] body) {
    /** A reader over the body. */
    BodyReader reader() {
      return new BodyReader(body);
    }
  }

  /** Reads one typed message; {@code null} at a clean end of stream. */
  static Message read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      return null;
    }
    int length = readInt(in);
    if (length < 4 || length > MAX_MESSAGE_BYTES) {
      throw new IOException("bad message length " + length + " for type " + (char) type);
    }
    byte[] body = new byte[length - 4];
    readFully(in, body);
    return new Message((char) type, body);
  }

  static int readInt(InputStream in) throws IOException {
    byte[] four = new byte[4];
    readFully(in, four);
    return ((four[0] & 0xFF) << 24)
        | ((four[1] & 0xFF) << 16)
        | ((four[2] & 0xFF) << 8)
        | (four[3] & 0xFF);
  }

  static void readFully(InputStream in, byte[] target) throws IOException {
    int done = 0;
    while (done < target.length) {
      int n = in.read(target, done, target.length - done);
      if (n < 0) {
        throw new EOFException("the connection ended inside a message");
      }
      done += n;
    }
  }

  /** Startup parameters from a StartupMessage body after the protocol word, in order. */
  static Map<String, String> startupParameters(BodyReader body) {
    Map<String, String> parameters = new LinkedHashMap<>();
    while (body.remaining() > 0) {
      String key = body.cString();
      if (key.isEmpty()) {
        break;
      }
      parameters.put(key, body.cString());
    }
    return parameters;
  }

  /** Sequential reads over a message body. */
  static final class BodyReader {
    private final byte[] body;
    private int position;

    BodyReader(byte[] body) {
      this.body = body;
    }

    int remaining() {
      return body.length - position;
    }

    int int32() {
      int value =
          ((body[position] & 0xFF) << 24)
              | ((body[position + 1] & 0xFF) << 16)
              | ((body[position + 2] & 0xFF) << 8)
              | (body[position + 3] & 0xFF);
      position += 4;
      return value;
    }

    String cString() {
      int end = position;
      while (end < body.length && body[end] != 0) {
        end++;
      }
      String value = new String(body, position, end - position, StandardCharsets.UTF_8);
      position = Math.min(body.length, end + 1);
      return value;
    }

    byte[] bytes(int count) {
      byte[] value = new byte[count];
      System.arraycopy(body, position, value, 0, count);
      position += count;
      return value;
    }

    byte[] rest() {
      return bytes(remaining());
    }
  }

  /** Builds one or more messages into a flight that is written at once. */
  static final class Flight {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private ByteArrayOutputStream body;
    private int type;

    /** Starts a typed message. */
    Flight begin(char type) {
      this.type = type;
      this.body = new ByteArrayOutputStream(64);
      return this;
    }

    /** Starts an untyped startup-phase packet (StartupMessage, SSLRequest, CancelRequest). */
    Flight beginUntyped() {
      this.type = -1;
      this.body = new ByteArrayOutputStream(64);
      return this;
    }

    Flight int32(int value) {
      body.write(value >>> 24);
      body.write(value >>> 16);
      body.write(value >>> 8);
      body.write(value);
      return this;
    }

    Flight cString(String value) {
      body.writeBytes(value.getBytes(StandardCharsets.UTF_8));
      body.write(0);
      return this;
    }

    Flight bytes(byte[] value) {
      body.writeBytes(value);
      return this;
    }

    Flight end() {
      if (type >= 0) {
        bytes.write(type);
      }
      int length = body.size() + 4;
      bytes.write(length >>> 24);
      bytes.write(length >>> 16);
      bytes.write(length >>> 8);
      bytes.write(length);
      bytes.writeBytes(body.toByteArray());
      return this;
    }

    /** Appends a message exactly as received. */
    Flight raw(Message message) {
      return begin(message.type()).bytes(message.body()).end();
    }

    /** An AuthenticationRequest of {@code code} with an optional payload. */
    Flight auth(int code, byte[] payload) {
      begin('R').int32(code);
      if (payload != null) {
        bytes(payload);
      }
      return end();
    }

    /**
     * An ErrorResponse as Neon's proxy writes it ({@code proxy/src/pqproto.rs}, {@code
     * write_error}): severity {@code ERROR}, the code, the message, nothing else.
     */
    Flight proxyError(String sqlState, String message) {
      return begin('E')
          .bytes(new byte[] {'S'})
          .cString("ERROR")
          .bytes(new byte[] {'C'})
          .cString(sqlState)
          .bytes(new byte[] {'M'})
          .cString(message)
          .bytes(new byte[] {0})
          .end();
    }

    /** An ErrorResponse as PostgreSQL writes it (localized and plain severity, code, message). */
    Flight serverError(String severity, String sqlState, String message) {
      return begin('E')
          .bytes(new byte[] {'S'})
          .cString(severity)
          .bytes(new byte[] {'V'})
          .cString(severity)
          .bytes(new byte[] {'C'})
          .cString(sqlState)
          .bytes(new byte[] {'M'})
          .cString(message)
          .bytes(new byte[] {0})
          .end();
    }

    byte[] toBytes() {
      return bytes.toByteArray();
    }
  }
}

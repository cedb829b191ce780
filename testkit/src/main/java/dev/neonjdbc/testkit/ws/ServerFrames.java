package dev.neonjdbc.testkit.ws;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * RFC 6455 framing as a server sees it: frames from the client arrive masked, frames to the client
 * go out unmasked. Reading streams a frame's payload through a caller's buffer, so a large frame
 * never needs its own array.
 */
final class ServerFrames {
  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** Room a caller leaves in front of a payload for {@link #writeInPlace}'s header. */
  static final int MAX_HEADER_BYTES = 10;

  private ServerFrames() {}

  /** A frame header read from the client; the payload follows on the stream. */
  static final class Header {
    int opcode;
    long length;
    final byte[] mask = new byte[4];

    /**
     * Reads the next header.
     *
     * @return false at the end of the stream before a frame started
     * @throws ProtocolError for what RFC 6455 forbids a client to send
     */
    boolean read(InputStream in) throws IOException {
      int first = in.read();
      if (first < 0) {
        return false;
      }
      int second = readByte(in);
      if ((first & 0x70) != 0) {
        throw new ProtocolError("reserved bits set; no extension was negotiated");
      }
      if ((second & 0x80) == 0) {
        throw new ProtocolError("client frames must be masked");
      }
      opcode = first & 0x0F;
      length = second & 0x7F;
      if (length == 126) {
        length = ((long) readByte(in) << 8) | readByte(in);
      } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; i++) {
          length = (length << 8) | readByte(in);
        }
        if (length < 0) {
          throw new ProtocolError("frame length out of range");
        }
      }
      if (opcode >= CLOSE && (length > 125 || (first & 0x80) == 0)) {
        throw new ProtocolError("control frames are at most 125 bytes and never fragmented");
      }
      readFully(in, mask, 0, 4);
      return true;
    }

    /** Unmasks {@code count} payload bytes that start {@code position} bytes into the payload. */
    void unmask(byte[] bytes, int offset, int count, long position) {
      int phase = (int) (position & 3);
      for (int i = 0; i < count; i++) {
        bytes[offset + i] ^= mask[(phase + i) & 3];
      }
    }
  }

  /** What RFC 6455 calls a protocol error (close code 1002). */
  static final class ProtocolError extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolError(String message) {
      super(message);
    }
  }

  /**
   * Writes the payload at {@code bytes[MAX_HEADER_BYTES, MAX_HEADER_BYTES + length)} as one frame,
   * with the header placed just in front of it: a single write, so one segment (or TLS record) per
   * chunk relayed.
   */
  static void writeInPlace(OutputStream out, int opcode, byte[] bytes, int length)
      throws IOException {
    int start = MAX_HEADER_BYTES - headerLength(length);
    putHeader(bytes, start, opcode, length);
    out.write(bytes, start, MAX_HEADER_BYTES - start + length);
    out.flush();
  }

  /** Writes a (small) control frame. */
  static void writeControl(OutputStream out, int opcode, byte[] payload) throws IOException {
    byte[] frame = new byte[2 + payload.length];
    putHeader(frame, 0, opcode, payload.length);
    System.arraycopy(payload, 0, frame, 2, payload.length);
    out.write(frame);
    out.flush();
  }

  /** A close frame's payload: the code, then the reason cut to fit 125 bytes of UTF-8. */
  static byte[] closePayload(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(text.length, 123);
    while (length > 0 && length < text.length && (text[length] & 0xC0) == 0x80) {
      length--; // do not cut a character in two
    }
    byte[] payload = new byte[2 + length];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, length);
    return payload;
  }

  private static int headerLength(int length) {
    return length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
  }

  private static void putHeader(byte[] target, int at, int opcode, int length) {
    target[at] = (byte) (0x80 | opcode);
    if (length <= 125) {
      target[at + 1] = (byte) length;
    } else if (length <= 0xFFFF) {
      target[at + 1] = 126;
      target[at + 2] = (byte) (length >> 8);
      target[at + 3] = (byte) length;
    } else {
      target[at + 1] = 127;
      for (int i = 0; i < 8; i++) {
        target[at + 2 + i] = (byte) ((long) length >> (56 - 8 * i));
      }
    }
  }

  static int readByte(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("the connection ended inside a frame");
    }
    return b;
  }

  static void readFully(InputStream in, byte[] target, int offset, int length) throws IOException {
    while (length > 0) {
      int n = in.read(target, offset, length);
      if (n < 0) {
        throw new EOFException("the connection ended inside a frame");
      }
      offset += n;
      length -= n;
    }
  }
}

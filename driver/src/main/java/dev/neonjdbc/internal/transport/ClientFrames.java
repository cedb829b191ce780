package dev.neonjdbc.internal.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * RFC 6455 frames as a client writes them: one header (2, 4 or 10 bytes), the 4-byte masking key,
 * the masked payload, built in one array so a frame leaves in a single socket write.
 */
final class ClientFrames {
  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** Longest header a client frame can have: 10 length bytes and the 4-byte key. */
  static final int MAX_HEADER_BYTES = 14;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private ClientFrames() {}

  /**
   * Writes a final frame for {@code payload[offset, offset + length)} into {@code frame}, masked
   * with {@code key}.
   *
   * @return the frame's length in {@code frame}
   */
  static int encode(int opcode, byte[] payload, int offset, int length, int key, byte[] frame) {
    int at = 0;
    frame[at++] = (byte) (0x80 | opcode);
    if (length <= 125) {
      frame[at++] = (byte) (0x80 | length);
    } else if (length <= 0xFFFF) {
      frame[at++] = (byte) (0x80 | 126);
      frame[at++] = (byte) (length >> 8);
      frame[at++] = (byte) length;
    } else {
      frame[at++] = (byte) (0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame[at++] = (byte) ((long) length >> shift);
      }
    }
    for (int i = 0; i < 4; i++) {
      frame[at++] = (byte) (key >> (8 * i));
    }
    mask(payload, offset, frame, at, length, key);
    return at + length;
  }

  /**
   * {@code target[targetOffset + i] = source[sourceOffset + i] ^ key byte (i % 4)}, eight bytes at
   * a time. {@code key}'s low byte is the first key byte on the wire.
   */
  static void mask(
      byte[] source, int sourceOffset, byte[] target, int targetOffset, int length, int key) {
    long pattern = (key & 0xFFFF_FFFFL) | ((long) key << 32);
    int i = 0;
    for (int bulk = length & ~7; i < bulk; i += 8) {
      long word = (long) LONGS.get(source, sourceOffset + i);
      LONGS.set(target, targetOffset + i, word ^ pattern);
    }
    for (; i < length; i++) {
      target[targetOffset + i] = (byte) (source[sourceOffset + i] ^ (key >> (8 * (i & 3))));
    }
  }

  /** A close frame's payload: the code, then as much of the reason as fits in 125 bytes. */
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
}

package dev.neonjdbc.internal.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@code webSocketPipelineConnect}: sends the PasswordMessage right behind the StartupMessage, in
 * the same frame, instead of waiting one round trip for the server to ask for it. Neon's WebSocket
 * proxy always asks for a cleartext password, so the answer is known in advance.
 *
 * <p>pgJDBC does not know about this: when the server's cleartext-password request arrives, pgJDBC
 * answers it, and that second PasswordMessage is dropped here. If the server asks for anything else
 * (SCRAM, MD5, nothing at all), the password already sent is not what it expects and the connection
 * cannot continue: it fails with a message naming the setting.
 *
 * <p>Both directions are called on pgJDBC's thread: outbound as it flushes, inbound as it reads.
 */
final class StartupPipeline {
  private static final int PROTOCOL_3_0 = 196608;
  private static final int AUTH_CLEARTEXT_PASSWORD = 3;

  private enum Phase {
    AWAIT_STARTUP,
    AWAIT_SERVER_REPLY,
    ABSORB_PASSWORD,
    DONE
  }

  private final byte[] passwordMessage;
  private final byte[] replyHeader = new byte[9];
  private int replyHeaderLength;
  private volatile Phase phase = Phase.AWAIT_STARTUP;

  StartupPipeline(String password) {
    byte[] secret = password.getBytes(StandardCharsets.UTF_8);
    ByteBuffer message = ByteBuffer.allocate(1 + 4 + secret.length + 1);
    message.put((byte) 'p').putInt(4 + secret.length + 1).put(secret).put((byte) 0);
    this.passwordMessage = message.array();
  }

  /**
   * The bytes to send for one flush of pgJDBC's: the StartupMessage gains the PasswordMessage,
   * pgJDBC's own PasswordMessage disappears, anything else passes unchanged. A flush that is not a
   * StartupMessage (a CancelRequest) switches pipelining off.
   */
  ByteBuffer outbound(byte[] data, int offset, int length) {
    Phase current = phase;
    if (current == Phase.AWAIT_STARTUP) {
      if (length >= 8
          && readInt(data, offset) == length
          && readInt(data, offset + 4) == PROTOCOL_3_0) {
        ByteBuffer both = ByteBuffer.allocate(length + passwordMessage.length);
        both.put(data, offset, length).put(passwordMessage).flip();
        phase = Phase.AWAIT_SERVER_REPLY;
        return both;
      }
      phase = Phase.DONE;
    } else if (current == Phase.ABSORB_PASSWORD && length >= 5 && data[offset] == 'p') {
      int skip = 1 + readInt(data, offset + 1);
      if (skip <= length) {
        phase = Phase.DONE;
        return ByteBuffer.wrap(data, offset + skip, length - skip);
      }
    }
    return ByteBuffer.wrap(data, offset, length);
  }

  /**
   * Looks at the server's first message before pgJDBC reads it.
   *
   * @return the failure to end the connection with, or {@code null} to pass the bytes on
   */
  TunnelException inbound(ByteBuffer chunk) {
    if (phase != Phase.AWAIT_SERVER_REPLY) {
      return null;
    }
    ByteBuffer view = chunk.duplicate();
    while (replyHeaderLength < replyHeader.length && view.hasRemaining()) {
      replyHeader[replyHeaderLength++] = view.get();
    }
    if (replyHeader[0] != 'R') {
      // An ErrorResponse (unknown database, refused by pg_hba, ...): pgJDBC reports it.
      phase = Phase.DONE;
      return null;
    }
    if (replyHeaderLength < replyHeader.length) {
      return null;
    }
    int request = readInt(replyHeader, 5);
    if (request == AUTH_CLEARTEXT_PASSWORD) {
      phase = Phase.ABSORB_PASSWORD;
      return null;
    }
    phase = Phase.DONE;
    return new TunnelException(
        "webSocketPipelineConnect sent a cleartext password with the StartupMessage, but the"
            + " server asked for "
            + describe(request)
            + ". Neon's WebSocket proxy asks for a cleartext password; this server does not."
            + " Set webSocketPipelineConnect=false for it.");
  }

  private static String describe(int request) {
    return switch (request) {
      case 0 -> "no password at all (trust authentication)";
      case 5 -> "an MD5 password";
      case 7 -> "GSSAPI authentication";
      case 9 -> "SSPI authentication";
      case 10 -> "SASL authentication (SCRAM-SHA-256)";
      default -> "authentication request " + request;
    };
  }

  private static int readInt(byte[] bytes, int offset) {
    return ((bytes[offset] & 0xFF) << 24)
        | ((bytes[offset + 1] & 0xFF) << 16)
        | ((bytes[offset + 2] & 0xFF) << 8)
        | (bytes[offset + 3] & 0xFF);
  }
}

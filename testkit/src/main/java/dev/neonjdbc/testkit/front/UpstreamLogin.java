package dev.neonjdbc.testkit.front;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * The front's own login to an upstream (PgBouncer or PostgreSQL), as Neon's proxy logs in to the
 * compute after the client has authenticated to it ({@code proxy/src/compute/mod.rs}, {@code
 * AuthInfo::authenticate}; {@code proxy/src/proxy/mod.rs}, {@code
 * forward_compute_params_to_client}): plain TCP, SCRAM-SHA-256 (or a cleartext password when the
 * upstream asks for one) with the role's password, then the upstream's ParameterStatus and
 * NoticeResponse messages are kept for the client, its BackendKeyData is kept for cancels and
 * replaced by the front's own, and ReadyForQuery ends the login.
 */
final class UpstreamLogin {
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final int BUFFER_BYTES = 64 * 1024;

  /** A logged-in upstream session. */
  record Upstream(
      Socket socket,
      InputStream in,
      OutputStream out,
      InetSocketAddress address,
      int processId,
      int secretKey,
      byte[] greeting,
      byte[] readyForQuery) {}

  private UpstreamLogin() {}

  /**
   * Connects and logs in.
   *
   * @throws FrontFailure {@link NeonError#COULD_NOT_CONNECT} when the upstream cannot be reached,
   *     or the upstream's own error text (with Neon's hint for unsupported startup parameters)
   */
  static Upstream login(InetSocketAddress address, Map<String, String> parameters, NeonFront front)
      throws FrontFailure {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      socket.connect(address, CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      closeQuietly(socket);
      throw FrontFailure.of(NeonError.COULD_NOT_CONNECT);
    }
    try {
      socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS * 3);
      InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES);
      OutputStream out = socket.getOutputStream();
      PgWire.Flight startup = new PgWire.Flight().beginUntyped().int32(PgWire.PROTOCOL_3_0);
      parameters.forEach((key, value) -> startup.cString(key).cString(value));
      write(out, startup.bytes(new byte[] {0}).end().toBytes());

      PgWire.Flight greeting = new PgWire.Flight();
      ScramClient scram = null;
      int processId = 0;
      int secretKey = 0;
      while (true) {
        PgWire.Message message = PgWire.read(in);
        if (message == null) {
          throw FrontFailure.of(NeonError.COULD_NOT_CONNECT);
        }
        switch (message.type()) {
          case 'R' -> scram = authenticate(message.reader(), scram, out, front);
          case 'S', 'N' -> greeting.raw(message);
          case 'K' -> {
            PgWire.BodyReader key = message.reader();
            processId = key.int32();
            secretKey = key.int32();
          }
          case 'Z' -> {
            socket.setSoTimeout(0);
            return new Upstream(
                socket,
                in,
                out,
                address,
                processId,
                secretKey,
                greeting.toBytes(),
                new PgWire.Flight().raw(message).toBytes());
          }
          case 'E' -> throw FrontFailure.withText(clientText(message));
          default -> throw FrontFailure.of(NeonError.COULD_NOT_CONNECT);
        }
      }
    } catch (IOException e) {
      closeQuietly(socket);
      throw FrontFailure.of(NeonError.COULD_NOT_CONNECT);
    } catch (FrontFailure e) {
      closeQuietly(socket);
      throw e;
    }
  }

  private static ScramClient authenticate(
      PgWire.BodyReader request, ScramClient scram, OutputStream out, NeonFront front)
      throws IOException, FrontFailure {
    int code = request.int32();
    switch (code) {
      case PgWire.AUTH_OK -> {
        return scram;
      }
      case PgWire.AUTH_CLEARTEXT -> {
        write(out, new PgWire.Flight().begin('p').cString(front.password()).end().toBytes());
        return null;
      }
      case PgWire.AUTH_SASL -> {
        ScramClient client = new ScramClient(front);
        byte[] first = client.firstMessage().getBytes(StandardCharsets.UTF_8);
        write(
            out,
            new PgWire.Flight()
                .begin('p')
                .cString(Scram.SHA_256)
                .int32(first.length)
                .bytes(first)
                .end()
                .toBytes());
        return client;
      }
      case PgWire.AUTH_SASL_CONTINUE -> {
        if (scram == null) {
          throw FrontFailure.of(NeonError.COULD_NOT_CONNECT);
        }
        String reply = scram.finalMessage(new String(request.rest(), StandardCharsets.UTF_8));
        write(
            out,
            new PgWire.Flight()
                .begin('p')
                .bytes(reply.getBytes(StandardCharsets.UTF_8))
                .end()
                .toBytes());
        return scram;
      }
      case PgWire.AUTH_SASL_FINAL -> {
        if (scram == null
            || !scram.verifyServer(new String(request.rest(), StandardCharsets.UTF_8))) {
          throw FrontFailure.of(NeonError.COULD_NOT_CONNECT);
        }
        return scram;
      }
      default -> throw FrontFailure.of(NeonError.COULD_NOT_CONNECT);
    }
  }

  /** What Neon's proxy shows of a compute's login error: its message ({@code compute/mod.rs}). */
  private static String clientText(PgWire.Message error) {
    PgWire.BodyReader fields = error.reader();
    String text = "";
    while (fields.remaining() > 1) {
      byte[] code = fields.bytes(1);
      String value = fields.cString();
      if (code[0] == 'M') {
        text = value;
      }
    }
    if (text.startsWith("unsupported startup parameter: ")
        || text.startsWith("unsupported startup parameter in options: ")) {
      return text + NeonError.UNSUPPORTED_STARTUP_PARAMETER_HINT;
    }
    return text;
  }

  /** Sends a CancelRequest for an upstream session (best effort, as PostgreSQL's are). */
  static void cancel(InetSocketAddress address, int processId, int secretKey) {
    try (Socket socket = new Socket()) {
      socket.connect(address, CONNECT_TIMEOUT_MILLIS);
      write(
          socket.getOutputStream(),
          new PgWire.Flight()
              .beginUntyped()
              .int32(PgWire.CANCEL_REQUEST)
              .int32(processId)
              .int32(secretKey)
              .end()
              .toBytes());
      socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
      socket.getInputStream().read(); // the server closes the connection when done
    } catch (IOException e) {
      // A cancel is a request, not a promise.
    }
  }

  private static void write(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is best effort.
    }
  }

  /** The client side of SCRAM-SHA-256 without channel binding (the upstream link is plain). */
  private static final class ScramClient {
    private static final String GS2_HEADER = "n,,";
    private final NeonFront front;
    private final String clientFirstBare;
    private byte[] expectedServerSignature;

    ScramClient(NeonFront front) {
      this.front = front;
      this.clientFirstBare = "n=,r=" + Scram.nonce();
    }

    String firstMessage() {
      return GS2_HEADER + clientFirstBare;
    }

    String finalMessage(String serverFirst) throws FrontFailure {
      String nonce = Scram.attribute(serverFirst, 'r');
      String salt = Scram.attribute(serverFirst, 's');
      String iterations = Scram.attribute(serverFirst, 'i');
      if (nonce == null || salt == null || iterations == null) {
        throw FrontFailure.of(NeonError.COULD_NOT_CONNECT);
      }
      byte[] salted;
      try {
        salted = front.saltedPassword(Scram.unbase64(salt), Integer.parseInt(iterations));
      } catch (IllegalArgumentException e) {
        throw FrontFailure.of(NeonError.COULD_NOT_CONNECT);
      }
      byte[] clientKey = Scram.hmac(salted, "Client Key");
      byte[] storedKey = Scram.sha256(clientKey);
      String withoutProof =
          "c=" + Scram.base64(GS2_HEADER.getBytes(StandardCharsets.UTF_8)) + ",r=" + nonce;
      String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
      byte[] proof = Scram.xor(clientKey, Scram.hmac(storedKey, authMessage));
      expectedServerSignature = Scram.hmac(Scram.hmac(salted, "Server Key"), authMessage);
      return withoutProof + ",p=" + Scram.base64(proof);
    }

    boolean verifyServer(String serverFinal) {
      String signature = Scram.attribute(serverFinal, 'v');
      return signature != null
          && expectedServerSignature != null
          && MessageDigest.isEqual(Scram.unbase64(signature), expectedServerSignature);
    }
  }
}

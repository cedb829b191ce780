package dev.neonjdbc.testkit.front;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Authenticates a client at the front, as Neon's proxy does ({@code proxy/src/auth/flow.rs}, {@code
 * proxy/src/sasl/stream.rs}, {@code proxy/src/scram/exchange.rs}, {@code
 * proxy/src/auth/backend/hacks.rs}):
 *
 * <ul>
 *   <li>over TLS, SCRAM with both SCRAM-SHA-256-PLUS and SCRAM-SHA-256 offered; the channel binding
 *       is {@code tls-server-end-point} of the front's own certificate, so a client that requires
 *       channel binding is satisfied by the front, not by whatever stands behind it;
 *   <li>over WebSocket, a cleartext password request (one round trip, no SCRAM cost on the client),
 *       checked against the secret;
 *   <li>an unknown role gets a secret no password matches ({@code ServerSecret::mock}), so it fails
 *       exactly like a wrong password.
 * </ul>
 *
 * On success the SASLFinal and AuthenticationOk messages are returned, not sent: Neon's proxy
 * buffers them and they reach the client with the rest of the login, after the compute answers.
 */
final class ClientAuthentication {
  private final ClientLink link;
  private final String user;
  private final Scram.Secret secret;
  private final byte[] passwordDigest;

  /**
   * @param secret the role's secret, or {@code null} for an unknown role
   * @param passwordDigest SHA-256 of the role's password, or {@code null} for an unknown role: a
   *     cleartext password is checked against it, which decides as the secret would without 4096
   *     PBKDF2 rounds per login (Neon's proxy caches these checks, {@code scram/cache.rs})
   */
  ClientAuthentication(ClientLink link, String user, Scram.Secret secret, byte[] passwordDigest) {
    this.link = link;
    this.user = user;
    this.secret = secret != null ? secret : Scram.Secret.of(Scram.nonce());
    this.passwordDigest = passwordDigest;
  }

  /** Asks for a cleartext password and returns what the client sent. */
  static String askCleartextPassword(ClientLink link) throws IOException, FrontFailure {
    link.send(new PgWire.Flight().auth(PgWire.AUTH_CLEARTEXT, null).toBytes());
    PgWire.Message message = PgWire.read(link.in());
    if (message == null) {
      throw new IOException("the client left during authentication");
    }
    if (message.type() != 'p') {
      throw FrontFailure.of(NeonError.AUTH_PROTOCOL_VIOLATION);
    }
    byte[] body = message.body();
    if (body.length == 0 || body[body.length - 1] != 0) {
      // auth/mod.rs, MalformedPassword
      throw FrontFailure.withText("Malformed password message: missing terminator");
    }
    return new String(body, 0, body.length - 1, StandardCharsets.UTF_8);
  }

  /** Checks a cleartext password; returns the AuthenticationOk flight. */
  byte[] checkPassword(String password) throws FrontFailure {
    byte[] offered = Scram.sha256(password.getBytes(StandardCharsets.UTF_8));
    if (passwordDigest == null || !MessageDigest.isEqual(offered, passwordDigest)) {
      throw FrontFailure.of(NeonError.PASSWORD_FAILED, user);
    }
    return new PgWire.Flight().auth(PgWire.AUTH_OK, null).toBytes();
  }

  /** Runs SCRAM; returns the SASLFinal and AuthenticationOk flight. */
  byte[] scram() throws IOException, FrontFailure {
    boolean binding = link.isTls();
    PgWire.Flight methods = new PgWire.Flight().begin('R').int32(PgWire.AUTH_SASL);
    if (binding) {
      methods.cString(Scram.SHA_256_PLUS);
    }
    link.send(methods.cString(Scram.SHA_256).bytes(new byte[] {0}).end().toBytes());

    PgWire.BodyReader initial = expectResponse();
    String mechanism = initial.cString();
    if (!mechanism.equals(Scram.SHA_256) && !(binding && mechanism.equals(Scram.SHA_256_PLUS))) {
      throw FrontFailure.of(NeonError.AUTH_PROTOCOL_VIOLATION);
    }
    int length = initial.int32();
    if (length < 0 || length > initial.remaining()) {
      throw FrontFailure.of(NeonError.AUTH_PROTOCOL_VIOLATION);
    }
    String clientFirst = new String(initial.bytes(length), StandardCharsets.UTF_8);

    // gs2-header: cbind-flag "," [authzid] ","
    int firstComma = clientFirst.indexOf(',');
    int secondComma = firstComma < 0 ? -1 : clientFirst.indexOf(',', firstComma + 1);
    if (secondComma < 0) {
      throw FrontFailure.of(NeonError.AUTH_PROTOCOL_VIOLATION);
    }
    String flag = clientFirst.substring(0, firstComma);
    String gs2Header = clientFirst.substring(0, secondComma + 1);
    String clientFirstBare = clientFirst.substring(secondComma + 1);
    boolean bound;
    if (flag.equals("n")) {
      bound = false;
    } else if (flag.equals("y")) {
      if (binding) {
        throw FrontFailure.of(NeonError.SCRAM_PLUS_NOT_USED);
      }
      bound = false;
    } else if (flag.startsWith("p=")) {
      if (!flag.equals("p=tls-server-end-point")) {
        // sasl/mod.rs, ChannelBindingBadMethod
        throw FrontFailure.withText("unsupported channel binding method " + flag.substring(2));
      }
      if (!binding) {
        throw FrontFailure.of(NeonError.AUTH_PROTOCOL_VIOLATION);
      }
      bound = true;
    } else {
      throw FrontFailure.of(NeonError.AUTH_PROTOCOL_VIOLATION);
    }
    String clientNonce = Scram.attribute(clientFirstBare, 'r');
    if (clientNonce == null || clientNonce.isEmpty()) {
      throw FrontFailure.of(NeonError.AUTH_PROTOCOL_VIOLATION);
    }
    String nonce = clientNonce + Scram.nonce();
    String serverFirst =
        "r=" + nonce + ",s=" + Scram.base64(secret.salt()) + ",i=" + secret.iterations();
    link.send(
        new PgWire.Flight()
            .auth(PgWire.AUTH_SASL_CONTINUE, serverFirst.getBytes(StandardCharsets.UTF_8))
            .toBytes());

    String clientFinal = new String(expectResponse().rest(), StandardCharsets.UTF_8);
    int proofAt = clientFinal.lastIndexOf(",p=");
    String channel = Scram.attribute(clientFinal, 'c');
    String finalNonce = Scram.attribute(clientFinal, 'r');
    if (proofAt < 0 || channel == null || finalNonce == null) {
      throw FrontFailure.of(NeonError.AUTH_PROTOCOL_VIOLATION);
    }
    byte[] header = gs2Header.getBytes(StandardCharsets.UTF_8);
    byte[] expectedChannel = header;
    if (bound) {
      byte[] endPoint = link.tlsServerEndPoint();
      expectedChannel = new byte[header.length + endPoint.length];
      System.arraycopy(header, 0, expectedChannel, 0, header.length);
      System.arraycopy(endPoint, 0, expectedChannel, header.length, endPoint.length);
    }
    if (!channel.equals(Scram.base64(expectedChannel))) {
      throw FrontFailure.of(NeonError.CHANNEL_BINDING_MISMATCH);
    }
    if (!finalNonce.equals(nonce)) {
      throw FrontFailure.of(NeonError.AUTH_PROTOCOL_VIOLATION);
    }
    byte[] proof;
    try {
      proof = Scram.unbase64(clientFinal.substring(proofAt + 3));
    } catch (IllegalArgumentException e) {
      throw FrontFailure.of(NeonError.AUTH_PROTOCOL_VIOLATION);
    }
    String authMessage =
        clientFirstBare + "," + serverFirst + "," + clientFinal.substring(0, proofAt);
    byte[] clientSignature = Scram.hmac(secret.storedKey(), authMessage);
    if (proof.length != clientSignature.length
        || !MessageDigest.isEqual(
            Scram.sha256(Scram.xor(proof, clientSignature)), secret.storedKey())) {
      throw FrontFailure.of(NeonError.PASSWORD_FAILED, user);
    }
    String serverFinal = "v=" + Scram.base64(Scram.hmac(secret.serverKey(), authMessage));
    return new PgWire.Flight()
        .auth(PgWire.AUTH_SASL_FINAL, serverFinal.getBytes(StandardCharsets.UTF_8))
        .auth(PgWire.AUTH_OK, null)
        .toBytes();
  }

  private PgWire.BodyReader expectResponse() throws IOException, FrontFailure {
    PgWire.Message message = PgWire.read(link.in());
    if (message == null) {
      throw new IOException("the client left during authentication");
    }
    if (message.type() != 'p') {
      throw FrontFailure.of(NeonError.AUTH_PROTOCOL_VIOLATION);
    }
    return message.reader();
  }
}

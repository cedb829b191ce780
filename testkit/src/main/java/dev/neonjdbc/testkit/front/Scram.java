package dev.neonjdbc.testkit.front;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 arithmetic (RFC 5802, RFC 7677) shared by the front's server side (clients log in
 * to the front) and client side (the front logs in upstream). Passwords are taken as they are: the
 * kit's passwords are ASCII letters, digits and {@code _}, which SASLprep leaves unchanged.
 */
final class Scram {
  static final String SHA_256 = "SCRAM-SHA-256";
  static final String SHA_256_PLUS = "SCRAM-SHA-256-PLUS";
  static final int ITERATIONS = 4096;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Scram() {}

  /** StoredKey and ServerKey of a password, what PostgreSQL keeps in {@code pg_authid}. */
  record Secret(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    /** The secret of {@code password} with a fresh random salt. */
    static Secret of(String password) {
      byte[] salt = new byte[16];
      RANDOM.nextBytes(salt);
      return of(password, salt, ITERATIONS);
    }

    static Secret of(String password, byte[] salt, int iterations) {
      byte[] salted = saltedPassword(password, salt, iterations);
      return new Secret(
          salt, iterations, sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key"));
    }
  }

  static byte[] saltedPassword(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JVM", e);
    }
  }

  static byte[] hmac(byte[] key, String text) {
    return hmac(key, text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static byte[] xor(byte[] a, byte[] b) {
    byte[] result = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      result[i] = (byte) (a[i] ^ b[i]);
    }
    return result;
  }

  static String nonce() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static byte[] unbase64(String text) {
    return Base64.getDecoder().decode(text);
  }

  /** The value of attribute {@code name} ({@code "r"}, {@code "s"}…) in a SCRAM message. */
  static String attribute(String message, char name) {
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
        return part.substring(2);
      }
    }
    return null;
  }
}

package dev.neonjdbc.testkit.postgres;

import java.security.SecureRandom;

/** Random passwords made only of characters that need no quoting in URLs, configs or SQL. */
public final class Passwords {
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {}

  /** {@code length} random letters and digits. */
  public static String alphanumeric(int length) {
    StringBuilder password = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      password.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
    }
    return password.toString();
  }

  /** A password shaped like the ones Neon issues: {@code npg_} and twelve letters and digits. */
  public static String neonStyle() {
    return "npg_" + alphanumeric(12);
  }
}

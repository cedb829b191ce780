package dev.neonjdbc.internal.config;

/**
 * Hides secrets in anything the driver prints: URLs, property values, messages.
 *
 * <p>Works on text that may be malformed (it is used while reporting a malformed URL), so it never
 * throws and never needs the text to parse. What counts as a secret is decided in one place, {@link
 * UrlSecrets}, which the URL parser reads its password from too: the two cannot disagree about
 * where a password ends.
 */
public final class Masking {
  /** What a secret is replaced with. */
  public static final String MASK = "***";

  private Masking() {}

  /**
   * Whether the value of this key is a secret: {@code password}, {@code sslpassword}, a mistyped
   * {@code pasword}, and keys naming a {@code pass}, {@code pw}, {@code secret} or {@code token}.
   */
  public static boolean isSecretKey(String key) {
    return UrlSecrets.isSecretKey(key);
  }

  /**
   * The URL with everything that could be a password replaced by {@link #MASK}: the user-info
   * password however the URL is mistyped, and the values of password keys in its query. Errs on
   * masking too much; see {@link UrlSecrets} for the rules.
   */
  public static String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    return UrlSecrets.find(url).masked();
  }

  /**
   * Whether {@code value}, read from {@code url}, could show a part of its password (for example a
   * user name that swallowed the password because a separator was mistyped).
   */
  public static boolean mayRevealSecret(String url, String value) {
    return url != null && UrlSecrets.find(url).mayReveal(value);
  }
}

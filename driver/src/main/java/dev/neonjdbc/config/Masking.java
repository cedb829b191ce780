package dev.neonjdbc.config;

import java.util.Locale;

/**
 * Hides secrets in anything the driver prints: URLs, property values, messages.
 *
 * <p>Works on text that may be malformed (it is used while reporting a malformed URL), so it never
 * throws and never needs the text to parse.
 */
public final class Masking {
  /** What a secret is replaced with. */
  public static final String MASK = "***";

  private Masking() {}

  /** Whether the value of this key is a secret (passwords of any kind). */
  public static boolean isSecretKey(String key) {
    return key != null && key.toLowerCase(Locale.ROOT).contains("password");
  }

  /**
   * The URL with the password of its user-info part ({@code user:secret@}) and the values of
   * password keys in its query replaced by {@link #MASK}.
   */
  public static String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    String masked = maskUserInfo(url);
    return maskQuery(masked);
  }

  private static String maskUserInfo(String url) {
    int scheme = url.indexOf("//");
    if (scheme < 0) {
      return url;
    }
    int authorityStart = scheme + 2;
    int query = url.indexOf('?', authorityStart);
    int searchEnd = query < 0 ? url.length() : query;
    int at = url.lastIndexOf('@', searchEnd - 1);
    if (at < authorityStart) {
      return url;
    }
    int colon = url.indexOf(':', authorityStart);
    if (colon < 0 || colon > at) {
      return url;
    }
    return url.substring(0, colon + 1) + MASK + url.substring(at);
  }

  private static String maskQuery(String url) {
    int query = url.indexOf('?');
    if (query < 0) {
      return url;
    }
    StringBuilder out = new StringBuilder(url.length());
    out.append(url, 0, query + 1);
    int start = query + 1;
    while (start <= url.length()) {
      int end = url.indexOf('&', start);
      if (end < 0) {
        end = url.length();
      }
      String pair = url.substring(start, end);
      int eq = pair.indexOf('=');
      if (eq > 0 && isSecretKey(pair.substring(0, eq))) {
        out.append(pair, 0, eq + 1).append(MASK);
      } else {
        out.append(pair);
      }
      if (end < url.length()) {
        out.append('&');
      }
      start = end + 1;
    }
    return out.toString();
  }
}

package dev.neonjdbc.internal.config;

/**
 * A URL's text as {@link UrlSecrets}' rules read it: characters, percent-escapes that may be
 * broken, and the character classes of names and keys. Never throws for any index inside the text.
 */
final class UrlText {
  private final String text;

  /** The characters, copied once: the rules read every one of them several times. */
  private final char[] chars;

  UrlText(String text) {
    this.text = text;
    this.chars = text.toCharArray();
  }

  int length() {
    return chars.length;
  }

  char charAt(int i) {
    return chars[i];
  }

  int indexOf(char c, int from) {
    return text.indexOf(c, from);
  }

  int lastIndexOf(char c, int from) {
    return text.lastIndexOf(c, from);
  }

  boolean startsWith(String prefix, int at) {
    return text.startsWith(prefix, at);
  }

  boolean regionMatchesIgnoreCase(int at, String word) {
    return text.regionMatches(true, at, word, 0, word.length());
  }

  String substring(int start, int end) {
    return text.substring(start, end);
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * The first index in {@code [from, end)} holding one of {@code separators} (, never a letter or
   * digit), else {@code end}.
   */
  int indexOfAny(String separators, int from, int end) {
    if (separators.length() == 1) {
      int at = text.indexOf(separators.charAt(0), from);
      return at < 0 || at > end ? end : at;
    }
    for (int i = from; i < end; i++) {
      char c = chars[i];
      boolean letterOrDigit =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!letterOrDigit && separators.indexOf(c) >= 0) {
        return i;
      }
    }
    return end;
  }

  /** The byte that the escape at {@code i} encodes, or -1 when it is not {@code %XX}. */
  int hexByte(int i) {
    if (i + 2 >= chars.length || chars[i] != '%') {
      return -1;
    }
    int high = Character.digit(chars[i + 1], 16);
    int low = Character.digit(chars[i + 2], 16);
    return high < 0 || low < 0 ? -1 : high * 16 + low;
  }

  /** Whether the escape at {@code i} encodes {@code c}. */
  boolean encodes(int i, char c) {
    return hexByte(i) == c;
  }

  /** Percent-decodes {@code [from, to)} as far as it can, keeping broken escapes as written. */
  String decodeLeniently(int from, int to) {
    StringBuilder out = null;
    for (int i = from; i < to; i++) {
      char c = chars[i];
      int decoded = c == '%' && i + 2 < to ? hexByte(i) : -1;
      if (decoded >= 0) {
        if (out == null) {
          out = new StringBuilder(to - from).append(text, from, i);
        }
        out.append((char) decoded);
        i += 2;
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text.substring(from, to) : out.toString();
  }

  /** Whether a user, host or database name has {@code c} (no separator, no quote, no space). */
  static boolean isNameCharacter(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '.'
        || c == '-'
        || c == '+'
        || c == '$';
  }

  /** Whether a query key (maybe percent-encoded) has {@code c}. */
  static boolean isKeyCharacter(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '.'
        || c == '-'
        || c == '%';
  }
}

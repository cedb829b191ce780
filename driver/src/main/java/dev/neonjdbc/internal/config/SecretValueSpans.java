package dev.neonjdbc.internal.config;

import java.util.List;

/**
 * Rule 4 of {@link UrlSecrets}: the values of keys that look like a password, wherever they are in
 * the text, read raw, percent-decoded and with broken escapes removed; and values that lost their
 * key.
 */
final class SecretValueSpans {
  private final UrlText text;
  private final int passwordStart;
  private final int userInfoEnd;
  private final SpanList found;

  /** Where known parameters start; made on first need. */
  private int[] knownParameters;

  private SecretValueSpans(UrlText text, int passwordStart, int userInfoEnd, SpanList found) {
    this.text = text;
    this.passwordStart = passwordStart;
    this.userInfoEnd = userInfoEnd;
    this.found = found;
  }

  /**
   * Adds to {@code found} every span of rule 4 in {@code text}; {@code [passwordStart,
   * userInfoEnd)} is the parser's user-info password (-1 when there is none).
   */
  static void find(UrlText text, int passwordStart, int userInfoEnd, SpanList found) {
    new SecretValueSpans(text, passwordStart, userInfoEnd, found).find();
  }

  private void find() {
    int n = text.length();
    // A pair whose key no one knows (?SECRET, &abc[def, ?x=SECRET, &=SECRET) may be the rest of a
    // password cut at its own unencoded '?' or '&', or a value whose key a typo took: the pair and
    // what follows up to a known parameter.
    for (int j = text.indexOfAny("?&", 0, n); j < n; j = text.indexOfAny("?&", j + 1, n)) {
      int pairEnd = text.indexOfAny("?&#", j + 1, n);
      int keyEnd = text.indexOfAny("=", j + 1, pairEnd);
      if (pairEnd > j + 1 && !SecretKeys.isKnown(text.decodeLeniently(j + 1, keyEnd))) {
        found.add(j + 1, nextKnownParameter(j + 1));
      }
    }
    int i = 0;
    while (i < n) {
      if (!UrlText.isKeyCharacter(text.charAt(i))) {
        i++;
        continue;
      }
      int runStart = i;
      while (i < n && UrlText.isKeyCharacter(text.charAt(i))) {
        i++;
      }
      int runEnd = i;
      if (!maySpellSecret(runStart, runEnd)) {
        continue;
      }
      if (runStart > 0 && text.charAt(runStart - 1) == '=' && hasGluedKey(runStart, runEnd)) {
        // A value with a password key in it (user=alexpwdSECRET): the '&' and '=' around the
        // key were lost, so the value is masked with what follows.
        int valueEnd = nextKnownParameter(runStart);
        if (insideUserInfoPassword(runStart)) {
          valueEnd = Math.min(valueEnd, userInfoEnd);
        }
        found.add(runStart, valueEnd);
        i = Math.max(i, valueEnd);
        continue;
      }
      // A run may hold several keys joined by an encoded '=' or ':' (options=-c%20x%3Dpassword
      // glued to what follows, or password%3Dsecret): each piece is a possible key.
      int pieceStart = runStart;
      while (pieceStart < runEnd) {
        int pieceEnd = pieceStart;
        while (pieceEnd < runEnd && !encodesSeparator(pieceEnd)) {
          pieceEnd++;
        }
        int valueStart = secretValueStart(pieceStart, pieceEnd, runEnd);
        if (valueStart >= 0) {
          int valueEnd = nextKnownParameter(valueStart);
          if (insideUserInfoPassword(pieceStart)) {
            // A key inside a user-info password (alex:my-pass=word@host): the user-info rule
            // masks it; its value ends with the user-info, so the host stays readable.
            valueEnd = Math.min(valueEnd, userInfoEnd);
          }
          if (valueStart < valueEnd) {
            found.add(valueStart, valueEnd);
          }
          i = Math.max(i, valueEnd);
          break;
        }
        pieceStart = pieceEnd + 3;
      }
    }
  }

  /** Whether a password key ({@code pwd}, {@code pass}…) is in {@code [start, end)}, any case. */
  private boolean hasGluedKey(int start, int end) {
    for (int i = start; i < end; i++) {
      for (String word : SecretKeys.GLUED_KEYS) {
        if (i + word.length() <= end && text.regionMatchesIgnoreCase(i, word)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A cheap first look (this runs for every word of every URL): whether the run has the letters any
   * secret key needs, or a '%' that may hide them.
   */
  private boolean maySpellSecret(int start, int end) {
    int letters = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c == '%') {
        return true;
      }
      char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
      if (lower >= 'a' && lower <= 'z') {
        letters |= 1 << (lower - 'a');
      }
    }
    int passwordLetters = 0;
    for (char c : "pasword".toCharArray()) {
      passwordLetters += (letters >> (c - 'a')) & 1;
    }
    return passwordLetters >= 3
        || has(letters, "pw")
        || has(letters, "secret")
        || has(letters, "token");
  }

  private static boolean has(int letters, String word) {
    for (int i = 0; i < word.length(); i++) {
      if ((letters & (1 << (word.charAt(i) - 'a'))) == 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code i} lies in the parser's user-info password with nothing before it there that a
   * lost '?' could have left of a path or query ({@code / ? & #}).
   */
  private boolean insideUserInfoPassword(int i) {
    if (passwordStart < 0 || i < passwordStart || i >= userInfoEnd) {
      return false;
    }
    for (int j = passwordStart; j < i; j++) {
      if ("/?&#".indexOf(text.charAt(j)) >= 0) {
        return false;
      }
    }
    return true;
  }

  private boolean encodesSeparator(int i) {
    return text.charAt(i) == '%' && (text.encodes(i, '=') || text.encodes(i, ':'));
  }

  /**
   * Where the value of the key {@code [keyStart, keyEnd)} starts when that key looks like a secret,
   * else -1; {@code runEnd} ends the run of key characters the key is in.
   */
  private int secretValueStart(int keyStart, int keyEnd, int runEnd) {
    boolean queryPosition = keyStart > 0 && "?&;".indexOf(text.charAt(keyStart - 1)) >= 0;
    boolean noValue =
        keyEnd < runEnd
            ? !text.encodes(keyEnd, '=')
            : runEnd >= text.length() || text.charAt(runEnd) != '=';
    String key = text.decodeLeniently(keyStart, keyEnd);
    if (queryPosition && noValue) {
      // A query parameter without '=' that starts like a password key lost or mistyped its '='
      // (passSECRET, pass//SECRET): it is masked with what follows.
      for (String word : SecretKeys.GLUED_KEYS) {
        if (text.regionMatchesIgnoreCase(keyStart, word)) {
          return keyStart;
        }
      }
      if (SecretKeys.isSecretKey(key)) {
        return keyStart;
      }
    }
    List<String> readings = SecretKeys.readings(key);
    boolean strong = false;
    boolean weak = false;
    for (String word : readings) {
      strong |= SecretKeys.looksLikePasswordWord(word);
      weak |= SecretKeys.isSecretWord(word);
    }
    if (!strong && !weak) {
      return -1;
    }
    // A weak key (pw, pass…) counts only with '=' after it, raw or encoded, not ':' (p%40ss%3A is
    // a password, not a key).
    boolean encodedSeparator = keyEnd < runEnd && (strong || text.encodes(keyEnd, '='));
    boolean separated = encodedSeparator || (runEnd < text.length() && text.charAt(runEnd) == '=');
    if (!SecretKeys.isKnown(key) && (strong || separated)) {
      // Not a key spelled right (pasword=, passSECRET=, password%3Fsecret): a part of the
      // password may be glued to it, so the key is masked with its value.
      return keyStart;
    }
    if (encodedSeparator) {
      return keyEnd + 3;
    }
    if (keyEnd < runEnd) {
      return -1;
    }
    if (runEnd < text.length() && text.charAt(runEnd) == '=') {
      return runEnd + 1;
    }
    if (!strong) {
      // pw, pass, token…: a key only when '=' follows (deepwater.example.com:5432 is a host).
      return -1;
    }
    if (runEnd < text.length() && text.charAt(runEnd) == ':') {
      return runEnd + 1;
    }
    // No separator after a password-like key: it is glued to its value (PASSWORDsecret,
    // pasword%40secret), so the whole run is masked with what follows.
    return keyStart;
  }

  /** Where the next {@code &KEY=} or {@code ?KEY=} with a known, non-secret key starts. */
  private int nextKnownParameter(int from) {
    if (knownParameters == null) {
      knownParameters = knownParameters();
    }
    int at = java.util.Arrays.binarySearch(knownParameters, from);
    int next = at >= 0 ? at : -at - 1;
    return next < knownParameters.length ? knownParameters[next] : text.length();
  }

  /** Every {@code &KEY=} or {@code ?KEY=} with a known, non-secret key, in order: one pass. */
  private int[] knownParameters() {
    int n = text.length();
    int[] starts = new int[4];
    int count = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c != '&' && c != '?') {
        continue;
      }
      int eq = i + 1;
      while (eq < n && UrlText.isKeyCharacter(text.charAt(eq))) {
        eq++;
      }
      if (eq < n && text.charAt(eq) == '=') {
        String key = text.decodeLeniently(i + 1, eq);
        if (SecretKeys.isKnown(key) && !SecretKeys.isSecretKey(key)) {
          if (count == starts.length) {
            starts = java.util.Arrays.copyOf(starts, count * 2);
          }
          starts[count++] = i;
        }
      }
      i = eq - 1;
    }
    return java.util.Arrays.copyOf(starts, count);
  }
}

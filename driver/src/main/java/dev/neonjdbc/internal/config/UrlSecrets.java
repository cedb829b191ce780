package dev.neonjdbc.internal.config;

import java.lang.ref.WeakReference;
import java.util.HashSet;
import java.util.Set;

/**
 * Where a password could be in a connection URL of any shape: the one routine behind both {@link
 * ParsedUrl} (which takes the user-info password from it) and {@link Masking} (which hides every
 * span it finds), so the two cannot disagree about where a password ends.
 *
 * <p>A URL that does not parse is exactly the one whose message must show it, so this never needs
 * the text to be well-formed and never throws. Where the text can be read in several ways, every
 * reading's password is a span: masking too much costs a less helpful message, masking too little
 * leaks a password. The spans are the union of:
 *
 * <ol>
 *   <li><b>The parser's reading.</b> After {@code //}, {@code postgresql://} or {@code
 *       postgres://}, the user-info ends at the last {@code @} before the first {@code ?} or {@code
 *       #}, and the password runs from its first {@code :} to that {@code @}.
 *   <li><b>Any user-info</b> ({@link AuthoritySpans}). A scheme that does not read ({@code
 *       postgres:/}, {@code jdbc:neon:alex…}, {@code mysql://}) leaves no telling where anything
 *       is: all after it. Otherwise, up to the last {@code @} of the text (so an unencoded {@code ?
 *       # & / @ :} inside the password cannot end it early): after the first {@code :} when what
 *       precedes it reads as a user name, else all of the user-info, user name included ({@code
 *       alexSECRET;x@}, {@code @alex:SECRET@@}). An {@code @} inside a query pair that already has
 *       its {@code =} ({@code application_name=me@corp}) does not count when the URL is sound up to
 *       its query.
 *   <li><b>The authority and the database</b> ({@link AuthoritySpans}). After that {@code @} (or
 *       from the start when there is none): a host with a character no host has, unless it is the
 *       colon of a port, is masked from its start to the end of the text; with no {@code @} at all,
 *       also after every later {@code //} and every colon that no port follows. A database name
 *       with a character no name has (a password ran into it, or its {@code ?} was lost) is masked
 *       whole; so is a database path with more {@code /} or {@code :} after an {@code @}.
 *   <li><b>Secret keys, anywhere</b> ({@link SecretValueSpans}). A key that {@link
 *       SecretKeys#isSecretKey looks like a password} ({@code password}, {@code sslpassword},
 *       {@code PASSWORD}, typos within two edits like {@code pasword}, also glued to what precedes
 *       it; {@code passwd}, {@code pwd}, {@code pass}…), read raw, percent-decoded and with broken
 *       escapes removed: its value, from {@code =} (or {@code %3D}; for password-like keys also
 *       {@code :} or nothing) to the next {@code &} or {@code ?} that starts a known connection
 *       parameter ({@code &sslmode=}), else to the end. A key not spelled exactly right is masked
 *       with its value; so is a value with no key ({@code &=secret}). A key inside a well-formed
 *       user-info password ends with it.
 *   <li><b>Repeats.</b> Every run of {@value #REPEAT} characters that also occurs in a span is
 *       masked wherever it occurs: a URL pasted twice, or a part of it duplicated, repeats its
 *       password where no rule above sees it.
 * </ol>
 *
 * <p>{@link #scrub} and {@link #mayReveal} apply the same test to what the parser read from the
 * text: a quoted value in a message, or a property value, that shares {@value #REPEAT} characters
 * with a span is masked.
 *
 * <p>Not covered, because the text is byte for byte a URL whose user, host or database is so named
 * ({@code jdbc:neon:postgresql://sam@host/app} is masked as itself): a password that a typo made
 * into the whole of a plain user name, host or database name, such as {@code alexSECRET@host} (the
 * colon deleted), {@code alex:AB@CD} cut after the password's own {@code @} (the host {@code CD})
 * or {@code alex/SECRET} cut before its {@code @} (host and database).
 *
 * <p>Every rule reads the text once from left to right, or once per secret key it finds: the cost
 * is linear in the length of the URL.
 */
final class UrlSecrets {
  private static final String PREFIX = "jdbc:neon:";
  private static final String[] BODY_STARTS = {"//", "postgresql://", "postgres://"};

  /** How many characters repeated from a span make a repeat that is masked too. */
  private static final int REPEAT = 4;

  private final String text;
  private final int prefixEnd;
  private final int bodyStart;
  private final int userInfoEnd;
  private final int passwordStart;
  private final int[] spans;

  /** The spans of rules 1, 2 and 4 alone: no host or database name that may be a password. */
  private final int[] passwordSpans;

  /** Every {@value #REPEAT}-character run of the spans, raw and decoded; made on first need. */
  private volatile GramSet grams;

  /** The same for {@link #passwordSpans}; made on first need. */
  private volatile GramSet passwordGrams;

  /** Keys and values of the query parameters inside spans; made on first need. */
  private volatile Set<String> valuesInSpans;

  private UrlSecrets(String text) {
    this.text = text;
    this.prefixEnd = text.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) ? PREFIX.length() : 0;
    int body = -1;
    for (String start : BODY_STARTS) {
      if (text.startsWith(start, prefixEnd)) {
        body = prefixEnd + start.length();
        break;
      }
    }
    this.bodyStart = body;
    int at = -1;
    int colon = -1;
    if (body >= 0) {
      int fragment = text.indexOf('#', body);
      int bodyEnd = fragment < 0 ? text.length() : fragment;
      int query = text.indexOf('?', body);
      int beforeQuery = query < 0 || query > bodyEnd ? bodyEnd : query;
      at = text.lastIndexOf('@', beforeQuery - 1);
      if (at < body) {
        at = -1;
      } else {
        colon = text.indexOf(':', body);
        if (colon > at) {
          colon = -1;
        }
      }
    }
    this.userInfoEnd = at;
    this.passwordStart = colon < 0 ? -1 : colon + 1;

    UrlText url = new UrlText(text);
    SpanList found = new SpanList();
    SpanList hosts = new SpanList();
    if (passwordStart >= 0) {
      found.add(passwordStart, userInfoEnd);
    }
    AuthoritySpans.find(url, prefixEnd, bodyStart, userInfoEnd, found, hosts);
    SecretValueSpans.find(url, passwordStart, userInfoEnd, found);
    this.passwordSpans = found.merged();
    hosts.addAll(passwordSpans);
    this.spans = withRepeats(text, hosts.merged());
  }

  /**
   * Rule 5: a URL pasted twice, or a part of it duplicated, repeats its password where no rule
   * above sees it (after a key cut in half, or glued to a user name); so every run of {@value
   * #REPEAT} or more characters that also occurs inside a span is masked wherever it occurs.
   */
  private static int[] withRepeats(String text, int[] spans) {
    int count = 0;
    for (int i = 0; i < spans.length; i += 2) {
      count += Math.max(0, spans[i + 1] - spans[i] - REPEAT + 1);
    }
    if (count == 0) {
      return spans;
    }
    GramSet inSpans = new GramSet(count);
    for (int i = 0; i < spans.length; i += 2) {
      for (int j = spans[i]; j + REPEAT <= spans[i + 1]; j++) {
        inSpans.add(GramSet.gramAt(text, j));
      }
    }
    SpanList found = new SpanList();
    found.addAll(spans);
    int span = 0;
    int repeatStart = -1;
    int repeatEnd = -1;
    for (int j = 0; j + REPEAT <= text.length(); j++) {
      while (span < spans.length && spans[span + 1] <= j) {
        span += 2;
      }
      if (span < spans.length && spans[span] <= j && j + REPEAT <= spans[span + 1]) {
        continue; // inside a span already
      }
      if (inSpans.contains(GramSet.gramAt(text, j))) {
        if (j > repeatEnd) {
          found.add(repeatStart, repeatEnd);
          repeatStart = j;
        }
        repeatEnd = j + REPEAT;
      }
    }
    found.add(repeatStart, repeatEnd);
    return found.merged();
  }

  private UrlSecrets(UrlSecrets whole, int offset) {
    this.text = whole.text.substring(offset);
    this.prefixEnd = 0;
    this.bodyStart = shift(whole.bodyStart, offset);
    this.userInfoEnd = shift(whole.userInfoEnd, offset);
    this.passwordStart = shift(whole.passwordStart, offset);
    this.spans = shift(whole.spans, offset);
    this.passwordSpans = shift(whole.passwordSpans, offset);
  }

  /** {@code spans} counted from {@code offset}, those before it dropped. */
  private static int[] shift(int[] spans, int offset) {
    int[] shifted = new int[spans.length];
    int count = 0;
    for (int i = 0; i < spans.length; i += 2) {
      if (spans[i + 1] > offset) {
        shifted[count++] = Math.max(0, spans[i] - offset);
        shifted[count++] = spans[i + 1] - offset;
      }
    }
    return java.util.Arrays.copyOf(shifted, count);
  }

  private static int shift(int index, int offset) {
    return index < 0 ? -1 : index - offset;
  }

  /**
   * The same findings for the text after its {@code jdbc:neon:} prefix, indices counted from there:
   * what {@link ParsedUrl} reads when given the rest of a URL. A text without the prefix is
   * returned as it is.
   */
  UrlSecrets afterPrefix() {
    return prefixEnd == 0 ? this : new UrlSecrets(this, prefixEnd);
  }

  /**
   * The findings for the last text looked at on each thread. One URL is read by several entry
   * points in a row ({@code acceptsURL}, {@code getPropertyInfo}, {@code connect}, the messages of
   * its errors); the same string is searched once. Weak, so no URL (and no password) is kept once
   * its caller lets it go.
   */
  private static final ThreadLocal<WeakReference<UrlSecrets>> LAST =
      ThreadLocal.withInitial(() -> new WeakReference<>(null));

  /** Finds everything in {@code text} that could be a password. Never throws. */
  static UrlSecrets find(String text) {
    String searched = text == null ? "" : text;
    UrlSecrets last = LAST.get().get();
    if (last != null && last.text == searched) {
      return last;
    }
    UrlSecrets found = new UrlSecrets(searched);
    LAST.set(new WeakReference<>(found));
    return found;
  }

  /** Whether the value of {@code key} is a secret; see {@link SecretKeys#isSecretKey}. */
  static boolean isSecretKey(String key) {
    return SecretKeys.isSecretKey(key);
  }

  /** Whether {@code text} starts with {@code jdbc:neon:} (any case). */
  boolean hasPrefix() {
    return prefixEnd > 0;
  }

  /**
   * Where the parser's host-or-user-info part starts: after {@code //}, {@code postgresql://} or
   * {@code postgres://} (following the prefix, if any), or -1 when the text has none of them.
   */
  int bodyStart() {
    return bodyStart;
  }

  /** The {@code @} that ends the parser's user-info part, or -1. */
  int userInfoEnd() {
    return userInfoEnd;
  }

  /** The first character of the parser's user-info password (after its colon), or -1. */
  int passwordStart() {
    return passwordStart;
  }

  /** Whether {@code [start, end)} overlaps anything that could be a password. */
  boolean overlaps(int start, int end) {
    for (int i = 0; i < spans.length; i += 2) {
      if (spans[i] < end && start < spans[i + 1]) {
        return true;
      }
    }
    return false;
  }

  /** {@code 'text'} for a part of the text that holds no secret, else {@link Masking#MASK}. */
  String quote(int start, int end) {
    return overlaps(start, end) ? Masking.MASK : "'" + text.substring(start, end) + "'";
  }

  /** The text with every span replaced by {@link Masking#MASK}. */
  String masked() {
    if (spans.length == 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int last = 0;
    for (int i = 0; i < spans.length; i += 2) {
      out.append(text, last, spans[i]).append(Masking.MASK);
      last = spans[i + 1];
    }
    return out.append(text, last, text.length()).toString();
  }

  /**
   * Whether a value read from this text (a user name, a property value) could show a password: it
   * equals a span or shares {@value #REPEAT} consecutive characters with one, the spans taken raw
   * and percent-decoded.
   */
  boolean mayReveal(String value) {
    if (value == null || value.isEmpty() || spans.length == 0) {
      return false;
    }
    return grams().sharesGram(value) || isShortSecret(value);
  }

  /** Whether {@code value}, too short to share a run, is a whole span, raw or decoded. */
  private boolean isShortSecret(String value) {
    if (value.length() >= REPEAT) {
      return false;
    }
    UrlText url = new UrlText(text);
    for (int i = 0; i < spans.length; i += 2) {
      if (text.substring(spans[i], spans[i + 1]).equals(value)
          || url.decodeLeniently(spans[i], spans[i + 1]).equals(value)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code message} with every quoted segment ({@code 'value'}, the shape {@link ConfigErrors}
   * uses) that may show a part of a password masked: one that equals a query parameter inside a
   * span (the tail of a password with an unencoded {@code &} is still validated by name), or shares
   * {@value #REPEAT} characters with a span. If the message still shares any, its details are
   * withheld.
   */
  String scrub(String message) {
    if (message == null || spans.length == 0) {
      return message;
    }
    Set<String> values = valuesInSpans();
    GramSet grams = grams();
    StringBuilder out = new StringBuilder(message.length());
    int i = 0;
    while (i < message.length()) {
      int open = message.indexOf('\'', i);
      int close = open < 0 ? -1 : message.indexOf('\'', open + 1);
      if (close < 0) {
        out.append(message, i, message.length());
        break;
      }
      String quoted = message.substring(open + 1, close);
      out.append(message, i, open);
      if (values.contains(quoted) || grams.sharesGram(quoted)) {
        out.append(Masking.MASK);
      } else {
        out.append(message, open, close + 1);
      }
      i = close + 1;
    }
    String scrubbed = out.toString();
    // Every part of a URL reaches a message quoted, so this is a last guard; it leaves out the
    // host and database spans, and runs of lower-case letters alone: the message's own words
    // (host, require, password) are such.
    if (passwordGrams().sharesGram(scrubbed)) {
      return "Malformed or invalid jdbc:neon: URL (details withheld: they may show a part of the"
          + " password)";
    }
    return scrubbed;
  }

  private GramSet grams() {
    GramSet found = grams;
    if (found == null) {
      found = gramsOf(spans);
      grams = found;
    }
    return found;
  }

  private GramSet passwordGrams() {
    GramSet found = passwordGrams;
    if (found == null) {
      found = gramsOf(passwordSpans).withoutLowerCaseWords();
      passwordGrams = found;
    }
    return found;
  }

  /** Every run of {@code spans}, raw and percent-decoded. */
  private GramSet gramsOf(int[] spans) {
    UrlText url = null;
    int count = 0;
    for (int i = 0; i < spans.length; i += 2) {
      count += 2 * (spans[i + 1] - spans[i]);
    }
    GramSet found = new GramSet(count);
    for (int i = 0; i < spans.length; i += 2) {
      found.addAll(text, spans[i], spans[i + 1]);
      int escape = text.indexOf('%', spans[i]);
      if (escape >= 0 && escape < spans[i + 1]) {
        url = url == null ? new UrlText(text) : url;
        String decoded = url.decodeLeniently(spans[i], spans[i + 1]);
        found.addAll(decoded, 0, decoded.length());
      }
    }
    return found;
  }

  /**
   * Keys and values of {@code key=value} pairs that overlap a span, raw and decoded; pairs are cut
   * both the way the parser cuts a query (at {@code &} only) and at every {@code ? #} too.
   */
  private Set<String> valuesInSpans() {
    Set<String> found = valuesInSpans;
    if (found == null) {
      Set<String> values = new HashSet<>();
      int query = text.indexOf('?');
      addPairsInSpans(query + 1, "&", values);
      addPairsInSpans(0, "&?#", values);
      values.remove("");
      // Filled before it is published through the volatile field, and never changed after.
      found = java.util.Collections.unmodifiableSet(values);
      valuesInSpans = found;
    }
    return found;
  }

  private void addPairsInSpans(int from, String separators, Set<String> values) {
    UrlText url = new UrlText(text);
    int n = text.length();
    int start = from;
    while (start <= n) {
      int end = url.indexOfAny(separators, start, n);
      if (overlaps(start, end)) {
        int eq = text.indexOf('=', start);
        if (eq >= 0 && eq < end) {
          values.add(text.substring(eq + 1, end));
          values.add(url.decodeLeniently(eq + 1, end));
          values.add(text.substring(start, eq));
          values.add(url.decodeLeniently(start, eq));
        } else {
          values.add(text.substring(start, end));
          values.add(url.decodeLeniently(start, end));
        }
      }
      start = end + 1;
    }
  }
}

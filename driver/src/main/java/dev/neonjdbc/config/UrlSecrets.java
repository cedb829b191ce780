package dev.neonjdbc.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postgresql.PGProperty;

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
 *   <li><b>Any user-info.</b> After the prefix, a {@code postgres[ql]:} scheme (only when a slash
 *       follows) and any slashes, backslashes or spaces: from the first character no user name has
 *       ({@code :}, {@code %3A}, {@code @}, {@code ;}, {@code &}, a broken escape…) to the last
 *       {@code @} of the text, so an unencoded {@code ? # & / @ :} inside the password cannot end
 *       it early. An {@code @} inside a query pair that already has its {@code =} ({@code
 *       application_name=me@corp}) does not count when the URL is sound up to its query.
 *   <li><b>The authority.</b> After that {@code @} (or from the start when there is none): from the
 *       first character no host has, unless it is the colon of a port, to the end of the text
 *       (after an {@code @}, the whole authority: a password's own {@code @} may have come last);
 *       with no {@code @} at all, also after every later {@code //} and every colon that no port
 *       follows (a garbled scheme hides where the authority starts). A database path with more
 *       {@code /} or {@code :} after an {@code @} is masked too.
 *   <li><b>Secret keys, anywhere.</b> A key that {@link #isSecretKey looks like a password} ({@code
 *       password}, {@code sslpassword}, {@code PASSWORD}, typos within two edits like {@code
 *       pasword}, also glued to what precedes it; {@code passwd}, {@code pwd}, {@code pass}…), read
 *       raw, percent-decoded and with broken escapes removed: its value, from {@code =} (or {@code
 *       %3D}; for password-like keys also {@code :} or nothing) to the next {@code &} or {@code ?}
 *       that starts a known connection parameter ({@code &sslmode=}), else to the end. A key not
 *       spelled exactly right is masked with its value; so is a value with no key ({@code
 *       &=secret}). A key inside a well-formed user-info password ends with it.
 *   <li><b>Repeats.</b> Every run of {@value #REPEAT} characters that also occurs in a span is
 *       masked wherever it occurs: a URL pasted twice, or a part of it duplicated, repeats its
 *       password where no rule above sees it.
 * </ol>
 *
 * <p>{@link #scrub} and {@link #mayReveal} apply the same test to what the parser read from the
 * text: a quoted value in a message, or a property value, that shares {@value #REPEAT} characters
 * with a span is masked.
 *
 * <p>Not covered, because no rule can tell them from an ordinary URL: a password glued to the user
 * name with its colon deleted ({@code alexSECRET@host}); both user-info separators mistyped ({@code
 * alex@SECRETHOST}); a password with its own unencoded {@code @} whose real {@code @} is lost or
 * cut off ({@code alex:AB@CD}, read as a host {@code CD}); a truncated URL whose password starts
 * with digits followed by {@code /} ({@code alex:123/x}, a port and a database).
 */
final class UrlSecrets {
  private static final String PREFIX = "jdbc:neon:";
  private static final String[] SCHEMES = {"postgresql:", "postgres:"};

  /** What people type between a scheme and its host: slashes, backslashes, stray spaces. */
  private static final String SLASHES = "/\\ ";

  private static final String[] BODY_STARTS = {"//", "postgresql://", "postgres://"};

  /** libpq's connection keywords; with pgJDBC's and ours they end a secret value in a query. */
  private static final String[] LIBPQ_KEYS = {
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "passfile",
    "connect_timeout",
    "client_encoding",
    "options",
    "application_name",
    "fallback_application_name",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "replication",
    "gssencmode",
    "sslmode",
    "sslnegotiation",
    "sslcompression",
    "sslcert",
    "sslkey",
    "sslrootcert",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "requirepeer",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "krbsrvname",
    "gsslib",
    "gssdelegation",
    "service",
    "target_session_attrs",
    "load_balance_hosts",
    "channel_binding",
    "require_auth",
    "min_protocol_version",
    "max_protocol_version"
  };

  private static final Set<String> KNOWN_KEYS = knownKeys();

  /** Password keys a value may be glued to when its '=' is lost, longest first. */
  private static final String[] GLUED_KEYS = {"password", "passwd", "pass", "pwd", "pw"};

  /** How many characters repeated from a span make a repeat that is masked too. */
  private static final int REPEAT = 4;

  private final String text;
  private final int prefixEnd;
  private final int bodyStart;
  private final int userInfoEnd;
  private final int passwordStart;
  private final int[] spans;

  /** Every {@value #REPEAT}-character run of the spans, raw and decoded; made on first need. */
  private Set<String> grams;

  /** Keys and values of the query parameters inside spans; made on first need. */
  private Set<String> valuesInSpans;

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

    List<int[]> found = new ArrayList<>();
    if (passwordStart >= 0) {
      found.add(new int[] {passwordStart, userInfoEnd});
    }
    findUserInfo(found);
    findSecretValues(found);
    this.spans = merge(findRepeats(text, merge(found)));
  }

  /**
   * Rule 5: a URL pasted twice, or a part of it duplicated, repeats its password where no rule
   * above sees it (after a key cut in half, or glued to a user name); so every run of {@value
   * #REPEAT} or more characters that also occurs inside a span is masked wherever it occurs.
   */
  private static List<int[]> findRepeats(String text, int[] spans) {
    List<int[]> found = new ArrayList<>();
    int count = 0;
    for (int i = 0; i < spans.length; i += 2) {
      found.add(new int[] {spans[i], spans[i + 1]});
      count += Math.max(0, spans[i + 1] - spans[i] - REPEAT + 1);
    }
    if (count == 0) {
      return found;
    }
    // Runs packed into longs and sorted: this runs for every URL, so no substring per position.
    long[] grams = new long[count];
    int next = 0;
    for (int i = 0; i < spans.length; i += 2) {
      for (int j = spans[i]; j + REPEAT <= spans[i + 1]; j++) {
        grams[next++] = gramAt(text, j);
      }
    }
    Arrays.sort(grams);
    for (int j = 0; j + REPEAT <= text.length(); j++) {
      if (Arrays.binarySearch(grams, gramAt(text, j)) >= 0) {
        found.add(new int[] {j, j + REPEAT});
      }
    }
    return found;
  }

  private static long gramAt(String text, int at) {
    return ((long) text.charAt(at) << 48)
        | ((long) text.charAt(at + 1) << 32)
        | ((long) text.charAt(at + 2) << 16)
        | text.charAt(at + 3);
  }

  private UrlSecrets(UrlSecrets whole, int offset) {
    this.text = whole.text.substring(offset);
    this.prefixEnd = 0;
    this.bodyStart = shift(whole.bodyStart, offset);
    this.userInfoEnd = shift(whole.userInfoEnd, offset);
    this.passwordStart = shift(whole.passwordStart, offset);
    int[] shifted = new int[whole.spans.length];
    int count = 0;
    for (int i = 0; i < whole.spans.length; i += 2) {
      if (whole.spans[i + 1] > offset) {
        shifted[count++] = Math.max(0, whole.spans[i] - offset);
        shifted[count++] = whole.spans[i + 1] - offset;
      }
    }
    this.spans = Arrays.copyOf(shifted, count);
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

  /** Finds everything in {@code text} that could be a password. Never throws. */
  static UrlSecrets find(String text) {
    return new UrlSecrets(text == null ? "" : text);
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
    if (value == null || value.isEmpty()) {
      return false;
    }
    Set<String> secrets = secretTexts();
    if (secrets.contains(value)) {
      return true;
    }
    return sharesGram(value, grams());
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
    Set<String> grams = grams();
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
      if (values.contains(quoted) || sharesGram(quoted, grams)) {
        out.append(Masking.MASK);
      } else {
        out.append(message, open, close + 1);
      }
      i = close + 1;
    }
    String scrubbed = out.toString();
    if (sharesGram(scrubbed, grams)) {
      return "Malformed or invalid jdbc:neon: URL (details withheld: they may show a part of the"
          + " password)";
    }
    return scrubbed;
  }

  private Set<String> grams() {
    if (grams != null) {
      return grams;
    }
    Set<String> found = new HashSet<>();
    for (String secret : secretTexts()) {
      for (int j = 0; j + REPEAT <= secret.length(); j++) {
        found.add(secret.substring(j, j + REPEAT));
      }
    }
    // Immutable, so a ConnectionSettings shared between threads sees it whole.
    grams = Set.copyOf(found);
    return grams;
  }

  private static boolean sharesGram(String value, Set<String> grams) {
    for (int j = 0; j + REPEAT <= value.length(); j++) {
      if (grams.contains(value.substring(j, j + REPEAT))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the value of {@code key} is a secret: the key, letters only, contains {@code pass},
   * {@code pw}, {@code secret} or {@code token}, is {@code password} with up to two letters wrong
   * ({@code pasword}, {@code passowrd}), or is a short word from {@code p} to a {@code w} ({@code
   * passwd}, {@code psswd}). Case is ignored the same way in every locale. In a URL, such a key
   * counts only with {@code =} after it, except the {@code password}-like ones, which count with
   * {@code :} or nothing after them too.
   */
  static boolean isSecretKey(String key) {
    for (String word : readings(key)) {
      if (isSecretWord(word) || looksLikePasswordWord(word)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSecretWord(String word) {
    return word.contains("pass")
        || word.contains("pw")
        || word.contains("secret")
        || word.contains("token")
        // pass mistyped: pas, paass.
        || (word.length() >= 3 && word.length() <= 5 && editsToNearestPart(word, "pass") <= 1)
        // Abbreviations and their typos: passwd, pswd, psswd, pwd.
        || (word.length() <= 8 && word.startsWith("p") && word.indexOf('w') > 0);
  }

  /**
   * The letters of {@code key} as written (a '%' is no letter), and with a broken escape typed into
   * it removed ({@code p%Zass}, {@code pa%G0ss}): the '%' with one or two characters after it.
   */
  private static List<String> readings(String key) {
    if (key == null || key.indexOf('%') < 0) {
      return List.of(letters(key));
    }
    List<String> readings = new ArrayList<>(4);
    readings.add(letters(key));
    for (int skip = 1; skip <= 2; skip++) {
      StringBuilder without = new StringBuilder(key.length());
      for (int i = 0; i < key.length(); i++) {
        if (key.charAt(i) == '%') {
          i += skip;
        } else {
          without.append(key.charAt(i));
        }
      }
      readings.add(letters(without.toString()));
    }
    return readings;
  }

  private static boolean looksLikePasswordWord(String word) {
    if (word.contains("password")) {
      return true;
    }
    // Six of the eight letters must be there for two edits to reach "password": four distinct.
    int seen = 0;
    for (int i = 0; i < word.length(); i++) {
      int at = "pasword".indexOf(word.charAt(i));
      if (at >= 0) {
        seen |= 1 << at;
      }
    }
    if (Integer.bitCount(seen) < 4 || word.length() > 80) {
      return false;
    }
    // Typos (pasword, passowrd), also glued to what came before when a separator was lost
    // (user=alexpasword=…): any part of the word at most two edits from "password".
    if (editsToNearestPart(word, "password") <= 2) {
      return true;
    }
    return false;
  }

  /** The ASCII letters of {@code key}, in lower case (the same in every locale). */
  private static String letters(String key) {
    if (key == null) {
      return "";
    }
    StringBuilder letters = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        letters.append((char) (c + ('a' - 'A')));
      } else if (c >= 'a' && c <= 'z') {
        letters.append(c);
      }
    }
    return letters.toString();
  }

  // Rule 2 and 3: the user-info of any shape, and the tail of an authority without '@'.
  private void findUserInfo(List<int[]> found) {
    int n = text.length();
    int start = prefixEnd;
    for (String scheme : SCHEMES) {
      if (text.regionMatches(true, start, scheme, 0, scheme.length())
          && start + scheme.length() < n
          && SLASHES.indexOf(text.charAt(start + scheme.length())) >= 0) {
        start += scheme.length();
        break;
      }
    }
    while (start < n && SLASHES.indexOf(text.charAt(start)) >= 0) {
      start++;
    }
    int lastAt = lastUserInfoAt(start);
    if (lastAt >= start) {
      // The user name ends at its colon, or at whatever mistyped separator replaced it. A
      // bracketed IPv6 host is not a user name: its colons start no password.
      int from = start;
      int close = ipv6End(start);
      if (close >= 0 && close < lastAt) {
        from = close;
      }
      for (int i = from; i < lastAt; i++) {
        int unusual = unusualUserCharacterLength(i);
        if (unusual > 0) {
          found.add(new int[] {i + unusual, lastAt});
          break;
        }
      }
      // What follows the last '@' is host and port; when a stray '@' came before the user, it is
      // the user-info instead, and its "port" the password.
      start = lastAt + 1;
      // A database path with more '/' or ':' in it means the '@' was the password's own and the
      // one ending the user-info was mistyped: the host and more password come later.
      int pathEnd = start;
      while (pathEnd < n && "?#".indexOf(text.charAt(pathEnd)) < 0) {
        pathEnd++;
      }
      int slash = text.indexOf('/', start);
      int last = -1;
      for (int i = slash < 0 ? pathEnd : slash + 1; i < pathEnd; i++) {
        if (text.charAt(i) == '/' || text.charAt(i) == ':') {
          last = i;
        }
      }
      if (last >= 0) {
        found.add(new int[] {start, pathEnd});
      }
      while (start < n && SLASHES.indexOf(text.charAt(start)) >= 0) {
        start++;
      }
    }
    int authorityEnd = authorityEnd(start);
    if (maskAuthority(start, lastAt >= 0, found) || lastAt >= 0) {
      return;
    }
    // A garbled scheme (postgres//, po%73tgres:) hides where the authority starts: after every
    // later "//" before the query, the same rule applies.
    for (int i = authorityEnd; i + 1 < n && "?#".indexOf(text.charAt(i)) < 0; i++) {
      if (text.startsWith("//", i)) {
        int next = i;
        while (next < n && SLASHES.indexOf(text.charAt(next)) >= 0) {
          next++;
        }
        if (maskAuthority(next, false, found)) {
          return;
        }
        i = next - 1;
      }
    }
    // With a garbled scheme (a '?' or '#' typed into it, too) the authority may start later than
    // it seems: any colon that no port follows may start a password.
    for (int i = authorityEnd; i < n; i++) {
      boolean colon = text.charAt(i) == ':' || (text.charAt(i) == '%' && hexByte(i) == ':');
      if (colon && !isPort(i, n)) {
        found.add(new int[] {i + (text.charAt(i) == ':' ? 1 : 3), n});
        return;
      }
    }
  }

  /**
   * The last '@' after {@code start} that may end a user-info part: one inside a query pair that
   * already has its '=' ({@code application_name=me@corp}) is a value's, not the user-info's.
   */
  private int lastUserInfoAt(int start) {
    // Only in a URL whose shape is sound up to its query (user-info '@', host, '/'): otherwise
    // a "?x=" may be inside the password itself.
    int query = userInfoEnd < 0 ? -1 : text.indexOf('?', userInfoEnd);
    int slash = userInfoEnd < 0 ? -1 : text.indexOf('/', userInfoEnd);
    boolean sound = query > 0 && slash > userInfoEnd + 1 && slash < query;
    if (!sound) {
      int last = text.lastIndexOf('@');
      return last >= start ? last : -1;
    }
    for (int at = text.lastIndexOf('@'); at >= start; at = text.lastIndexOf('@', at - 1)) {
      int pairStart = Math.max(text.lastIndexOf('?', at), text.lastIndexOf('&', at));
      if (at < query || text.lastIndexOf('=', at) < pairStart) {
        return at;
      }
    }
    return -1;
  }

  /** After the ']' of an IPv6 address in brackets at {@code start}, or -1 when none is there. */
  private int ipv6End(int start) {
    if (!text.startsWith("[", start)) {
      return -1;
    }
    for (int i = start + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ']') {
        return i + 1;
      }
      if (Character.digit(c, 16) < 0 && c != ':' && c != '.' && c != '%') {
        return -1;
      }
    }
    return -1;
  }

  private int authorityEnd(int start) {
    int end = start;
    while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
      end++;
    }
    return end;
  }

  /**
   * Masks from the first character in the authority at {@code start} that no user or host name has,
   * unless it is the colon of a port; after an '@' ({@code afterAt}) the whole authority, since a
   * "host" with such a character is rather the rest of a password whose own '@' is the last one.
   * Whether it masked.
   */
  private boolean maskAuthority(int start, boolean afterAt, List<int[]> found) {
    int n = text.length();
    int authorityEnd = authorityEnd(start);
    int from = start;
    int close = ipv6End(start);
    if (close >= 0) {
      from = Math.min(close, authorityEnd);
    }
    for (int i = from; i < authorityEnd; i++) {
      int unusual = unusualUserCharacterLength(i);
      if (unusual > 0) {
        if (text.charAt(i) != ':' || !isPort(i, authorityEnd)) {
          found.add(new int[] {afterAt ? start : i + unusual, n});
          return true;
        }
        return false;
      }
    }
    if (afterAt && authorityEnd < n && text.charAt(authorityEnd) == '#') {
      // A '#' straight after the "host" is rather inside a password whose own '@' came last.
      found.add(new int[] {start, n});
      return true;
    }
    return false;
  }

  /** Whether one to five digits follow the colon at {@code colon}, up to a '/' or {@code end}. */
  private boolean isPort(int colon, int end) {
    int i = colon + 1;
    while (i < end && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
    }
    return i > colon + 1 && i - colon - 1 <= 5 && (i == end || "/?#".indexOf(text.charAt(i)) >= 0);
  }

  /** Length of the (possibly percent-encoded) character at {@code i} if no user name has it. */
  private int unusualUserCharacterLength(int i) {
    char c = text.charAt(i);
    if (c == '%') {
      int decoded = hexByte(i);
      if (decoded < 0) {
        return 1;
      }
      // An escaped byte of a UTF-8 character can belong to a user name; an escaped ASCII
      // separator (%3A, %40) cannot.
      return isUserNameCharacter((char) decoded) || decoded >= 0x80 ? 0 : 3;
    }
    return isUserNameCharacter(c) || c >= 0x80 ? 0 : 1;
  }

  /** Whether {@code user} has only characters a user name has (no mistyped separator in it). */
  static boolean isPlainUserName(String user) {
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (!isUserNameCharacter(c) && c < 0x80) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUserNameCharacter(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '.'
        || c == '-'
        || c == '+'
        || c == '$';
  }

  // Rule 4: values of keys that look like a password, wherever they are.
  private void findSecretValues(List<int[]> found) {
    int n = text.length();
    // A value without a key (&=secret) has lost its key to a typo: it may be the password.
    for (int j = 1; j < n; j++) {
      if (text.charAt(j) == '=' && "?&".indexOf(text.charAt(j - 1)) >= 0) {
        found.add(new int[] {j + 1, nextKnownParameter(j + 1)});
      }
    }
    int i = 0;
    while (i < n) {
      if (!isKeyCharacter(text.charAt(i))) {
        i++;
        continue;
      }
      int runStart = i;
      while (i < n && isKeyCharacter(text.charAt(i))) {
        i++;
      }
      int runEnd = i;
      if (!maySpellSecret(runStart, runEnd)) {
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
            found.add(new int[] {valueStart, valueEnd});
          }
          i = Math.max(i, valueEnd);
          break;
        }
        pieceStart = pieceEnd + 3;
      }
    }
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
    return text.charAt(i) == '%' && (encodes(i, '=') || encodes(i, ':'));
  }

  /**
   * Where the value of the key {@code [keyStart, keyEnd)} starts when that key looks like a secret,
   * else -1; {@code runEnd} ends the run of key characters the key is in.
   */
  private int secretValueStart(int keyStart, int keyEnd, int runEnd) {
    boolean queryPosition = keyStart > 0 && "?&;".indexOf(text.charAt(keyStart - 1)) >= 0;
    boolean noValue =
        keyEnd < runEnd
            ? !encodes(keyEnd, '=')
            : runEnd >= text.length() || text.charAt(runEnd) != '=';
    String key = decodeLeniently(keyStart, keyEnd);
    if (queryPosition && noValue) {
      // A query parameter without '=' that starts like a password key lost or mistyped its '='
      // (passSECRET, pass//SECRET): it is masked with what follows.
      for (String word : GLUED_KEYS) {
        if (text.regionMatches(true, keyStart, word, 0, word.length())) {
          return keyStart;
        }
      }
      if (isSecretKey(key)) {
        return keyStart;
      }
    }
    List<String> readings = readings(key);
    boolean strong = false;
    boolean weak = false;
    for (String word : readings) {
      strong |= looksLikePasswordWord(word);
      weak |= isSecretWord(word);
    }
    if (!strong && !weak) {
      return -1;
    }
    // A weak key (pw, pass…) counts only with '=' after it, raw or encoded, not ':' (p%40ss%3A is
    // a password, not a key).
    boolean encodedSeparator = keyEnd < runEnd && (strong || encodes(keyEnd, '='));
    boolean separated = encodedSeparator || (runEnd < text.length() && text.charAt(runEnd) == '=');
    if (!KNOWN_KEYS.contains(key.toLowerCase(Locale.ROOT)) && (strong || separated)) {
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
    int n = text.length();
    for (int i = from; i < n; i++) {
      char c = text.charAt(i);
      if (c != '&' && c != '?') {
        continue;
      }
      int eq = i + 1;
      while (eq < n && isKeyCharacter(text.charAt(eq))) {
        eq++;
      }
      if (eq < n && text.charAt(eq) == '=') {
        String key = decodeLeniently(i + 1, eq).toLowerCase(Locale.ROOT);
        if (KNOWN_KEYS.contains(key) && !isSecretKey(key)) {
          return i;
        }
      }
    }
    return n;
  }

  private static boolean isKeyCharacter(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '.'
        || c == '-'
        || c == '%';
  }

  /** Percent-decodes {@code [from, to)} as far as it can, keeping broken escapes as written. */
  private String decodeLeniently(int from, int to) {
    StringBuilder out = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      int decoded = c == '%' && i + 2 < to ? hexByte(i) : -1;
      if (decoded >= 0) {
        out.append((char) decoded);
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private boolean encodes(int i, char c) {
    return hexByte(i) == c;
  }

  /** The byte that the escape at {@code i} encodes, or -1 when it is not {@code %XX}. */
  private int hexByte(int i) {
    if (i + 2 >= text.length() || text.charAt(i) != '%') {
      return -1;
    }
    int high = Character.digit(text.charAt(i + 1), 16);
    int low = Character.digit(text.charAt(i + 2), 16);
    return high < 0 || low < 0 ? -1 : high * 16 + low;
  }

  private Set<String> secretTexts() {
    Set<String> texts = new LinkedHashSet<>();
    for (int i = 0; i < spans.length; i += 2) {
      texts.add(text.substring(spans[i], spans[i + 1]));
      texts.add(decodeLeniently(spans[i], spans[i + 1]));
    }
    texts.remove("");
    return texts;
  }

  /**
   * Keys and values of {@code key=value} pairs that overlap a span, raw and decoded; pairs are cut
   * both the way the parser cuts a query (at {@code &} only) and at every {@code ? #} too.
   */
  private Set<String> valuesInSpans() {
    if (valuesInSpans != null) {
      return valuesInSpans;
    }
    Set<String> values = new HashSet<>();
    int query = text.indexOf('?');
    addPairsInSpans(query + 1, "&", values);
    addPairsInSpans(0, "&?#", values);
    values.remove("");
    // Immutable, so a ConnectionSettings shared between threads sees it whole.
    valuesInSpans = Set.copyOf(values);
    return valuesInSpans;
  }

  private void addPairsInSpans(int from, String separators, Set<String> values) {
    int n = text.length();
    int start = from;
    while (start <= n) {
      int end = start;
      while (end < n && separators.indexOf(text.charAt(end)) < 0) {
        end++;
      }
      if (overlaps(start, end)) {
        int eq = text.indexOf('=', start);
        if (eq >= 0 && eq < end) {
          values.add(text.substring(eq + 1, end));
          values.add(decodeLeniently(eq + 1, end));
          values.add(text.substring(start, eq));
          values.add(decodeLeniently(start, eq));
        } else {
          values.add(text.substring(start, end));
          values.add(decodeLeniently(start, end));
        }
      }
      start = end + 1;
    }
  }

  private static int[] merge(List<int[]> found) {
    found = new ArrayList<>(found);
    found.removeIf(span -> span[0] >= span[1]);
    found.sort((a, b) -> Integer.compare(a[0], b[0]));
    int[] merged = new int[found.size() * 2];
    int count = 0;
    for (int[] span : found) {
      if (count > 0 && span[0] <= merged[count - 1]) {
        merged[count - 1] = Math.max(merged[count - 1], span[1]);
      } else {
        merged[count++] = span[0];
        merged[count++] = span[1];
      }
    }
    return Arrays.copyOf(merged, count);
  }

  /**
   * The fewest edits that turn {@code pattern} into some part of {@code word} (Sellers' approximate
   * substring matching: one pass, no substring copies).
   */
  private static int editsToNearestPart(String word, String pattern) {
    int m = pattern.length();
    int[] column = new int[m + 1];
    for (int i = 0; i <= m; i++) {
      column[i] = i;
    }
    int best = column[m];
    for (int j = 0; j < word.length(); j++) {
      int diagonal = column[0];
      column[0] = 0;
      for (int i = 1; i <= m; i++) {
        int above = column[i];
        int cost = pattern.charAt(i - 1) == word.charAt(j) ? 0 : 1;
        column[i] = Math.min(diagonal + cost, Math.min(above, column[i - 1]) + 1);
        diagonal = above;
      }
      best = Math.min(best, column[m]);
    }
    return best;
  }

  private static Set<String> knownKeys() {
    Set<String> keys = new HashSet<>();
    for (String key : LIBPQ_KEYS) {
      keys.add(key);
    }
    for (NeonProperty property : NeonProperty.values()) {
      keys.add(property.getName().toLowerCase(Locale.ROOT));
    }
    for (PGProperty property : PGProperty.values()) {
      keys.add(property.getName().toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(keys);
  }
}

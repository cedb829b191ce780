package dev.neonjdbc.internal.config;

/**
 * Rules 2 and 3 of {@link UrlSecrets}: where a password can be in the part of a URL before its
 * path, whatever typo the URL has there: an unreadable scheme, a user-info of any shape, a host
 * that swallowed a password, a database name that swallowed the query.
 */
final class AuthoritySpans {
  /** What people type between a scheme and its host: slashes, backslashes, stray spaces. */
  private static final String SLASHES = "/\\ ";

  private final UrlText text;
  private final int prefixEnd;
  private final int bodyStart;
  private final int userInfoEnd;
  private final SpanList found;
  private final SpanList hosts;

  private AuthoritySpans(
      UrlText text, int prefixEnd, int bodyStart, int userInfoEnd, SpanList found, SpanList hosts) {
    this.text = text;
    this.prefixEnd = prefixEnd;
    this.bodyStart = bodyStart;
    this.userInfoEnd = userInfoEnd;
    this.found = found;
    this.hosts = hosts;
  }

  /**
   * Adds to {@code found} every span of rules 2 and 3 in {@code text}, whose {@code jdbc:neon:}
   * prefix ends at {@code prefixEnd} (0 without one) and whose parser's reading has its body at
   * {@code bodyStart} and its user-info up to {@code userInfoEnd} (-1 when it has none). Spans of a
   * host or database name that may hold a password go to {@code hosts}: they are masked like the
   * others, but are often ordinary words ({@code host}, {@code localhost}) that a message uses too.
   */
  static void find(
      UrlText text, int prefixEnd, int bodyStart, int userInfoEnd, SpanList found, SpanList hosts) {
    new AuthoritySpans(text, prefixEnd, bodyStart, userInfoEnd, found, hosts).find();
  }

  private void find() {
    int n = text.length();
    int schemeEnd = garbledSchemeEnd();
    if (schemeEnd >= 0) {
      // No reading of the URL says where its parts are, so none of them is shown.
      found.add(schemeEnd, n);
      return;
    }
    int fragment = text.indexOf('#', prefixEnd);
    if (fragment >= 0) {
      // Neither JDBC nor libpq has a fragment: a '#' is rather inside a password.
      hosts.add(fragment + 1, n);
    }
    int start = bodyStart >= 0 ? bodyStart : skipSlashes(prefixEnd);
    int lastAt = lastUserInfoAt(start);
    int hostStart = start;
    if (lastAt >= start) {
      boolean sound = maskUserInfo(start, lastAt);
      hostStart = lastAt + 1;
      if (text.indexOfAny("?#", start, lastAt) < lastAt
          || (!sound && text.indexOf('@', start) < lastAt)) {
        // A user-info that runs past a '?' or '#' (alex:AB?x=CD@EF, read by the parser as a host
        // and a query), or of an odd shape with an '@' of its own (alex@@SECRET): which '@' ends
        // it is a guess, so the "host" after the last one may be password too.
        hosts.add(hostStart, text.indexOfAny("/?#", hostStart, n));
      }
      // A database path with more '/' or ':' in it means the '@' was the password's own and the
      // one ending the user-info was mistyped: the host and more password come later.
      int pathEnd = text.indexOfAny("?#", hostStart, n);
      int slash = text.indexOf('/', hostStart);
      for (int i = slash < 0 ? pathEnd : slash + 1; i < pathEnd; i++) {
        if (text.charAt(i) == '/' || text.charAt(i) == ':') {
          hosts.add(hostStart, pathEnd);
          break;
        }
      }
      hostStart = skipSlashes(hostStart);
    }
    int authorityEnd = text.indexOfAny("/?#", hostStart, n);
    if (bodyStart >= 0) {
      maskOddDatabase(authorityEnd);
    }
    if (maskAuthority(hostStart, authorityEnd) || lastAt >= 0) {
      return;
    }
    // A scheme garbled without its colon (postgres//, po%73tgres) hides where the authority
    // starts: after every later "//" before the query, the same rule applies.
    for (int i = authorityEnd; i + 1 < n && "?#".indexOf(text.charAt(i)) < 0; i++) {
      if (text.startsWith("//", i)) {
        int next = skipSlashes(i);
        if (maskAuthority(next, text.indexOfAny("/?#", next, n))) {
          return;
        }
        i = next - 1;
      }
    }
    // Any colon that no port follows may start a password whose user-info lost its '@'.
    for (int i = authorityEnd; i < n; i++) {
      boolean colon = text.charAt(i) == ':' || text.encodes(i, ':');
      if (colon && !isPort(i, n)) {
        found.add(i + (text.charAt(i) == ':' ? 1 : 3), n);
        return;
      }
    }
  }

  /**
   * Where the unreadable part of a URL whose scheme is garbled starts (after the scheme as typed:
   * {@code postgres:/}, {@code mysql://}, {@code jdbc:}), or -1 when the scheme reads: a body at
   * {@code //}, {@code postgresql://} or {@code postgres://}, or {@code jdbc:neon:} alone or with a
   * query. A text with neither prefix nor scheme (a query) is not a URL with a scheme.
   */
  private int garbledSchemeEnd() {
    int n = text.length();
    if (bodyStart >= 0 || prefixEnd == n || (prefixEnd > 0 && text.charAt(prefixEnd) == '?')) {
      return -1;
    }
    int letters = prefixEnd;
    while (letters < n && Character.isLetter(text.charAt(letters))) {
      letters++;
    }
    boolean scheme = letters > prefixEnd && letters < n && text.charAt(letters) == ':';
    if (!scheme && prefixEnd == 0) {
      return -1;
    }
    return skipSlashes(scheme ? letters + 1 : prefixEnd);
  }

  private int skipSlashes(int from) {
    int i = from;
    while (i < text.length() && SLASHES.indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  /**
   * The user-info {@code [start, at)}: only a user name that reads as one, before the first colon
   * or alone, stays; any other shape ({@code alexSECRET;x}, {@code @alex:SECRET@}) hides where the
   * user name ends and the password starts, so all of it is masked.
   */
  private boolean maskUserInfo(int start, int at) {
    int from = start;
    int close = ipv6End(start);
    if (close >= 0 && close < at) {
      // A bracketed IPv6 host is not a user name: its colons start no password.
      from = close;
    }
    int colon = text.indexOf(':', from);
    if (colon >= 0 && colon < at && (from > start || isPlainName(start, colon))) {
      found.add(colon + 1, at);
      return true;
    }
    if (colon >= 0 && colon < at || !isPlainName(start, at)) {
      found.add(start, at);
      return false;
    }
    return true;
  }

  /**
   * Whether {@code [start, end)} reads as a plain user or database name: no separator, no typo, no
   * escape (a name seldom needs one; a password's pieces often have them).
   */
  private boolean isPlainName(int start, int end) {
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (!UrlText.isNameCharacter(c) && c < 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * A database name after {@code authorityEnd} with a character no name has: a lost '?' or a
   * password that ran into it (host/dbpwdSECRET,x) leaves no telling where it ends, so all of it.
   */
  private void maskOddDatabase(int authorityEnd) {
    int n = text.length();
    if (authorityEnd >= n || text.charAt(authorityEnd) != '/') {
      return;
    }
    int end = text.indexOfAny("?#", authorityEnd + 1, n);
    if (!isPlainName(authorityEnd + 1, end)) {
      hosts.add(authorityEnd + 1, end);
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
      int last = text.lastIndexOf('@', text.length() - 1);
      return last >= start ? last : -1;
    }
    // One pass: whether the query pair an '@' is in already has its '='.
    boolean pairHasEquals = false;
    int last = -1;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '?' || c == '&') {
        pairHasEquals = false;
      } else if (c == '=') {
        pairHasEquals = true;
      } else if (c == '@' && (i < query || !pairHasEquals)) {
        last = i;
      }
    }
    return last;
  }

  /** After the ']' of an IPv6 address in brackets at {@code start}, or -1 when none is there. */
  private int ipv6End(int start) {
    if (start >= text.length() || text.charAt(start) != '[') {
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

  /**
   * Masks the authority {@code [start, authorityEnd)} and all after it when it has a character no
   * user or host name has, unless it is the colon of a port: such a "host" is rather a user-info
   * that lost its '@', or the rest of a password whose own '@' came last. Whether it masked.
   */
  private boolean maskAuthority(int start, int authorityEnd) {
    int n = text.length();
    int from = start;
    int close = ipv6End(start);
    if (close >= 0) {
      from = Math.min(close, authorityEnd);
    }
    for (int i = from; i < authorityEnd; i++) {
      // No host has a '%': an escape there is a user-info or password that lost its '@'.
      if (text.charAt(i) == '%' || unusualCharacterLength(i) > 0) {
        if (text.charAt(i) != ':' || !isPort(i, authorityEnd)) {
          hosts.add(start, n);
          return true;
        }
        return false;
      }
    }
    if (start > 0
        && text.charAt(start - 1) == '@'
        && authorityEnd < n
        && text.charAt(authorityEnd) == '#') {
      // A '#' straight after the "host" is rather inside a password whose own '@' came last.
      hosts.add(start, n);
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

  /** Length of the (possibly percent-encoded) character at {@code i} if no name has it, else 0. */
  private int unusualCharacterLength(int i) {
    char c = text.charAt(i);
    if (c == '%') {
      int decoded = text.hexByte(i);
      if (decoded < 0) {
        return 1;
      }
      // An escaped byte of a UTF-8 character can belong to a name; an escaped ASCII separator
      // (%3A, %40) cannot.
      return UrlText.isNameCharacter((char) decoded) || decoded >= 0x80 ? 0 : 3;
    }
    return UrlText.isNameCharacter(c) || c >= 0x80 ? 0 : 1;
  }
}

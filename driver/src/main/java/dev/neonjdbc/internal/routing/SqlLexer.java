package dev.neonjdbc.internal.routing;

/**
 * Postgres' lexical rules, as far as routing needs them: where a token ends and what can hide a
 * keyword. {@code '…'} strings ({@code ''} doubling, standard-conforming backslashes), {@code E'…'}
 * strings (backslash escapes), {@code "…"} identifiers, {@code $$…$$} and {@code $tag$…$tag$}
 * dollar quotes (while {@code $1} is a parameter), {@code --} comments and nested block comments.
 *
 * <p>Every method reads a string with {@code charAt} from a position and returns a position (or a
 * yes/no); none allocates, because the classifier runs on every {@code execute}. What the tokens
 * mean for routing is {@link SqlClassifier}'s business.
 */
final class SqlLexer {

  // Character classes for ASCII; every char from U+0080 up is an identifier char, as in Postgres.
  // Dense codes, so that the scanner dispatches with a jump table; DIGIT, DOLLAR and LETTER are
  // adjacent because exactly those continue an identifier.
  static final byte OTHER = 0;
  static final byte SPACE = 1;
  static final byte DIGIT = 2;
  static final byte DOLLAR = 3;
  static final byte LETTER = 4;
  static final byte QUOTE = 5;
  static final byte DOUBLE_QUOTE = 6;
  static final byte DASH = 7;
  static final byte SLASH = 8;
  static final byte OPEN = 9;
  static final byte CLOSE = 10;
  static final byte COMMA = 11;
  static final byte SEMICOLON = 12;
  private static final byte[] ASCII_CLASS = new byte[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      ASCII_CLASS[c] = LETTER;
      ASCII_CLASS[c - 'a' + 'A'] = LETTER;
    }
    ASCII_CLASS['_'] = LETTER;
    for (char c = '0'; c <= '9'; c++) {
      ASCII_CLASS[c] = DIGIT;
    }
    ASCII_CLASS['$'] = DOLLAR;
    // Postgres' whitespace: space, tab, newline, carriage return, form feed, vertical tab.
    for (char c : new char[] {' ', '\t', '\n', '\r', '\f', '\u000B'}) {
      ASCII_CLASS[c] = SPACE;
    }
    ASCII_CLASS['\''] = QUOTE;
    ASCII_CLASS['"'] = DOUBLE_QUOTE;
    ASCII_CLASS['-'] = DASH;
    ASCII_CLASS['/'] = SLASH;
    ASCII_CLASS['('] = OPEN;
    ASCII_CLASS[')'] = CLOSE;
    ASCII_CLASS[','] = COMMA;
    ASCII_CLASS[';'] = SEMICOLON;
  }

  private SqlLexer() {}

  /** The class of a character, one of the codes above; {@link #LETTER} for anything non-ASCII. */
  static byte charClass(char c) {
    return c < 128 ? ASCII_CLASS[c] : LETTER;
  }

  /**
   * Finds a word among the following tokens of the statement.
   *
   * @return the position just after the word, or -1 when the statement ends first
   */
  static int afterWord(String s, int p, int len, String word) {
    while (true) {
      p = skipTrivia(s, p, len);
      if (p >= len || s.charAt(p) == ';') {
        return -1;
      }
      int e = tokenEnd(s, p, len);
      if (is(s, p, e, word)) {
        return e;
      }
      p = e;
    }
  }

  static boolean nextWordIs(String s, int p, int len, String word) {
    p = skipTrivia(s, p, len);
    return is(s, p, identEnd(s, p, len), word);
  }

  /**
   * Compares the text between {@code start} and {@code end} with a lower-case keyword, ignoring the
   * case of ASCII letters.
   */
  static boolean is(String s, int start, int end, String keyword) {
    return matches(s, start, end, keyword, true);
  }

  static boolean matches(String s, int start, int end, String lowerCase, boolean ignoreCase) {
    int n = lowerCase.length();
    if (end - start != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(start + i);
      if (ignoreCase && c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lowerCase.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Bit 0 of a candidate table: the character always needs a look (no word has length 0). */
  private static final int LOOK = 1;

  /**
   * Builds the table {@link #skipToCandidate} reads: for each ASCII character, bit 0 when it can
   * start a token that hides or ends others (quotes, comment starts, {@code $}, parentheses, {@code
   * ;}), and bit {@code n} when a candidate word of length {@code n} (below 32) starts with it, in
   * either case.
   */
  static int[] candidateTable(String... words) {
    int[] table = new int[128];
    for (char c : new char[] {'\'', '"', '-', '/', '$', '(', ')', ';'}) {
      table[c] = LOOK;
    }
    for (String word : words) {
      char first = word.charAt(0);
      table[Character.toLowerCase(first)] |= 1 << word.length();
      table[Character.toUpperCase(first)] |= 1 << word.length();
    }
    return table;
  }

  /**
   * Skips what a scanner need not see, and stops at the first token it must: a parenthesis, a
   * {@code ;}, or a candidate word. Whitespace, comments, string constants, dollar quotes,
   * parameters, numbers, operators and all other words are skipped. A candidate is a word, or a
   * quoted name (case-sensitive, without its quotes), whose first character and length are in the
   * table built by {@link #candidateTable}; the caller then reads it exactly.
   *
   * <p>Most characters cost one table lookup and one branch: words are checked only at their start
   * and only when their first letter is a candidate's, and quotes and comments are skipped here
   * rather than handed back. That keeps a statement close to the cost of reading it.
   *
   * @param p where to start; a word that started before {@code p} is not a candidate
   * @param table from {@link #candidateTable}
   * @return the position of a parenthesis, a {@code ;} or the start of a candidate; or {@code len}
   */
  static int skipToCandidate(String s, int p, int len, int[] table) {
    while (p < len) {
      char c = s.charAt(p);
      int look;
      if (c >= 128 || (look = table[c]) == 0) {
        p++;
        continue;
      }
      if ((look & LOOK) == 0) { // a letter that starts some candidate
        if (p > 0 && isIdentPart(s.charAt(p - 1))) {
          p = identRest(s, p + 1, len); // inside a word: skip the rest of it
        } else {
          int end = identRest(s, p + 1, len);
          if (isCandidate(look, end - p)) {
            return p;
          }
          p = end;
        }
        continue;
      }
      switch (c) {
        case '(', ')', ';' -> {
          return p;
        }
        case '\'' -> {
          // E'…' (a lone e before the quote) lets a backslash escape the quote.
          boolean escapes =
              p > 0 && (s.charAt(p - 1) | 0x20) == 'e' && (p < 2 || !isIdentPart(s.charAt(p - 2)));
          p = escapes ? escapeStringEnd(s, p + 1, len) : quotedEnd(s, p + 1, len, '\'');
        }
        case '"' -> {
          int start = p;
          p = quotedEnd(s, p + 1, len, '"');
          char first = s.charAt(start + 1 < len ? start + 1 : start);
          if (first < 128 && isCandidate(table[first], p - start - 2)) {
            return start;
          }
        }
        case '$' -> {
          // A parameter or a dollar quote at the start of a word; inside one, part of the word.
          boolean inWord = p > 0 && isIdentPart(s.charAt(p - 1));
          p = inWord ? p + 1 : dollarEnd(s, p, len);
        }
        case '-' ->
            p = p + 1 < len && s.charAt(p + 1) == '-' ? lineCommentEnd(s, p + 2, len) : p + 1;
        default -> // '/'
            p = p + 1 < len && s.charAt(p + 1) == '*' ? blockCommentEnd(s, p + 2, len) : p + 1;
      }
    }
    return len;
  }

  private static boolean isCandidate(int lengths, int length) {
    return length > 0 && length < 32 && (lengths & 1 << length) != 0;
  }

  // ---- Lexical primitives. Each takes a start position and returns the position just after. ----

  /**
   * The end of the token at {@code p}: a word, a literal, a quoted name, or one character; {@code
   * len} when the string ends before a token does (a statement cut short).
   */
  static int tokenEnd(String s, int p, int len) {
    if (p >= len) {
      return len;
    }
    char c = s.charAt(p);
    switch (c) {
      case '\'':
        return quotedEnd(s, p + 1, len, '\'');
      case '"':
        return quotedEnd(s, p + 1, len, '"');
      case '$':
        return dollarEnd(s, p, len);
      default:
        int e = identEnd(s, p, len);
        if (e == p) {
          return p + 1;
        }
        if (e == p + 1 && (c | 0x20) == 'e' && e < len && s.charAt(e) == '\'') {
          return escapeStringEnd(s, e + 1, len);
        }
        return e;
    }
  }

  /** The end of an identifier or keyword starting at {@code p}; {@code p} itself if none does. */
  static int identEnd(String s, int p, int len) {
    return p < len && isIdentStart(s.charAt(p)) ? identRest(s, p + 1, len) : p;
  }

  /** Identifiers go on with letters, digits, {@code $} and any non-ASCII character. */
  static int identRest(String s, int p, int len) {
    while (p < len) {
      char c = s.charAt(p);
      if (c < 128 && (ASCII_CLASS[c] < DIGIT || ASCII_CLASS[c] > LETTER)) {
        return p;
      }
      p++;
    }
    return p;
  }

  static int numberEnd(String s, int p, int len) {
    while (p < len) {
      char c = s.charAt(p);
      if (c < 128 && ASCII_CLASS[c] != DIGIT && ASCII_CLASS[c] != LETTER) {
        return p;
      }
      p++;
    }
    return p;
  }

  static boolean isIdentStart(char c) {
    return c >= 128 || ASCII_CLASS[c] == LETTER;
  }

  static boolean isIdentPart(char c) {
    return c >= 128 || (ASCII_CLASS[c] >= DIGIT && ASCII_CLASS[c] <= LETTER);
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isSpace(char c) {
    return c < 128 && ASCII_CLASS[c] == SPACE;
  }

  static int skipSpaces(String s, int p, int len) {
    while (p < len && isSpace(s.charAt(p))) {
      p++;
    }
    return p;
  }

  /** Skips whitespace and comments. */
  static int skipTrivia(String s, int p, int len) {
    while (p < len) {
      char c = s.charAt(p);
      if (isSpace(c)) {
        p++;
      } else if (c == '-' && p + 1 < len && s.charAt(p + 1) == '-') {
        p = lineCommentEnd(s, p + 2, len);
      } else if (c == '/' && p + 1 < len && s.charAt(p + 1) == '*') {
        p = blockCommentEnd(s, p + 2, len);
      } else {
        return p;
      }
    }
    return p;
  }

  /**
   * @param p the position just after {@code --}
   */
  static int lineCommentEnd(String s, int p, int len) {
    while (p < len) {
      char c = s.charAt(p);
      if (c == '\n' || c == '\r') {
        return p + 1;
      }
      p++;
    }
    return p;
  }

  /** Block comments nest in Postgres, unlike in the SQL standard and in Java. */
  static int blockCommentEnd(String s, int p, int len) {
    int depth = 1;
    while (p + 1 < len) {
      char c = s.charAt(p);
      if (c == '*' && s.charAt(p + 1) == '/') {
        p += 2;
        if (--depth == 0) {
          return p;
        }
      } else if (c == '/' && s.charAt(p + 1) == '*') {
        p += 2;
        depth++;
      } else {
        p++;
      }
    }
    return len;
  }

  /**
   * Ends a {@code '…'} string or, with {@code quote = '"'}, a quoted identifier. A doubled quote
   * stands for itself; backslashes are ordinary (standard_conforming_strings, on since 9.1).
   *
   * @param p the position just after the opening quote
   */
  static int quotedEnd(String s, int p, int len, char quote) {
    while (p < len) {
      if (s.charAt(p++) == quote) {
        if (p < len && s.charAt(p) == quote) {
          p++;
        } else {
          return p;
        }
      }
    }
    return len;
  }

  /** Ends an {@code E'…'} string, where a backslash escapes the next character (also a quote). */
  static int escapeStringEnd(String s, int p, int len) {
    while (p < len) {
      char c = s.charAt(p++);
      if (c == '\\') {
        p++;
      } else if (c == '\'') {
        if (p < len && s.charAt(p) == '\'') {
          p++;
        } else {
          return p;
        }
      }
    }
    return len;
  }

  /**
   * Ends the token that starts with {@code $} at {@code p}: a parameter ({@code $1}), a
   * dollar-quoted string ({@code $$…$$}, {@code $tag$…$tag$}, tags are case-sensitive), or a lone
   * {@code $}.
   */
  static int dollarEnd(String s, int p, int len) {
    int q = p + 1;
    if (q < len && isDigit(s.charAt(q))) {
      while (q < len && isDigit(s.charAt(q))) {
        q++;
      }
      return q;
    }
    if (q < len && isIdentStart(s.charAt(q))) {
      q++;
      while (q < len) { // a tag goes on like an identifier, but without $
        char c = s.charAt(q);
        if (c < 128 && ASCII_CLASS[c] != LETTER && ASCII_CLASS[c] != DIGIT) {
          break;
        }
        q++;
      }
    }
    if (q >= len || s.charAt(q) != '$') {
      return p + 1;
    }
    int delimiter = q + 1 - p;
    for (int i = q + 1; i + delimiter <= len; i++) {
      if (s.charAt(i) == '$' && s.regionMatches(i, s, p, delimiter)) {
        return i + delimiter;
      }
    }
    return len;
  }
}

package dev.neonjdbc.internal.routing;

import dev.neonjdbc.spi.StatementKind;

/**
 * The first keyword of a statement, for log lines and messages: never the statement's text or its
 * parameters, which may hold secrets. Off the hot path (called only when logging or refusing).
 */
public final class StatementKeywords {
  private StatementKeywords() {}

  /** The first word after leading whitespace, comments and parentheses, upper-cased. */
  public static String first(String sql) {
    if (sql == null) {
      return "(none)";
    }
    int n = sql.length();
    int i = skipOpening(sql, 0);
    int start = i;
    while (i < n && (Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
      i++;
    }
    return i == start ? "(statement)" : sql.substring(start, i).toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * The kind of a statement by its first word after leading whitespace, comments and parentheses
   * ({@link StatementKind#OTHER} for a word outside the fixed set). Allocates nothing: it runs for
   * every statement while anyone listens to events.
   */
  public static StatementKind kind(String sql) {
    if (sql == null) {
      return StatementKind.OTHER;
    }
    int n = sql.length();
    int start = skipOpening(sql, 0);
    int i = start;
    while (i < n && (Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
      i++;
    }
    return StatementKind.ofWord(sql, start, i);
  }

  /**
   * The parameter a single {@code SET [SESSION] name …} or {@code RESET name} statement changes,
   * lower-cased unless quoted; {@code null} for any other statement, {@code RESET ALL}, {@code SET
   * SESSION CHARACTERISTICS}, or a string holding more than one statement.
   */
  static String parameterName(String sql) {
    int semicolon = sql.indexOf(';');
    if (semicolon >= 0 && !sql.substring(semicolon + 1).isBlank()) {
      return null;
    }
    String[] words = leadingWords(sql, 3);
    int index;
    if ("set".equals(words[0])) {
      index = "session".equals(words[1]) ? 2 : 1;
    } else if ("reset".equals(words[0])) {
      index = 1;
    } else {
      return null;
    }
    String name = words[index];
    if (name == null
        || name.equals("all")
        || name.equals("session")
        || name.equals("characteristics")
        || name.equals("local")
        || name.equals("transaction")) {
      return null;
    }
    return name;
  }

  /**
   * Whether a pinning statement leaves state that no query can see go away: {@code LOAD} (a loaded
   * library stays), {@code SET SESSION AUTHORIZATION}, and a {@code /* neon:pin *&#47;} hint (the
   * application's own promise). Such a pin ends only with {@code DISCARD ALL}, {@code endRequest}
   * or close.
   */
  static boolean pinsForGood(String sql) {
    String trimmed = sql.stripLeading();
    if (trimmed.startsWith("/*")) {
      int end = trimmed.indexOf("*/");
      String hint = end < 0 ? "" : trimmed.substring(2, end).replace(" ", "");
      if (hint.equalsIgnoreCase("neon:pin")) {
        return true;
      }
    }
    String[] words = leadingWords(sql, 3);
    return "load".equals(words[0])
        || ("session".equals(words[1]) && "authorization".equals(words[2]));
  }

  /**
   * The first {@code max} words of a statement after leading comments and parentheses: runs of
   * letters, digits, {@code _ $ .} and quoted names; lower-cased unless quoted; {@code null} past
   * the last one.
   */
  static String[] leadingWords(String sql, int max) {
    String[] words = new String[max];
    int n = sql.length();
    int i = 0;
    for (int w = 0; w < max; w++) {
      i = skipOpening(sql, i);
      int start = i;
      boolean quoted = false;
      while (i < n) {
        char c = sql.charAt(i);
        if (c == '"') {
          int end = sql.indexOf('"', i + 1);
          i = end < 0 ? n : end + 1;
          quoted = true;
        } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.') {
          i++;
        } else {
          break;
        }
      }
      if (i == start) {
        return words;
      }
      String word = sql.substring(start, i);
      words[w] = quoted ? word.replace("\"", "") : word.toLowerCase(java.util.Locale.ROOT);
    }
    return words;
  }

  /**
   * Whether a statement run while pinned may have released what the pin protects: an advisory
   * unlock, {@code UNLISTEN}, {@code DEALLOCATE}, {@code CLOSE}, a {@code DROP}, {@code DISCARD},
   * {@code RESET} or a {@code ROLE} change. A cheap look for the words, without allocation; a false
   * positive costs one query.
   */
  static boolean mayReleasePinnedState(String sql) {
    int n = sql.length();
    for (int i = 0; i < n; i++) {
      switch (sql.charAt(i) | 0x20) {
        case 'u':
          if (word(sql, i, "unlock") || word(sql, i, "unlisten")) {
            return true;
          }
          break;
        case 'd':
          if (word(sql, i, "deallocate") || word(sql, i, "drop") || word(sql, i, "discard")) {
            return true;
          }
          break;
        case 'c':
          if (word(sql, i, "close")) {
            return true;
          }
          break;
        case 'r':
          // A role set back to the login's (Flyway restores its original role this way).
          if (word(sql, i, "reset") || word(sql, i, "role")) {
            return true;
          }
          break;
        default:
          break;
      }
    }
    return false;
  }

  private static boolean word(String sql, int at, String word) {
    return sql.regionMatches(true, at, word, 0, word.length());
  }

  private static final java.util.regex.Pattern ROLE =
      java.util.regex.Pattern.compile(
          "(?is)\\s*(?:set\\s+(?:session\\s+)?role\\s+(\\S+?)|reset\\s+role)\\s*;?\\s*");

  /**
   * The role a single {@code SET [SESSION] ROLE name} sets ({@code "none"} for {@code RESET ROLE}
   * and {@code SET ROLE NONE}), unquoted and lower-cased unless double-quoted; {@code null} for any
   * other statement.
   */
  static String roleTarget(String sql) {
    java.util.regex.Matcher m = ROLE.matcher(sql);
    if (!m.matches()) {
      return null;
    }
    String name = m.group(1);
    if (name == null) {
      return "none";
    }
    if (name.length() > 1 && name.startsWith("\"") && name.endsWith("\"")) {
      return name.substring(1, name.length() - 1).replace("\"\"", "\"");
    }
    if (name.length() > 1 && name.startsWith("'") && name.endsWith("'")) {
      return name.substring(1, name.length() - 1).replace("''", "'");
    }
    return name.toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Whether a statement controls the transaction itself ({@code BEGIN}, {@code START}, {@code
   * COMMIT}, {@code END}, {@code ROLLBACK}, {@code ABORT}, {@code SAVEPOINT}, {@code RELEASE}, two-
   * phase {@code PREPARE TRANSACTION}): the router must not wrap it in a transaction of its own.
   */
  static boolean controlsTransaction(String sql) {
    switch (first(sql)) {
      case "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE":
        return true;
      case "PREPARE":
        return "transaction".equals(leadingWords(sql, 2)[1]);
      default:
        return false;
    }
  }

  /**
   * Whether a statement that ended its transaction ended it by commit ({@code COMMIT}, {@code
   * END}): the router keeps the session parameters the transaction set only then.
   */
  static boolean endsByCommit(String sql) {
    String keyword = first(sql);
    return keyword.equals("COMMIT") || keyword.equals("END");
  }

  /**
   * Whether a statement may commit inside ({@code CALL} of a procedure, a {@code DO} block): it
   * cannot run inside a transaction block the router opens.
   */
  static boolean mayCommitInside(String sql) {
    String keyword = first(sql);
    return keyword.equals("CALL") || keyword.equals("DO");
  }

  /**
   * Whether a statement is {@code SET TRANSACTION …} (isolation, access mode, snapshot), which must
   * be the first statement of its transaction.
   */
  static boolean setsTransactionCharacteristics(String sql) {
    int n = sql.length();
    int i = 0;
    while (i < n && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    if (i + 3 > n || !sql.regionMatches(true, i, "set", 0, 3)) {
      return false; // the hot path: any other statement answers here
    }
    String[] words = leadingWords(sql, 2);
    return "set".equals(words[0]) && "transaction".equals(words[1]);
  }

  /**
   * Whether a statement in a pooled transaction leaves something that moving the transaction to
   * direct would lose: a {@code NOTIFY} (also {@code pg_notify}), a {@code SAVEPOINT}, {@code SET
   * CONSTRAINTS}. Two fast searches for the common case.
   */
  static boolean keepsTransactionOnPooler(String sql) {
    if (sql.indexOf("otify") >= 0 || sql.indexOf("OTIFY") >= 0) {
      return true;
    }
    int i = 0;
    int n = sql.length();
    while (i < n && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    if (i >= n || (sql.charAt(i) | 0x20) != 's') {
      return false;
    }
    String[] words = leadingWords(sql, 2);
    return "savepoint".equals(words[0])
        || ("set".equals(words[0]) && "constraints".equals(words[1]));
  }

  /**
   * Skips what may stand before a word: whitespace, comments, parentheses and the brace of a JDBC
   * escape.
   */
  private static int skipOpening(String sql, int i) {
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(' || c == '{') {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    return i;
  }
}

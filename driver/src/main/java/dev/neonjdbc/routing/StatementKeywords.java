package dev.neonjdbc.routing;

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
    int i = 0;
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
    int start = i;
    while (i < n && (Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
      i++;
    }
    return i == start ? "(statement)" : sql.substring(start, i).toUpperCase(java.util.Locale.ROOT);
  }
}

package dev.neonjdbc.internal.routing;

import static dev.neonjdbc.internal.routing.SqlLexer.blockCommentEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.identEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.is;
import static dev.neonjdbc.internal.routing.SqlLexer.isSpace;
import static dev.neonjdbc.internal.routing.SqlLexer.lineCommentEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.skipSpaces;
import static dev.neonjdbc.internal.routing.SqlLexer.skipTrivia;
import static dev.neonjdbc.internal.routing.SqlLexer.tokenEnd;

/**
 * What read-replica routing reads from a SQL string: the <code>/* neon:replica *&#47;</code> hint,
 * and whether the string may write.
 *
 * <p>A string is a <em>plain read</em> when each of its statements is {@code SELECT} (without
 * {@code FOR UPDATE}/{@code SHARE} or {@code INTO}), {@code VALUES}, {@code TABLE}, {@code SHOW},
 * {@code EXPLAIN} without {@code ANALYZE}, a {@code WITH} query whose parts only read, or a
 * cursor's {@code DECLARE}/{@code FETCH}/{@code MOVE}/{@code CLOSE} over such a query; or a
 * statement that writes no data: transaction control, {@code SET}/{@code RESET}, {@code DISCARD},
 * {@code LISTEN}/{@code UNLISTEN}. Anything else may write. The reading is by keyword, as {@link
 * SqlClassifier}'s, and errs toward "may write": a read whose text holds one of the words {@code
 * INSERT UPDATE DELETE MERGE SHARE INTO ANALYZE NEXTVAL SETVAL} outside strings, quoted names and
 * comments counts as a write, which only keeps the thread's reads on the primary a little longer.
 * What it cannot see: a function called by a {@code SELECT} that writes ({@code SELECT
 * my_function()}) is taken for a read.
 *
 * <p>Like the classifier it reads the string once with {@code charAt} and allocates nothing.
 */
final class ReplicaStatements {
  private ReplicaStatements() {}

  /**
   * Whether a <code>/* neon:replica *&#47;</code> comment opens the string (among the comments
   * before its first keyword; case and spaces inside the comment do not matter).
   */
  static boolean hasReplicaHint(String sql) {
    if (sql == null) {
      return false;
    }
    int len = sql.length();
    int p = 0;
    while (p < len) {
      char c = sql.charAt(p);
      if (isSpace(c)) {
        p++;
      } else if (c == '-' && p + 1 < len && sql.charAt(p + 1) == '-') {
        p = lineCommentEnd(sql, p + 2, len);
      } else if (c == '/' && p + 1 < len && sql.charAt(p + 1) == '*') {
        if (isReplicaHint(sql, p + 2, len)) {
          return true;
        }
        p = blockCommentEnd(sql, p + 2, len);
      } else {
        return false;
      }
    }
    return false;
  }

  private static boolean isReplicaHint(String s, int p, int len) {
    p = skipSpaces(s, p, len);
    int e = identEnd(s, p, len);
    if (!is(s, p, e, "neon")) {
      return false;
    }
    p = skipSpaces(s, e, len);
    if (p >= len || s.charAt(p) != ':') {
      return false;
    }
    p = skipSpaces(s, p + 1, len);
    e = identEnd(s, p, len);
    if (!is(s, p, e, "replica")) {
      return false;
    }
    p = skipSpaces(s, e, len);
    return p + 1 < len && s.charAt(p) == '*' && s.charAt(p + 1) == '/';
  }

  /** Whether the string may write data (see the class comment); {@code null} writes nothing. */
  static boolean mayWrite(String sql) {
    if (sql == null) {
      return false;
    }
    int len = sql.length();
    int p = 0;
    while (true) {
      p = skipTrivia(sql, p, len);
      while (p < len && (sql.charAt(p) == '(' || sql.charAt(p) == ';')) {
        p = skipTrivia(sql, p + 1, len);
      }
      if (p >= len) {
        return false;
      }
      int e = identEnd(sql, p, len);
      if (writesNothing(sql, p, e)) {
        p = statementEnd(sql, e, len);
      } else if (reads(sql, p, e)) {
        int end = statementEnd(sql, e, len);
        if (holdsWriteWord(sql, e, end)) {
          return true;
        }
        p = end;
      } else {
        return true;
      }
    }
  }

  /** Statements that change no data, whatever follows their first keyword. */
  private static boolean writesNothing(String s, int p, int e) {
    return is(s, p, e, "begin")
        || is(s, p, e, "start")
        || is(s, p, e, "commit")
        || is(s, p, e, "end")
        || is(s, p, e, "rollback")
        || is(s, p, e, "abort")
        || is(s, p, e, "savepoint")
        || is(s, p, e, "release")
        || is(s, p, e, "set")
        || is(s, p, e, "reset")
        || is(s, p, e, "show")
        || is(s, p, e, "discard")
        || is(s, p, e, "listen")
        || is(s, p, e, "unlisten");
  }

  /** Statements that read, unless a word in them says otherwise ({@link #holdsWriteWord}). */
  private static boolean reads(String s, int p, int e) {
    return is(s, p, e, "select")
        || is(s, p, e, "values")
        || is(s, p, e, "table")
        || is(s, p, e, "with")
        || is(s, p, e, "explain")
        || is(s, p, e, "declare")
        || is(s, p, e, "fetch")
        || is(s, p, e, "move")
        || is(s, p, e, "close");
  }

  /** The {@code ;} that ends the statement (outside parentheses), or the string's end. */
  private static int statementEnd(String s, int p, int len) {
    int depth = 0;
    while (true) {
      p = skipTrivia(s, p, len);
      if (p >= len) {
        return len;
      }
      char c = s.charAt(p);
      if (c == ';' && depth == 0) {
        return p;
      }
      if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      }
      p = tokenEnd(s, p, len);
    }
  }

  /** Whether a word between {@code p} and {@code end} makes a reading statement write. */
  private static boolean holdsWriteWord(String s, int p, int end) {
    while (true) {
      p = skipTrivia(s, p, end);
      if (p >= end) {
        return false;
      }
      int e = tokenEnd(s, p, end);
      if (is(s, p, e, "insert")
          || is(s, p, e, "update")
          || is(s, p, e, "delete")
          || is(s, p, e, "merge")
          || is(s, p, e, "share")
          || is(s, p, e, "into")
          || is(s, p, e, "analyze")
          || is(s, p, e, "analyse")
          || is(s, p, e, "nextval")
          || is(s, p, e, "setval")) {
        return true;
      }
      p = e;
    }
  }
}

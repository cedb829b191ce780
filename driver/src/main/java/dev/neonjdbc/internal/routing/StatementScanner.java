package dev.neonjdbc.internal.routing;

import static dev.neonjdbc.internal.routing.ScanResult.DIRECT;
import static dev.neonjdbc.internal.routing.ScanResult.FAILED;
import static dev.neonjdbc.internal.routing.ScanResult.PIN;
import static dev.neonjdbc.internal.routing.ScanResult.SESSION;
import static dev.neonjdbc.internal.routing.ScanResult.packed;
import static dev.neonjdbc.internal.routing.ScanResult.pinned;
import static dev.neonjdbc.internal.routing.SqlLexer.CLOSE;
import static dev.neonjdbc.internal.routing.SqlLexer.COMMA;
import static dev.neonjdbc.internal.routing.SqlLexer.DASH;
import static dev.neonjdbc.internal.routing.SqlLexer.DIGIT;
import static dev.neonjdbc.internal.routing.SqlLexer.DOLLAR;
import static dev.neonjdbc.internal.routing.SqlLexer.DOUBLE_QUOTE;
import static dev.neonjdbc.internal.routing.SqlLexer.LETTER;
import static dev.neonjdbc.internal.routing.SqlLexer.OPEN;
import static dev.neonjdbc.internal.routing.SqlLexer.QUOTE;
import static dev.neonjdbc.internal.routing.SqlLexer.SEMICOLON;
import static dev.neonjdbc.internal.routing.SqlLexer.SLASH;
import static dev.neonjdbc.internal.routing.SqlLexer.SPACE;
import static dev.neonjdbc.internal.routing.SqlLexer.blockCommentEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.candidateTable;
import static dev.neonjdbc.internal.routing.SqlLexer.charClass;
import static dev.neonjdbc.internal.routing.SqlLexer.dollarEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.escapeStringEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.identEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.identRest;
import static dev.neonjdbc.internal.routing.SqlLexer.is;
import static dev.neonjdbc.internal.routing.SqlLexer.isDigit;
import static dev.neonjdbc.internal.routing.SqlLexer.isIdentPart;
import static dev.neonjdbc.internal.routing.SqlLexer.lineCommentEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.matches;
import static dev.neonjdbc.internal.routing.SqlLexer.nextWordIs;
import static dev.neonjdbc.internal.routing.SqlLexer.numberEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.quotedEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.skipToCandidate;
import static dev.neonjdbc.internal.routing.SqlLexer.skipTrivia;

import java.util.Arrays;

/**
 * Reads the body of a statement, after the keyword that opens it, for what changes its route
 * wherever it appears: the keyword {@code CONCURRENTLY}, calls of functions that leave session
 * state behind ({@code pg_advisory_lock} and its variants, {@code set_config(…, false)}), and
 * {@code SELECT … INTO} a new table. It also finds where the statement ends: at a {@code ;} outside
 * parentheses and outside a {@code BEGIN ATOMIC … END} function body. And it tells whether a new
 * object's name puts it in the session's temporary schema ({@code pg_temp.t}).
 *
 * <p>Most of a statement cannot matter, so the scanner lets {@link SqlLexer#skipToCandidate} jump
 * from one candidate token to the next: a parenthesis, a {@code ;}, or a word whose first letter
 * and length match a word it looks for. Only those reach the token-by-token reading here.
 */
final class StatementScanner {

  // What the statement being scanned is, where that changes how later tokens are read.
  static final int KIND_OTHER = 0;
  static final int KIND_SELECT = 1;
  static final int KIND_CREATE = 2;

  // Functions whose call can leave session state behind.
  private static final int NO_FUNCTION = 0;
  private static final int SESSION_ADVISORY_LOCK = 1;
  private static final int SET_CONFIG = 2;

  // The words the LETTER and DOUBLE_QUOTE cases of scan react to outside BEGIN ATOMIC, so that
  // SqlLexer.skipToCandidate stops at them: the functions of pinningFunction, CONCURRENTLY while
  // the route is below DIRECT (it cannot change it after that), INTO in a SELECT and BEGIN (of
  // BEGIN ATOMIC) in a CREATE.
  private static final String[] FUNCTIONS = {
    "set_config",
    "pg_advisory_lock",
    "pg_try_advisory_lock",
    "pg_advisory_lock_shared",
    "pg_try_advisory_lock_shared"
  };

  /** By {@code kind * 2 + (route >= DIRECT ? 1 : 0)}: see {@link #candidates}. */
  private static final int[][] CANDIDATES = {
    candidateTable(with(FUNCTIONS, "concurrently")),
    candidateTable(FUNCTIONS),
    candidateTable(with(with(FUNCTIONS, "concurrently"), "into")),
    candidateTable(with(FUNCTIONS, "into")),
    candidateTable(with(with(FUNCTIONS, "concurrently"), "begin")),
    candidateTable(with(FUNCTIONS, "begin")),
  };

  private static String[] with(String[] words, String word) {
    String[] more = Arrays.copyOf(words, words.length + 1);
    more[words.length] = word;
    return more;
  }

  /** The candidate table for a statement of this kind whose route is known to be at least this. */
  private static int[] candidates(int kind, int route) {
    return CANDIDATES[kind * 2 + (route >= DIRECT ? 1 : 0)];
  }

  private StatementScanner() {}

  /**
   * Scans a statement (or a parenthesized part of one) token by token for what can change its route
   * wherever it appears: {@code CONCURRENTLY}, calls of session-state functions, {@code SELECT …
   * INTO}.
   *
   * @param p where to start reading
   * @param kind the statement's kind, {@code KIND_*}
   * @param route the route known before the scan (the statement's own, by its first keyword)
   * @param toCloseParen whether to stop after the {@code )} that closes an already open parenthesis
   *     (a CTE body) rather than at the {@code ;} that ends the statement
   * @return the packed end position (at the {@code ;}, the string's end, or after the closing
   *     {@code )}) and the stronger of {@code route} and the route found; {@link ScanResult#FAILED}
   *     when a closing parenthesis was wanted but not found
   */
  static long scan(String s, int p, int len, int kind, int route, boolean toCloseParen) {
    int depth = 0;
    // A set_config call being read: the depth inside its parentheses (-1 when none), the argument
    // being read, and what its third argument holds so far (0 nothing, 1 just `true`, 2 else).
    int call = -1;
    int callArg = 0;
    int isLocal = 0;
    // Nesting of BEGIN ATOMIC … END (and CASE … END inside it) in a SQL-standard function body.
    int atomic = 0;
    int[] candidates = candidates(kind, route);
    while (p < len) {
      if (call < 0 && atomic == 0) {
        // Outside a set_config call and a function body, most tokens cannot matter.
        p = skipToCandidate(s, p, len, candidates);
        if (p >= len) {
          break;
        }
      }
      char c = s.charAt(p);
      int start = p;
      int function = NO_FUNCTION;
      switch (charClass(c)) {
        case SPACE -> {
          p++;
          continue;
        }
        case QUOTE -> {
          // E'…' (a lone e before the quote) lets a backslash escape the quote.
          boolean escapes =
              p > 0 && (s.charAt(p - 1) | 0x20) == 'e' && (p < 2 || !isIdentPart(s.charAt(p - 2)));
          p = escapes ? escapeStringEnd(s, p + 1, len) : quotedEnd(s, p + 1, len, '\'');
        }
        case DOUBLE_QUOTE -> {
          p = quotedEnd(s, p + 1, len, '"');
          // A quoted name is case-sensitive: "pg_advisory_lock"(1) calls the function.
          if (atomic == 0) {
            function = pinningFunction(s, start + 1, p - 1, false);
          }
        }
        case DOLLAR -> p = dollarEnd(s, p, len);
        case DASH -> {
          if (p + 1 < len && s.charAt(p + 1) == '-') {
            p = lineCommentEnd(s, p + 2, len);
            continue;
          }
          p++;
        }
        case SLASH -> {
          if (p + 1 < len && s.charAt(p + 1) == '*') {
            p = blockCommentEnd(s, p + 2, len);
            continue;
          }
          p++;
        }
        case OPEN -> {
          if (depth == call && callArg == 2) {
            isLocal = 2;
          }
          depth++;
          p++;
          continue;
        }
        case CLOSE -> {
          if (depth == call) {
            if (callArg != 2 || isLocal != 1) {
              // set_config(name, value, false or unknown): a session parameter, logical state.
              route = Math.max(route, SESSION);
              candidates = candidates(kind, route);
            }
            call = -1;
          }
          p++;
          if (depth > 0) {
            depth--;
          } else if (toCloseParen) {
            return packed(p, route);
          }
          continue;
        }
        case COMMA -> {
          if (depth == call) {
            callArg++;
          }
          p++;
          continue;
        }
        case SEMICOLON -> {
          if (depth == 0 && atomic == 0) {
            return packed(p, toCloseParen ? route | FAILED : route);
          }
          p++;
          continue;
        }
        case DIGIT -> p = numberEnd(s, p + 1, len);
        case LETTER -> {
          p = identRest(s, p + 1, len);
          switch (p - start) {
            case 3 -> {
              if (atomic > 0 && is(s, start, p, "end")) {
                atomic--;
              }
            }
            case 4 -> {
              if (kind == KIND_SELECT && is(s, start, p, "into")) {
                int into = selectIntoRoute(s, p, len);
                if (into == PIN) {
                  return pinned(p);
                }
                route = Math.max(route, into);
              } else if (atomic > 0 && is(s, start, p, "case")) {
                atomic++;
              }
            }
            case 5 -> {
              if (kind == KIND_CREATE
                  && atomic == 0
                  && is(s, start, p, "begin")
                  && nextWordIs(s, p, len, "atomic")) {
                atomic = 1;
              }
            }
            case 12 -> {
              if (is(s, start, p, "concurrently")) {
                route = Math.max(route, DIRECT);
                candidates = candidates(kind, route);
              }
            }
            case 10, 16, 20, 23, 27 -> {
              if (atomic == 0) {
                function = pinningFunction(s, start, p, true);
              }
            }
            default -> {}
          }
        }
        default -> p++; // an operator or other punctuation
      }
      // A token was read (not whitespace, a comment or a separator).
      if (depth == call && callArg == 2) {
        isLocal = isLocal == 0 && is(s, start, p, "true") ? 1 : 2;
      }
      if (function != NO_FUNCTION) {
        int q = skipTrivia(s, p, len);
        if (q < len && s.charAt(q) == '(') {
          if (function == SESSION_ADVISORY_LOCK || call >= 0) {
            return pinned(q); // a session lock, or set_config nested in set_config: be safe
          }
          depth++;
          call = depth;
          callArg = 0;
          isLocal = 0;
          p = q + 1;
        }
      }
    }
    if (call >= 0) {
      // set_config( never closed: its third argument is unknown
      return packed(p, Math.max(route, SESSION));
    }
    return packed(p, toCloseParen ? route | FAILED : route);
  }

  /**
   * Tells whether a name is one of the functions that leave session state behind.
   *
   * @return {@code SESSION_ADVISORY_LOCK}, {@code SET_CONFIG} or {@code NO_FUNCTION}
   */
  private static int pinningFunction(String s, int start, int end, boolean ignoreCase) {
    switch (end - start) {
      case 10:
        return matches(s, start, end, "set_config", ignoreCase) ? SET_CONFIG : NO_FUNCTION;
      case 16:
        return matches(s, start, end, "pg_advisory_lock", ignoreCase)
            ? SESSION_ADVISORY_LOCK
            : NO_FUNCTION;
      case 20:
        return matches(s, start, end, "pg_try_advisory_lock", ignoreCase)
            ? SESSION_ADVISORY_LOCK
            : NO_FUNCTION;
      case 23:
        return matches(s, start, end, "pg_advisory_lock_shared", ignoreCase)
            ? SESSION_ADVISORY_LOCK
            : NO_FUNCTION;
      case 27:
        return matches(s, start, end, "pg_try_advisory_lock_shared", ignoreCase)
            ? SESSION_ADVISORY_LOCK
            : NO_FUNCTION;
      default:
        return NO_FUNCTION;
    }
  }

  /**
   * Routes the target of {@code SELECT … INTO}: a new table, temporary (pin) or not (DDL). A table
   * named in the temporary schema ({@code INTO pg_temp.t}) is temporary too.
   */
  private static int selectIntoRoute(String s, int p, int len) {
    p = skipTrivia(s, p, len);
    int e = identEnd(s, p, len);
    if (is(s, p, e, "temp")
        || is(s, p, e, "temporary")
        || is(s, p, e, "local")
        || is(s, p, e, "global")) {
      return PIN;
    }
    if (is(s, p, e, "unlogged")) {
      p = skipTrivia(s, e, len);
      e = identEnd(s, p, len);
    }
    if (is(s, p, e, "table")) {
      p = skipTrivia(s, e, len);
    }
    e = nameEnd(s, p, len);
    int dot = skipTrivia(s, e, len);
    return e > p && dot < len && s.charAt(dot) == '.' && schemaIsTemp(s, p, e, dot, len)
        ? PIN
        : DIRECT;
  }

  /**
   * Tells whether a {@code CREATE} makes its object in the session's temporary schema: {@code
   * pg_temp}, or the {@code pg_temp_N} it stands for, quoted or not ({@code CREATE TABLE
   * pg_temp.t}, {@code CREATE FUNCTION pg_temp.f()}, {@code CREATE OPERATOR pg_temp.=== …}). Such
   * an object lives and dies with the session, like one made by {@code CREATE TEMP}.
   *
   * <p>Reads the words that open the statement (the object's kind, {@code IF NOT EXISTS}, {@code
   * UNIQUE}, the index's name before {@code ON}…) up to the first qualified name, and judges that
   * one. It stops at anything else: a parenthesis (column or argument lists, where a temporary type
   * or table may be named without making the new object temporary), {@code AS} (the query of a view
   * or table), a string or an operator. Names after those refer to objects that already exist,
   * which only a session that is pinned can see.
   *
   * @param p the position of the word after {@code CREATE} and its {@code OR REPLACE}, {@code
   *     LOCAL} or {@code GLOBAL}
   */
  static boolean createsInTempSchema(String s, int p, int len) {
    while (true) {
      p = skipTrivia(s, p, len);
      int e = nameEnd(s, p, len);
      if (e == p || is(s, p, e, "as")) {
        return false;
      }
      int dot = skipTrivia(s, e, len);
      if (dot < len && s.charAt(dot) == '.') {
        return schemaIsTemp(s, p, e, dot, len);
      }
      p = e;
    }
  }

  /**
   * Judges a qualified name, {@code [database.]schema.object}: whether its schema, the part before
   * the last, is the temporary one. The object's part may be an operator ({@code pg_temp.===}).
   *
   * @param p the first part's start
   * @param e the first part's end
   * @param dot the position of the {@code .} after the first part
   */
  private static boolean schemaIsTemp(String s, int p, int e, int dot, int len) {
    boolean temp = isTempSchema(s, p, e);
    while (true) {
      p = skipTrivia(s, dot + 1, len);
      e = nameEnd(s, p, len);
      dot = skipTrivia(s, e, len);
      if (e == p || dot >= len || s.charAt(dot) != '.') {
        return temp; // the part after the last dot is the object's: the one before is the schema
      }
      temp = isTempSchema(s, p, e);
    }
  }

  /**
   * Whether a name is the temporary schema: {@code pg_temp} in any case, or a backend's own {@code
   * pg_temp_N}; quoted, only in lower case, as Postgres compares it.
   */
  private static boolean isTempSchema(String s, int p, int e) {
    boolean quoted = s.charAt(p) == '"';
    if (quoted) {
      if (e - p < 2 || s.charAt(e - 1) != '"') {
        return false; // a quoted name cut short
      }
      p++;
      e--;
    }
    if (e - p < 7 || !matches(s, p, p + 7, "pg_temp", !quoted)) {
      return false;
    }
    if (e - p == 7) {
      return true;
    }
    if (e - p < 9 || s.charAt(p + 7) != '_') {
      return false;
    }
    for (int i = p + 8; i < e; i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The end of a name at {@code p}, an identifier or a quoted identifier; {@code p} if none. */
  private static int nameEnd(String s, int p, int len) {
    return p < len && s.charAt(p) == '"' ? quotedEnd(s, p + 1, len, '"') : identEnd(s, p, len);
  }
}

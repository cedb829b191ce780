package dev.neonjdbc.routing;

import static dev.neonjdbc.routing.ScanResult.DIRECT;
import static dev.neonjdbc.routing.ScanResult.FAILED;
import static dev.neonjdbc.routing.ScanResult.PIN;
import static dev.neonjdbc.routing.ScanResult.SESSION;
import static dev.neonjdbc.routing.ScanResult.packed;
import static dev.neonjdbc.routing.ScanResult.pinned;
import static dev.neonjdbc.routing.SqlLexer.CLOSE;
import static dev.neonjdbc.routing.SqlLexer.COMMA;
import static dev.neonjdbc.routing.SqlLexer.DASH;
import static dev.neonjdbc.routing.SqlLexer.DIGIT;
import static dev.neonjdbc.routing.SqlLexer.DOLLAR;
import static dev.neonjdbc.routing.SqlLexer.DOUBLE_QUOTE;
import static dev.neonjdbc.routing.SqlLexer.LETTER;
import static dev.neonjdbc.routing.SqlLexer.OPEN;
import static dev.neonjdbc.routing.SqlLexer.QUOTE;
import static dev.neonjdbc.routing.SqlLexer.SEMICOLON;
import static dev.neonjdbc.routing.SqlLexer.SLASH;
import static dev.neonjdbc.routing.SqlLexer.SPACE;
import static dev.neonjdbc.routing.SqlLexer.blockCommentEnd;
import static dev.neonjdbc.routing.SqlLexer.candidateTable;
import static dev.neonjdbc.routing.SqlLexer.charClass;
import static dev.neonjdbc.routing.SqlLexer.dollarEnd;
import static dev.neonjdbc.routing.SqlLexer.escapeStringEnd;
import static dev.neonjdbc.routing.SqlLexer.identEnd;
import static dev.neonjdbc.routing.SqlLexer.identRest;
import static dev.neonjdbc.routing.SqlLexer.is;
import static dev.neonjdbc.routing.SqlLexer.isIdentPart;
import static dev.neonjdbc.routing.SqlLexer.lineCommentEnd;
import static dev.neonjdbc.routing.SqlLexer.matches;
import static dev.neonjdbc.routing.SqlLexer.nextWordIs;
import static dev.neonjdbc.routing.SqlLexer.numberEnd;
import static dev.neonjdbc.routing.SqlLexer.quotedEnd;
import static dev.neonjdbc.routing.SqlLexer.skipToCandidate;
import static dev.neonjdbc.routing.SqlLexer.skipTrivia;

import java.util.Arrays;

/**
 * Reads the body of a statement, after the keyword that opens it, for what changes its route
 * wherever it appears: the keyword {@code CONCURRENTLY}, calls of functions that leave session
 * state behind ({@code pg_advisory_lock} and its variants, {@code set_config(…, false)}), and
 * {@code SELECT … INTO} a new table. It also finds where the statement ends: at a {@code ;} outside
 * parentheses and outside a {@code BEGIN ATOMIC … END} function body.
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

  /** Routes the target of {@code SELECT … INTO}: a new table, temporary (pin) or not (DDL). */
  private static int selectIntoRoute(String s, int p, int len) {
    p = skipTrivia(s, p, len);
    int e = identEnd(s, p, len);
    return is(s, p, e, "temp")
            || is(s, p, e, "temporary")
            || is(s, p, e, "local")
            || is(s, p, e, "global")
        ? PIN
        : DIRECT;
  }
}

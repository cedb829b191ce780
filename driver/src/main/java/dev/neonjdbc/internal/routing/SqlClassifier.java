package dev.neonjdbc.internal.routing;

import static dev.neonjdbc.internal.routing.ScanResult.DIRECT;
import static dev.neonjdbc.internal.routing.ScanResult.FAILED;
import static dev.neonjdbc.internal.routing.ScanResult.PIN;
import static dev.neonjdbc.internal.routing.ScanResult.POOLED;
import static dev.neonjdbc.internal.routing.ScanResult.SESSION;
import static dev.neonjdbc.internal.routing.ScanResult.UNPIN;
import static dev.neonjdbc.internal.routing.ScanResult.failed;
import static dev.neonjdbc.internal.routing.ScanResult.packed;
import static dev.neonjdbc.internal.routing.ScanResult.pinned;
import static dev.neonjdbc.internal.routing.ScanResult.positionOf;
import static dev.neonjdbc.internal.routing.ScanResult.routeOf;
import static dev.neonjdbc.internal.routing.SqlLexer.afterWord;
import static dev.neonjdbc.internal.routing.SqlLexer.blockCommentEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.identEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.is;
import static dev.neonjdbc.internal.routing.SqlLexer.isSpace;
import static dev.neonjdbc.internal.routing.SqlLexer.lineCommentEnd;
import static dev.neonjdbc.internal.routing.SqlLexer.matches;
import static dev.neonjdbc.internal.routing.SqlLexer.nextWordIs;
import static dev.neonjdbc.internal.routing.SqlLexer.skipSpaces;
import static dev.neonjdbc.internal.routing.SqlLexer.skipTrivia;
import static dev.neonjdbc.internal.routing.SqlLexer.tokenEnd;
import static dev.neonjdbc.internal.routing.StatementScanner.KIND_CREATE;
import static dev.neonjdbc.internal.routing.StatementScanner.KIND_OTHER;
import static dev.neonjdbc.internal.routing.StatementScanner.KIND_SELECT;
import static dev.neonjdbc.internal.routing.StatementScanner.createsInTempSchema;
import static dev.neonjdbc.internal.routing.StatementScanner.scan;

/**
 * Decides, for one SQL string, whether it may run on Neon's pooled endpoint (PgBouncer in
 * transaction mode) or needs the direct Postgres endpoint, and whether it pins the logical
 * connection to its direct session.
 *
 * <p>The routing table (see {@code DESIGN.md}, section "Routing"), keyed by the first keyword of
 * each statement after leading comments, parentheses, a JDBC <code>{call …}</code> escape and
 * {@code WITH …} clauses:
 *
 * <ul>
 *   <li>{@link Route#POOLED}: {@code SELECT INSERT UPDATE DELETE MERGE VALUES TABLE COPY CALL DO
 *       EXPLAIN SHOW NOTIFY LOCK FETCH MOVE CLOSE} ({@code EXPLAIN} without {@code ANALYZE} only
 *       plans; {@code EXPLAIN ANALYZE …} and {@code EXPLAIN (ANALYZE …) …} run the statement they
 *       explain and take its route), transaction control ({@code BEGIN START COMMIT END ROLLBACK
 *       ABORT SAVEPOINT RELEASE}, two-phase {@code PREPARE TRANSACTION}, {@code COMMIT PREPARED},
 *       {@code ROLLBACK PREPARED}), {@code SET LOCAL}, {@code SET TRANSACTION}, {@code SET
 *       CONSTRAINTS}, {@code DECLARE} without {@code WITH HOLD}.
 *   <li>{@link Route#DIRECT}: {@code CREATE ALTER DROP COMMENT GRANT REVOKE TRUNCATE}, {@code
 *       SECURITY LABEL}, {@code IMPORT FOREIGN SCHEMA}, {@code REFRESH MATERIALIZED VIEW}, {@code
 *       REINDEX CLUSTER VACUUM ANALYZE CHECKPOINT}, {@code DISCARD} other than {@code ALL}, {@code
 *       SELECT … INTO table} (it creates a table, like {@code CREATE TABLE AS}); any statement with
 *       the bare keyword {@code CONCURRENTLY}; and <em>any leading keyword not listed here</em>,
 *       because the direct endpoint can run every statement while the pooler cannot.
 *   <li>{@link Route#SESSION}: session {@code SET} and {@code RESET} of a parameter ({@code SET
 *       name …}, {@code SET SESSION name …}, {@code SET SESSION CHARACTERISTICS …}, {@code RESET
 *       name}, {@code RESET ALL}) and calls (anywhere in a statement) of {@code set_config} unless
 *       its third argument is the literal {@code true}.
 *   <li>{@link Route#PIN}: {@code LISTEN UNLISTEN LOAD}, {@code SET [SESSION] ROLE}, {@code SET
 *       SESSION AUTHORIZATION} and their {@code RESET}, SQL {@code PREPARE EXECUTE DEALLOCATE},
 *       {@code CREATE [OR REPLACE] [LOCAL|GLOBAL] TEMP[ORARY] …}, {@code SELECT … INTO TEMP[ORARY]
 *       …}, a {@code CREATE} or {@code SELECT … INTO} whose new object is named in the temporary
 *       schema ({@code pg_temp.name}, also quoted or as {@code pg_temp_N}), {@code DECLARE … WITH
 *       HOLD}, and calls (anywhere in a statement, plain or schema-qualified or quoted) of {@code
 *       pg_advisory_lock}, {@code pg_advisory_lock_shared}, {@code pg_try_advisory_lock}, {@code
 *       pg_try_advisory_lock_shared}.
 *   <li>{@link Route#UNPIN}: {@code DISCARD ALL}.
 * </ul>
 *
 * <p>A string holding several statements separated by {@code ;} takes the strongest of their routes
 * (see {@link Route}). A hint comment before the first keyword of the string decides outright:
 * <code>/* neon:pooled *&#47;</code>, <code>/* neon:direct *&#47;</code> or <code>
 * /* neon:pin *&#47;</code> (case and spaces inside the comment do not matter). The hint is the
 * application's promise; the classifier does not second-guess it.
 *
 * <p>What the classifier cannot see: the bodies of {@code DO} blocks and of functions are opaque
 * (they are string constants to Postgres too), so a {@code DO} block or a user function that takes
 * a session advisory lock or sets a session parameter needs a hint. A {@code null} or empty string
 * is {@link Route#POOLED}: there is nothing to run that could need a session.
 *
 * <p>The lexer reads the string once, with {@code charAt}, and allocates nothing: routing happens
 * on every {@code execute}, so it must cost less than the network round trip by orders of
 * magnitude. It knows Postgres' lexical rules that can hide a keyword: {@code '…'} strings ({@code
 * ''} doubling, standard-conforming backslashes), {@code E'…'} strings (backslash escapes), {@code
 * "…"} identifiers, {@code $$…$$} and {@code $tag$…$tag$} dollar quotes (while {@code $1} is a
 * parameter), {@code --} comments and nested block comments. A {@code ;} ends a statement only
 * outside parentheses and outside a {@code BEGIN ATOMIC … END} function body, as in pgJDBC.
 */
public final class SqlClassifier {

  private static final Route[] ROUTES = Route.values();

  // Codes of keywords whose route depends on what follows; above every route ordinal.
  private static final int CREATE = 8;
  private static final int DECLARE = 9;
  private static final int DISCARD = 10;
  private static final int PREPARE = 11;
  private static final int SELECT = 12;
  private static final int SET = 13;
  private static final int WITH = 14;
  private static final int RESET = 15;
  private static final int EXPLAIN = 16;

  /**
   * First keywords, packed by {@link #packedWord} and hashed into {@link #KEYWORD_CODES}. Unlisted
   * keywords are {@link Route#DIRECT}: the table's DDL (CREATE ALTER DROP COMMENT GRANT REVOKE
   * TRUNCATE SECURITY IMPORT REFRESH REINDEX CLUSTER VACUUM ANALYZE CHECKPOINT) and anything new.
   * Every statement pays for this lookup, so it reads the word once and probes one or two slots.
   */
  private static final long[] KEYWORDS = new long[64];

  private static final int[] KEYWORD_CODES = new int[64];

  static {
    keywords(
        POOLED,
        "insert update delete merge values table copy call do show notify lock fetch move close"
            + " begin start commit end rollback abort savepoint release");
    keywords(PIN, "listen unlisten execute deallocate load");
    keywords(RESET, "reset");
    keywords(CREATE, "create");
    keywords(DECLARE, "declare");
    keywords(DISCARD, "discard");
    keywords(EXPLAIN, "explain");
    keywords(PREPARE, "prepare");
    keywords(SELECT, "select");
    keywords(SET, "set");
    keywords(WITH, "with");
  }

  private static void keywords(int code, String words) {
    for (String word : words.split(" ")) {
      long key = packedWord(word, 0, word.length());
      int slot = slot(key);
      while (KEYWORDS[slot] != 0) {
        slot = (slot + 1) & (KEYWORDS.length - 1);
      }
      KEYWORDS[slot] = key;
      KEYWORD_CODES[slot] = code;
    }
  }

  /** Longest word {@link #packedWord} can pack: five bits a letter in a long. */
  private static final int MAX_PACKED = 12;

  /**
   * Packs a word of ASCII letters, case folded, five bits a letter; 0 when it holds anything else
   * or is longer than {@link #MAX_PACKED}, so that it can be no keyword.
   */
  private static long packedWord(String s, int p, int e) {
    if (e - p > MAX_PACKED) {
      return 0;
    }
    long key = 0;
    for (; p < e; p++) {
      int c = s.charAt(p) | 0x20; // folds A-Z onto a-z and maps nothing else there
      if (c < 'a' || c > 'z') {
        return 0;
      }
      key = key << 5 | (c - ('a' - 1));
    }
    return key;
  }

  private static int slot(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> 58);
  }

  private SqlClassifier() {}

  /**
   * Classifies a SQL string as sent through JDBC ({@code Statement.execute}, {@code
   * prepareStatement}, {@code prepareCall}); it may hold several statements, {@code ?} or {@code
   * $n} parameters and JDBC escapes.
   *
   * @param sql the SQL text; {@code null} is treated as empty
   * @return the route of the string: the hinted one, else the strongest route of its statements
   */
  public static Route classify(String sql) {
    if (sql == null) {
      return Route.POOLED;
    }
    int len = sql.length();
    int p = 0;
    // A hint counts only among the comments that open the string, before any keyword.
    while (p < len) {
      char c = sql.charAt(p);
      if (isSpace(c)) {
        p++;
      } else if (c == '-' && p + 1 < len && sql.charAt(p + 1) == '-') {
        p = lineCommentEnd(sql, p + 2, len);
      } else if (c == '/' && p + 1 < len && sql.charAt(p + 1) == '*') {
        int hint = hint(sql, p + 2, len);
        if (hint >= 0) {
          return ROUTES[hint];
        }
        p = blockCommentEnd(sql, p + 2, len);
      } else {
        break;
      }
    }
    int strongest = POOLED;
    while (true) {
      p = skipTrivia(sql, p, len);
      if (p >= len) {
        return ROUTES[strongest];
      }
      if (sql.charAt(p) == ';') {
        p++;
        continue;
      }
      long result = statement(sql, p, len);
      int route = routeOf(result);
      if (route == PIN) {
        return Route.PIN; // nothing later can make it stronger
      }
      strongest = Math.max(strongest, route);
      p = Math.max(positionOf(result), p + 1);
    }
  }

  /**
   * Reads the body of a block comment as a routing hint.
   *
   * @param p the position just after the opening {@code /*}
   * @return the hinted route's ordinal, or -1 when the comment is not a hint
   */
  private static int hint(String s, int p, int len) {
    p = skipSpaces(s, p, len);
    int e = identEnd(s, p, len);
    if (!is(s, p, e, "neon")) {
      return -1;
    }
    p = skipSpaces(s, e, len);
    if (p >= len || s.charAt(p) != ':') {
      return -1;
    }
    p = skipSpaces(s, p + 1, len);
    e = identEnd(s, p, len);
    int route;
    if (is(s, p, e, "direct")) {
      route = DIRECT;
    } else if (is(s, p, e, "pooled")) {
      route = POOLED;
    } else if (is(s, p, e, "pin")) {
      route = PIN;
    } else {
      return -1;
    }
    p = skipSpaces(s, e, len);
    return p + 1 < len && s.charAt(p) == '*' && s.charAt(p + 1) == '/' ? route : -1;
  }

  /**
   * Classifies one statement.
   *
   * @param p the first character of the statement, not whitespace, a comment or {@code ;}
   * @return the packed end position (at the {@code ;} that ends it, or the string's end) and route
   */
  private static long statement(String s, int p, int len) {
    p = skipOpening(s, p, len);
    int e = identEnd(s, p, len);
    int code = keywordCode(s, p, e);
    // EXPLAIN ANALYZE runs the statement it explains, with all its effects: route that statement.
    // A loop, not recursion, so that no string can run the stack out.
    while (code == EXPLAIN) {
      int explained = analyzedStatement(s, e, len);
      if (explained < 0) {
        break; // a plain EXPLAIN only plans
      }
      p = skipOpening(s, skipTrivia(s, explained, len), len);
      e = identEnd(s, p, len);
      code = keywordCode(s, p, e);
    }
    int route = POOLED;
    if (code == WITH) {
      long with = skipWith(s, e, len);
      p = positionOf(with);
      route = routeOf(with);
      if (route == PIN) {
        return with;
      }
      if ((with & FAILED) != 0) {
        // Not a WITH clause we understand: route it like an unknown statement.
        return scan(s, p, len, KIND_OTHER, DIRECT, false);
      }
      p = skipOpening(s, p, len);
      e = identEnd(s, p, len);
      code = keywordCode(s, p, e);
    }
    int kind = KIND_OTHER;
    int head;
    switch (code) {
      case CREATE -> {
        head = createRoute(s, e, len);
        kind = KIND_CREATE;
      }
      case DECLARE -> head = declaresHoldCursor(s, e, len) ? PIN : POOLED;
      case DISCARD -> head = nextWordIs(s, e, len, "all") ? UNPIN : DIRECT;
      // PREPARE TRANSACTION is two-phase commit; any other PREPARE names a SQL statement.
      case PREPARE -> head = nextWordIs(s, e, len, "transaction") ? POOLED : PIN;
      case SELECT -> {
        head = POOLED;
        kind = KIND_SELECT;
      }
      case SET -> head = setRoute(s, e, len);
      case RESET -> head = resetRoute(s, e, len);
      case WITH -> head = DIRECT; // WITH WITH: not SQL
      case EXPLAIN -> head = POOLED; // it plans, and runs nothing
      default -> head = code; // a route
    }
    if (head == PIN) {
      return pinned(e);
    }
    if (code == SET || code == RESET) {
      // A SET's value holds literals and names only: nothing in it can change the route, so the
      // statement's end is all that is wanted.
      return packed(settingEnd(s, e, len), Math.max(route, head));
    }
    return scan(s, e, len, kind, Math.max(route, head), false);
  }

  /** The {@code ;} that ends a {@code SET} or {@code RESET} statement, or the string's end. */
  private static int settingEnd(String s, int p, int len) {
    if (s.indexOf(';', p) < 0) {
      return len; // the usual case, one statement: no need to read the value token by token
    }
    while (true) {
      p = skipTrivia(s, p, len);
      if (p >= len || s.charAt(p) == ';') {
        return p;
      }
      p = tokenEnd(s, p, len);
    }
  }

  /**
   * Looks up a statement's first keyword.
   *
   * @return the keyword's route ordinal or {@code CREATE}, {@code DECLARE}…{@code WITH} when what
   *     follows decides; {@link #DIRECT} for an unlisted keyword or no keyword at all
   */
  private static int keywordCode(String s, int p, int e) {
    long key = packedWord(s, p, e);
    if (key == 0) {
      return DIRECT;
    }
    for (int slot = slot(key); KEYWORDS[slot] != 0; slot = (slot + 1) & (KEYWORDS.length - 1)) {
      if (KEYWORDS[slot] == key) {
        return KEYWORD_CODES[slot];
      }
    }
    return DIRECT;
  }

  /** Skips what may come before a statement's first keyword: parentheses and a JDBC escape. */
  private static int skipOpening(String s, int p, int len) {
    while (p < len) {
      char c = s.charAt(p);
      if (c == '(') {
        p = skipTrivia(s, p + 1, len);
      } else if (c == '{') {
        // {call f(?)} and {? = call f(?)}
        p = skipTrivia(s, p + 1, len);
        if (p < len && s.charAt(p) == '?') {
          int q = skipTrivia(s, p + 1, len);
          if (q < len && s.charAt(q) == '=') {
            p = skipTrivia(s, q + 1, len);
          }
        }
      } else {
        return p;
      }
    }
    return p;
  }

  /**
   * Skips the common table expressions of a {@code WITH} clause, scanning their bodies for anything
   * that changes the route (a data-modifying CTE is as pooled as its statement would be).
   *
   * @param p the position just after {@code WITH}
   * @return the packed position of the main statement and the strongest route found in the bodies,
   *     with {@link #FAILED} when the clause does not read as one
   */
  private static long skipWith(String s, int p, int len) {
    int route = POOLED;
    p = skipTrivia(s, p, len);
    int e = identEnd(s, p, len);
    if (is(s, p, e, "recursive")) {
      p = skipTrivia(s, e, len);
    }
    while (true) {
      if (p >= len || (s.charAt(p) != '"' && identEnd(s, p, len) == p)) {
        return failed(p);
      }
      p = skipTrivia(s, tokenEnd(s, p, len), len); // the CTE's name
      if (p < len && s.charAt(p) == '(') { // its column names
        long columns = scan(s, p + 1, len, KIND_OTHER, POOLED, true);
        if ((columns & FAILED) != 0) {
          return failed(positionOf(columns));
        }
        p = skipTrivia(s, positionOf(columns), len);
      }
      e = identEnd(s, p, len);
      if (!is(s, p, e, "as")) {
        return failed(p);
      }
      p = skipTrivia(s, e, len);
      e = identEnd(s, p, len);
      if (is(s, p, e, "not")) {
        p = skipTrivia(s, e, len);
        e = identEnd(s, p, len);
      }
      if (is(s, p, e, "materialized")) {
        p = skipTrivia(s, e, len);
      }
      if (p >= len || s.charAt(p) != '(') {
        return failed(p);
      }
      long body = scan(s, p + 1, len, KIND_OTHER, POOLED, true);
      route = Math.max(route, routeOf(body));
      if (route == PIN || (body & FAILED) != 0) {
        return packed(positionOf(body), route | (int) (body & FAILED));
      }
      p = skipTrivia(s, positionOf(body), len);
      // SEARCH … SET column and CYCLE … USING column may follow a recursive CTE's body.
      e = identEnd(s, p, len);
      if (is(s, p, e, "search")) {
        p = afterWord(s, e, len, "set");
        p = p < 0 ? len : skipTrivia(s, tokenEnd(s, skipTrivia(s, p, len), len), len);
        e = identEnd(s, p, len);
      }
      if (is(s, p, e, "cycle")) {
        p = afterWord(s, e, len, "using");
        p = p < 0 ? len : skipTrivia(s, tokenEnd(s, skipTrivia(s, p, len), len), len);
      }
      if (p < len && s.charAt(p) == ',') {
        p = skipTrivia(s, p + 1, len);
      } else {
        return packed(p, route);
      }
    }
  }

  /** Routes {@code CREATE …}: temporary objects live in one session, everything else is DDL. */
  private static int createRoute(String s, int p, int len) {
    p = skipTrivia(s, p, len);
    int e = identEnd(s, p, len);
    if (is(s, p, e, "or")) { // OR REPLACE
      p = skipTrivia(s, identEnd(s, skipTrivia(s, e, len), len), len);
      e = identEnd(s, p, len);
    }
    if (is(s, p, e, "local") || is(s, p, e, "global")) {
      p = skipTrivia(s, e, len);
      e = identEnd(s, p, len);
    }
    if (is(s, p, e, "temp") || is(s, p, e, "temporary")) {
      return PIN;
    }
    // CREATE TABLE pg_temp.t makes a temporary table as surely as CREATE TEMP TABLE t does.
    return createsInTempSchema(s, p, len) ? PIN : DIRECT;
  }

  /**
   * Reads the options of {@code EXPLAIN} to tell whether it executes the statement it explains:
   * {@code EXPLAIN ANALYZE [VERBOSE] …}, or an option list that turns {@code ANALYZE} on (alone, or
   * with any value but {@code false}, {@code off} or {@code 0}; the last setting counts, as in
   * Postgres). A value Postgres would reject counts as on: the statement's own route is never
   * weaker than a plain EXPLAIN's, so erring that way costs at most a direct session.
   *
   * @param p the position just after {@code EXPLAIN}
   * @return the position just after the options when the explained statement runs, else -1
   */
  private static int analyzedStatement(String s, int p, int len) {
    p = skipTrivia(s, p, len);
    int e = identEnd(s, p, len);
    if (is(s, p, e, "analyze") || is(s, p, e, "analyse")) {
      p = skipTrivia(s, e, len);
      e = identEnd(s, p, len);
      return is(s, p, e, "verbose") ? e : p;
    }
    if (p >= len || s.charAt(p) != '(') {
      return -1;
    }
    boolean analyze = false;
    p++;
    while (true) {
      p = skipTrivia(s, p, len);
      if (p >= len || s.charAt(p) == ';') {
        return -1; // an option list never closed: a syntax error, nothing runs
      }
      char c = s.charAt(p);
      if (c == ')') {
        return analyze ? p + 1 : -1;
      }
      if (c == ',') {
        p++;
        continue;
      }
      int nameEnd = tokenEnd(s, p, len);
      // "analyze" quoted is the same option name; "ANALYZE" quoted is not.
      boolean isAnalyze =
          is(s, p, nameEnd, "analyze")
              || is(s, p, nameEnd, "analyse")
              || matches(s, p, nameEnd, "\"analyze\"", false);
      // The option's value: nothing, or (in valid SQL) one word, number or string.
      p = skipTrivia(s, nameEnd, len);
      int valueStart = p;
      int valueEnd = p;
      int tokens = 0;
      while (p < len && (c = s.charAt(p)) != ',' && c != ')' && c != ';') {
        valueEnd = tokenEnd(s, p, len);
        p = skipTrivia(s, valueEnd, len);
        tokens++;
      }
      if (isAnalyze) {
        analyze = tokens != 1 || !isFalse(s, valueStart, valueEnd);
      }
    }
  }

  /** Whether an option's value is one Postgres reads as the boolean false. */
  private static boolean isFalse(String s, int p, int e) {
    if (e - p >= 2 && s.charAt(p) == '\'' && s.charAt(e - 1) == '\'') {
      p++; // a string constant: 'off' is off
      e--;
    }
    return is(s, p, e, "false") || is(s, p, e, "off") || matches(s, p, e, "0", false);
  }

  /**
   * Routes {@code SET …}: the transaction-scoped forms may run on the pooler as they are; a role or
   * session authorization pins; any other session parameter is logical state ({@link
   * Route#SESSION}).
   */
  private static int setRoute(String s, int p, int len) {
    p = skipTrivia(s, p, len);
    int e = identEnd(s, p, len);
    if (is(s, p, e, "local") || is(s, p, e, "transaction") || is(s, p, e, "constraints")) {
      return POOLED;
    }
    if (is(s, p, e, "session")) {
      p = skipTrivia(s, e, len);
      e = identEnd(s, p, len);
    }
    return is(s, p, e, "role") || is(s, p, e, "authorization") ? PIN : SESSION;
  }

  /**
   * Routes {@code RESET …}: resetting a role or session authorization is a statement about the pin
   * (the router then asks whether anything still holds it); any other parameter, or {@code ALL}, is
   * logical state.
   */
  private static int resetRoute(String s, int p, int len) {
    p = skipTrivia(s, p, len);
    int e = identEnd(s, p, len);
    if (is(s, p, e, "session")) {
      p = skipTrivia(s, e, len);
      e = identEnd(s, p, len);
    }
    return is(s, p, e, "role") || is(s, p, e, "authorization") ? PIN : SESSION;
  }

  /**
   * Tells whether {@code DECLARE name [options] CURSOR …} asks for {@code WITH HOLD}, which keeps
   * the cursor in the session after the transaction ends.
   *
   * @param p the position just after {@code DECLARE}
   */
  private static boolean declaresHoldCursor(String s, int p, int len) {
    p = skipTrivia(s, p, len);
    if (p >= len) {
      return false;
    }
    p = tokenEnd(s, p, len); // the cursor's name
    while (true) {
      p = skipTrivia(s, p, len);
      int e = identEnd(s, p, len);
      if (e == p || is(s, p, e, "for")) {
        return false; // the options end at FOR; the query after it may say WITH for other reasons
      }
      if (is(s, p, e, "with")) {
        return nextWordIs(s, e, len, "hold");
      }
      p = e;
    }
  }
}

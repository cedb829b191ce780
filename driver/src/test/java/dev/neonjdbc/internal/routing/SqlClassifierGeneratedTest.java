package dev.neonjdbc.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated SQL against the classifier's two promises that no table of examples can cover: it never
 * throws, whatever reaches {@code execute} (a half-built string, a binary blob pasted into a query,
 * an unterminated literal), and a statement's route depends on its tokens, not on the whitespace,
 * comments or keyword case around them.
 *
 * <p>Seeded: a failure names its seed, and {@code -Dneon.classifier.seed=N} replays that run. Each
 * build draws a new seed otherwise, so the suite keeps exploring.
 */
class SqlClassifierGeneratedTest {

  private static final long SEED = Long.getLong("neon.classifier.seed", System.nanoTime());

  /** Words the classifier reacts to, and a few it must not confuse with them. */
  private static final String[] KEYWORDS =
      ("select insert update delete merge values table copy call do explain analyze analyse "
              + "verbose show notify lock fetch move close begin start commit end rollback abort "
              + "savepoint release listen unlisten execute deallocate load reset create declare "
              + "discard prepare set with recursive materialized not as search cycle using or replace "
              + "local global temp temporary unlogged session role authorization transaction "
              + "constraints characteristics into concurrently atomic case all hold cursor for from "
              + "where true false on off format json view sequence function type operator pg_temp "
              + "pg_temp_3 pg_catalog set_config pg_advisory_lock pg_try_advisory_lock "
              + "pg_advisory_lock_shared pg_try_advisory_lock_shared pg_advisory_xact_lock neon direct "
              + "pooled pin returns language sql")
          .split(" ");

  /** Openings of the statements with rarer routes, so that every route comes up. */
  private static final String[] PHRASES = {
    "discard all",
    "explain analyze",
    "explain (analyze",
    "create temp table",
    "create table pg_temp.",
    "set local",
    "set role",
  };

  private static final String[] PUNCTUATION = {
    "(", ")", "((", "))", ",", ";", ";;", ".", "=", "?", "{", "}", "{call", "{?=", "*", "::", "-",
    "/", "+", "<>", "||", "[", "]", ":", "&", "\\", "e", "E", "U&", "$", "$1", "$12", "0", "1.5e3"
  };

  private static String[] corpus;

  @BeforeAll
  static void corpus() {
    List<String> statements = new ArrayList<>();
    for (String statement : SqlClassifierAllocationTest.corpus()) {
      if (statement != null) {
        statements.add(statement);
      }
    }
    corpus = statements.toArray(new String[0]);
  }

  @Test
  void randomSqlNeverMakesTheClassifierThrow() {
    Random random = new Random(SEED);
    int[] routes = new int[Route.values().length];
    for (int i = 0; i < 120_000; i++) {
      String sql = randomSql(random, 1 + random.nextInt(30));
      routes[assertClassifies(sql, i).ordinal()]++;
    }
    // Garbage that always routes the same way would prove little: every route must come up.
    for (Route route : Route.values()) {
      assertTrue(routes[route.ordinal()] > 0, "seed " + SEED + ": no string routed " + route);
    }
  }

  @Test
  void mutatedStatementsNeverMakeTheClassifierThrow() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < 60_000; i++) {
      String statement = corpus[random.nextInt(corpus.length)];
      if (statement.length() > 2_000) {
        statement = statement.substring(0, 2_000);
      }
      assertClassifies(mutated(random, statement), i);
    }
  }

  @Test
  void routeDoesNotChangeUnderLeadingWhitespaceAndComments() {
    Random random = new Random(SEED + 2);
    int variants = 0;
    for (String statement : corpus) {
      Route expected = SqlClassifier.classify(statement);
      for (int i = 0; i < 40; i++) {
        String variant = leadingTrivia(random) + statement;
        assertRoute(expected, statement, variant);
        variants++;
      }
    }
    assertTrue(variants > 10_000, variants + " variants");
  }

  @Test
  void routeDoesNotChangeUnderKeywordCase() {
    Random random = new Random(SEED + 3);
    int variants = 0;
    for (String statement : corpus) {
      Route expected = SqlClassifier.classify(statement);
      assertRoute(expected, statement, recased(statement, word -> word.toUpperCase(Locale.ROOT)));
      assertRoute(expected, statement, recased(statement, word -> word.toLowerCase(Locale.ROOT)));
      for (int i = 0; i < 30; i++) {
        String variant = recased(statement, word -> mixedCase(random, word));
        assertRoute(expected, statement, leadingTrivia(random) + variant);
        variants++;
      }
    }
    assertTrue(variants > 10_000, variants + " variants");
  }

  // ---- Checks that name the seed ---------------------------------------------------------------

  private static Route assertClassifies(String sql, int index) {
    Route route;
    try {
      route = SqlClassifier.classify(sql);
    } catch (Throwable e) { // a StackOverflowError counts as much as an exception
      throw new AssertionError(
          "seed " + SEED + ", case " + index + ": classify threw on " + printable(sql), e);
    }
    assertNotNull(route, () -> "seed " + SEED + ": null route for " + printable(sql));
    assertEquals(
        route,
        SqlClassifier.classify(sql),
        () -> "seed " + SEED + ": a second call differs on " + printable(sql));
    return route;
  }

  private static void assertRoute(Route expected, String statement, String variant) {
    Route actual;
    try {
      actual = SqlClassifier.classify(variant);
    } catch (Throwable e) {
      throw new AssertionError("seed " + SEED + ": classify threw on " + printable(variant), e);
    }
    if (actual != expected) {
      fail(
          "seed "
              + SEED
              + ": "
              + printable(statement)
              + " is "
              + expected
              + " but "
              + printable(variant)
              + " is "
              + actual);
    }
  }

  /** The string with control characters and non-ASCII escaped, so a failure can be pasted back. */
  private static String printable(String sql) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7F) {
        out.append(c);
      } else {
        out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      }
    }
    return out.append('"').toString();
  }

  // ---- Generators --------------------------------------------------------------------------

  /** Random tokens of every lexical kind, some cut short, with or without space between them. */
  static String randomSql(Random random, int tokens) {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < tokens; i++) {
      appendToken(random, sql);
      switch (random.nextInt(6)) {
        case 0 -> {} // glued to the next token
        case 1 -> sql.append('\n');
        case 2 -> sql.append(randomSpace(random));
        default -> sql.append(' ');
      }
    }
    return sql.toString();
  }

  private static void appendToken(Random random, StringBuilder sql) {
    switch (random.nextInt(16)) {
      case 0, 1, 2, 3 ->
          sql.append(mixedCase(random, pick(random, random.nextInt(8) == 0 ? PHRASES : KEYWORDS)));
      case 4 -> sql.append(identifier(random));
      case 5, 6 -> sql.append(pick(random, PUNCTUATION));
      case 7 -> sql.append(quoted(random, '\'', ""));
      case 8 -> sql.append(quoted(random, '\'', random.nextBoolean() ? "E" : "e"));
      case 9 -> sql.append(quoted(random, '"', random.nextBoolean() ? "" : "U&"));
      case 10 -> sql.append(dollarQuoted(random));
      case 11 -> sql.append(comment(random, random.nextInt(8) == 0));
      case 12 -> sql.append(randomText(random, 1 + random.nextInt(6)));
      case 13 -> sql.append(random.nextInt(1_000_000));
      case 14 -> sql.append(mixedCase(random, pick(random, KEYWORDS))).append('(');
      default -> sql.append(pick(random, KEYWORDS)).append('.').append(identifier(random));
    }
  }

  /** A real statement, changed the way broken code and bad input change SQL. */
  static String mutated(Random random, String statement) {
    StringBuilder sql = new StringBuilder(statement);
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      int at = sql.length() == 0 ? 0 : random.nextInt(sql.length() + 1);
      switch (random.nextInt(7)) {
        case 0 -> sql.setLength(at); // cut short
        case 1 -> {
          StringBuilder token = new StringBuilder();
          appendToken(random, token);
          sql.insert(at, token);
        }
        case 2 -> sql.insert(at, pick(random, new String[] {"'", "\"", "$$", "$a$", "/*", "--"}));
        case 3 -> {
          int end = Math.min(sql.length(), at + random.nextInt(20));
          sql.delete(at, end);
        }
        case 4 -> sql.insert(at, sql.substring(at, Math.min(sql.length(), at + 30))); // repeated
        case 5 -> sql.insert(at, randomText(random, 1 + random.nextInt(4)));
        default -> sql.insert(at, "; " + corpus[random.nextInt(corpus.length)]);
      }
    }
    return sql.toString();
  }

  /** Whitespace and comments (line, block, nested block) that a statement may start with. */
  static String leadingTrivia(Random random) {
    StringBuilder trivia = new StringBuilder();
    int pieces = random.nextInt(5);
    for (int i = 0; i < pieces; i++) {
      switch (random.nextInt(3)) {
        case 0 -> trivia.append(randomSpace(random));
        case 1 -> trivia.append(comment(random, false)).append(random.nextBoolean() ? "" : " ");
        default -> trivia.append(comment(random, false)).append('\n');
      }
    }
    return trivia.toString();
  }

  /**
   * A comment: {@code --} to the end of the line, or a block comment, nested or not. Complete
   * unless {@code cutShort}. Never a routing hint: its words come from a list without "neon".
   */
  private static String comment(Random random, boolean cutShort) {
    if (random.nextBoolean()) {
      String line = "--" + commentText(random).replace('\n', ' ').replace('\r', ' ');
      return cutShort ? line : line + (random.nextInt(4) == 0 ? "\r" : "\n");
    }
    StringBuilder block = new StringBuilder("/*").append(commentText(random));
    if (random.nextInt(3) == 0) {
      block.append("/* ").append(commentText(random)).append(" */").append(commentText(random));
    }
    return cutShort ? block.toString() : block.append("*/").toString();
  }

  /** Words, quotes and symbols as comments hold them; no comment delimiter. */
  private static String commentText(Random random) {
    StringBuilder text = new StringBuilder(" ");
    int words = random.nextInt(4);
    for (int i = 0; i < words; i++) {
      String word =
          switch (random.nextInt(5)) {
            case 0 -> "it's";
            case 1 -> "\"x";
            case 2 -> "$$";
            case 3 -> "LISTEN x; SET y = 1";
            default -> pick(random, KEYWORDS);
          };
      if (!word.equals("neon")) {
        text.append(word).append(' ');
      }
    }
    return text.toString();
  }

  private static String quoted(Random random, char quote, String prefix) {
    StringBuilder text = new StringBuilder(prefix).append(quote);
    int parts = random.nextInt(4);
    for (int i = 0; i < parts; i++) {
      switch (random.nextInt(5)) {
        case 0 -> text.append(quote).append(quote); // a doubled quote stands for itself
        case 1 -> text.append('\\').append(random.nextBoolean() ? quote : '\\');
        case 2 -> text.append(randomText(random, 3));
        default -> text.append(mixedCase(random, pick(random, KEYWORDS))).append(' ');
      }
    }
    return random.nextInt(5) == 0 ? text.toString() : text.append(quote).toString();
  }

  private static String dollarQuoted(Random random) {
    String tag =
        switch (random.nextInt(4)) {
          case 0 -> "";
          case 1 -> "tag";
          case 2 -> "TAG";
          default -> "ü_1";
        };
    StringBuilder text = new StringBuilder("$").append(tag).append('$');
    text.append(randomSql(random, random.nextInt(4)));
    if (random.nextInt(5) != 0) {
      text.append('$').append(random.nextInt(6) == 0 ? "tag" : tag).append('$');
    }
    return text.toString();
  }

  private static String identifier(Random random) {
    String[] starts = {"a", "_", "x$", "Ünï", "t1", "pg_", "ı", "ſ", "\u212A"};
    return pick(random, starts) + random.nextInt(100);
  }

  /** Any UTF-16 code units: controls, NUL, lone surrogates, astral pairs, the BOM, NBSP. */
  private static String randomText(Random random, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(6)) {
        case 0 -> text.append((char) random.nextInt(0x80));
        case 1 -> text.append((char) (0xD800 + random.nextInt(0x800))); // a lone surrogate
        case 2 -> text.appendCodePoint(0x1F600 + random.nextInt(0x50));
        case 3 -> text.append(pick(random, new String[] {"\u0000", "\uFEFF", "\u00A0", "\u2028"}));
        default -> text.append((char) random.nextInt(0x10000));
      }
    }
    return text.toString();
  }

  private static String randomSpace(Random random) {
    String[] spaces = {" ", "\t", "\n", "\r", "\r\n", "\f", "\u000B", "  \n\t"};
    return pick(random, spaces);
  }

  private static String pick(Random random, String[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  /** Each ASCII letter upper- or lower-case at random (Locale.ROOT rules: no dotless i). */
  private static String mixedCase(Random random, String word) {
    char[] mixed = word.toCharArray();
    for (int i = 0; i < mixed.length; i++) {
      char c = mixed[i];
      if (c < 128 && Character.isLetter(c)) {
        mixed[i] = random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c);
      }
    }
    return new String(mixed);
  }

  /**
   * Applies {@code recase} to the unquoted words of a statement, and only to their ASCII letters:
   * Postgres folds those alone, and leaves string constants, quoted names, dollar-quote tags and
   * comments as written. (Full Unicode case mapping would turn {@code ſ} into {@code S} and {@code
   * ı} into {@code I}, making new keywords out of names.) The reading here follows Postgres'
   * lexical rules independently of the classifier's lexer; like pgJDBC's, it takes a {@code $}
   * right after a word character as part of the word.
   */
  static String recased(String sql, Function<String, String> recase) {
    StringBuilder out = new StringBuilder(sql.length());
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      int end;
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        end = i + 2;
        while (end < n && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
          end++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        end = i + 2;
        for (int depth = 1; depth > 0 && end < n; ) {
          if (sql.startsWith("*/", end)) {
            depth--;
            end += 2;
          } else if (sql.startsWith("/*", end)) {
            depth++;
            end += 2;
          } else {
            end++;
          }
        }
        end = Math.min(end, n);
      } else if (c == '\'' || c == '"') {
        // E'…' (a lone e before the quote, not the end of a longer word) escapes with backslashes.
        boolean escapes =
            c == '\''
                && i > 0
                && (sql.charAt(i - 1) | 0x20) == 'e'
                && (i < 2 || !isWordChar(sql.charAt(i - 2)) && sql.charAt(i - 2) != '$');
        end = i + 1;
        while (end < n) {
          char d = sql.charAt(end++);
          if (escapes && d == '\\') {
            end++;
          } else if (d == c) {
            if (end < n && sql.charAt(end) == c) {
              end++;
            } else {
              break;
            }
          }
        }
        end = Math.min(end, n);
      } else if (c == '$') {
        end = dollarQuoteEnd(sql, i);
      } else if (isWordChar(c)) {
        end = i + 1;
        while (end < n && (isWordChar(sql.charAt(end)) || sql.charAt(end) == '$')) {
          end++;
        }
        String word = sql.substring(i, end);
        if (word.chars().allMatch(ch -> ch < 128)) {
          out.append(recase.apply(word));
        } else {
          for (int k = 0; k < word.length(); k++) {
            char ch = word.charAt(k);
            out.append(ch < 128 ? recase.apply(String.valueOf(ch)) : String.valueOf(ch));
          }
        }
        i = end;
        continue;
      } else {
        end = i + 1;
      }
      out.append(sql, i, end);
      i = end;
    }
    return out.toString();
  }

  private static boolean isWordChar(char c) {
    return c >= 128 || (c < 128 && Character.isLetterOrDigit(c)) || c == '_';
  }

  /** The end of a dollar-quoted string at {@code i}, or {@code i + 1} for a lone {@code $}. */
  private static int dollarQuoteEnd(String sql, int i) {
    int n = sql.length();
    int q = i + 1;
    if (q < n && isTagStart(sql.charAt(q))) {
      q++;
      while (q < n
          && (isTagStart(sql.charAt(q)) || (sql.charAt(q) >= '0' && sql.charAt(q) <= '9'))) {
        q++;
      }
    }
    if (q >= n || sql.charAt(q) != '$') {
      return i + 1;
    }
    String delimiter = sql.substring(i, q + 1);
    int close = sql.indexOf(delimiter, q + 1);
    return close < 0 ? n : close + delimiter.length();
  }

  private static boolean isTagStart(char c) {
    return c >= 128 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
}

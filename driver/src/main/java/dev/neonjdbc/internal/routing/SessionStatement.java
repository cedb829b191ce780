package dev.neonjdbc.internal.routing;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a {@link Route#SESSION} string sets, read once when it is about to run (off the hot path:
 * only session-parameter statements get here): the names of the parameters, and therefore how the
 * router may carry it.
 *
 * <p>A change can be made transaction-local on a pooled backend only when the router knows every
 * name it touches: {@code pg_settings} does not list custom parameters ({@code myapp.tenant}), so a
 * name the router cannot read from the SQL would stay at session level on the backend after commit,
 * for the next client of PgBouncer. Such strings, and strings of several statements (a {@code
 * COMMIT} among them would end the transaction before the router can localize), run on the direct
 * session only.
 */
final class SessionStatement {

  /** How the router may run a session-parameter string. */
  enum Kind {
    /** One statement whose names are all known: may run inside a pooled transaction. */
    CARRIED,
    /** Names known, several statements: on the direct session only, then read back. */
    DIRECT_ONLY,
    /** Sets something that is not a parameter to carry (a role, the encoding): pins. */
    PINS,
    /** Sets a parameter whose name is not in the SQL (a bound name): pins until reset. */
    PINS_FOR_GOOD
  }

  /** Parameters that are not carried: changing them pins the connection to its direct session. */
  private static final Set<String> PINNING =
      Set.of("role", "session_authorization", "client_encoding", "extra_float_digits");

  private static final Set<String> CHARACTERISTICS =
      Set.of(
          "default_transaction_isolation",
          "default_transaction_read_only",
          "default_transaction_deferrable");

  final Kind kind;

  /**
   * The parameters it changes (lower case), or {@code null} for all of them ({@code RESET ALL}).
   */
  final Set<String> names;

  private SessionStatement(Kind kind, Set<String> names) {
    this.kind = kind;
    this.names = names;
  }

  /** Whether it may run inside a pooled transaction (made transaction-local there). */
  boolean carriedInPooledTransaction() {
    return kind == Kind.CARRIED;
  }

  /** Whether it pins instead of being carried. */
  boolean pins() {
    return kind == Kind.PINS || kind == Kind.PINS_FOR_GOOD;
  }

  /**
   * Whether no query can see the end of its pin: a name the router cannot read, the encoding, the
   * float format or the session authorization (a role is checked: {@code current_user}).
   */
  boolean pinsForGood() {
    return kind == Kind.PINS_FOR_GOOD
        || names == null
        || names.contains("client_encoding")
        || names.contains("extra_float_digits")
        || names.contains("session_authorization");
  }

  /** Reads a string the classifier routed {@link Route#SESSION}. */
  static SessionStatement of(String sql) {
    Set<String> names = new LinkedHashSet<>();
    boolean all = false;
    boolean pins = false;
    boolean unknown = false;
    int statements = 0;
    for (String piece : statements(sql)) {
      statements++;
      String[] words = StatementKeywords.leadingWords(piece, 3);
      if ("set".equals(words[0]) || "reset".equals(words[0])) {
        String name = StatementKeywords.parameterName(piece);
        boolean session = "session".equals(words[1]);
        String after = session ? words[2] : words[1];
        if ("characteristics".equals(after)) {
          names.addAll(CHARACTERISTICS);
        } else if ("all".equals(after) && "reset".equals(words[0])) {
          all = true;
        } else if ("role".equals(after) || "authorization".equals(after)) {
          pins = true;
        } else if (name != null) {
          names.add(canonical(name));
        } else if (!"local".equals(after)
            && !"transaction".equals(after)
            && !"constraints".equals(after)) {
          unknown = true;
        }
      }
      unknown |= !setConfigNames(piece, names);
    }
    for (String name : names) {
      pins |= PINNING.contains(name);
    }
    Kind kind;
    if (unknown) {
      kind = Kind.PINS_FOR_GOOD;
    } else if (pins) {
      kind = Kind.PINS;
    } else if (statements > 1) {
      kind = Kind.DIRECT_ONLY;
    } else {
      kind = Kind.CARRIED;
    }
    return new SessionStatement(kind, all ? null : names);
  }

  /**
   * The parameter behind SQL's special {@code SET} forms ({@code SET TIME ZONE}, {@code SET
   * NAMES}…).
   */
  private static String canonical(String name) {
    switch (name) {
      case "time":
        return "timezone";
      case "names":
        return "client_encoding";
      case "schema":
        return "search_path";
      case "xml":
        return "xmloption";
      default:
        return name;
    }
  }

  /**
   * Adds the literal first arguments of the {@code set_config(…)} calls in {@code sql} to {@code
   * names}.
   *
   * @return false when a call's name is not a literal (a bind parameter, an expression)
   */
  private static boolean setConfigNames(String sql, Set<String> names) {
    int from = 0;
    while (true) {
      int at = indexOfIgnoreCase(sql, "set_config", from);
      if (at < 0) {
        return true;
      }
      int p = at + "set_config".length();
      while (p < sql.length() && Character.isWhitespace(sql.charAt(p))) {
        p++;
      }
      if (p < sql.length() && sql.charAt(p) == '(') {
        p++;
        while (p < sql.length() && Character.isWhitespace(sql.charAt(p))) {
          p++;
        }
        int end = p < sql.length() && sql.charAt(p) == '\'' ? sql.indexOf('\'', p + 1) : -1;
        if (end < 0) {
          return false;
        }
        names.add(sql.substring(p + 1, end).toLowerCase(Locale.ROOT));
      }
      from = p;
    }
  }

  /** The statements of a string, split at {@code ;} outside literals, quoted names and comments. */
  static java.util.List<String> statements(String sql) {
    java.util.List<String> pieces = new java.util.ArrayList<>();
    int len = sql.length();
    int start = 0;
    int p = 0;
    while (true) {
      p = SqlLexer.skipTrivia(sql, p, len);
      if (p >= len || sql.charAt(p) == ';') {
        String piece = sql.substring(start, Math.min(p, len));
        if (!piece.isBlank()) {
          pieces.add(piece);
        }
        if (p >= len) {
          return pieces;
        }
        start = ++p;
      } else {
        p = SqlLexer.tokenEnd(sql, p, len);
      }
    }
  }

  private static int indexOfIgnoreCase(String s, String word, int from) {
    for (int i = from; i + word.length() <= s.length(); i++) {
      if (s.regionMatches(true, i, word, 0, word.length())) {
        return i;
      }
    }
    return -1;
  }
}

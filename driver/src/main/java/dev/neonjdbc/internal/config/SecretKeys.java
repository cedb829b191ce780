package dev.neonjdbc.internal.config;

import dev.neonjdbc.NeonProperty;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postgresql.PGProperty;

/**
 * Which keys name a secret, and which keys a connection URL knows: the words behind {@link
 * UrlSecrets}' rule for secret values. Case is ignored the same way in every locale.
 */
final class SecretKeys {
  /** libpq's connection keywords; with pgJDBC's and ours they end a secret value in a query. */
  private static final String[] LIBPQ_KEYS = {
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "passfile",
    "connect_timeout",
    "client_encoding",
    "options",
    "application_name",
    "fallback_application_name",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "replication",
    "gssencmode",
    "sslmode",
    "sslnegotiation",
    "sslcompression",
    "sslcert",
    "sslkey",
    "sslrootcert",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "requirepeer",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "krbsrvname",
    "gsslib",
    "gssdelegation",
    "service",
    "target_session_attrs",
    "load_balance_hosts",
    "channel_binding",
    "require_auth",
    "min_protocol_version",
    "max_protocol_version"
  };

  private static final Set<String> KNOWN_KEYS = knownKeys();

  /** Password keys a value may be glued to when its '=' is lost, longest first. */
  static final String[] GLUED_KEYS = {"password", "passwd", "pass", "pwd", "pw"};

  private SecretKeys() {}

  /** Whether {@code key} (any case) is a libpq, pgJDBC or {@code jdbc:neon:} connection key. */
  static boolean isKnown(String key) {
    return !key.isEmpty() && KNOWN_KEYS.contains(key.toLowerCase(Locale.ROOT));
  }

  /**
   * Whether the value of {@code key} is a secret: the key, letters only, contains {@code pass},
   * {@code pw}, {@code secret} or {@code token}, is {@code password} with up to two letters wrong
   * ({@code pasword}, {@code passowrd}), or is a short word from {@code p} to a {@code w} ({@code
   * passwd}, {@code psswd}). Case is ignored the same way in every locale. In a URL, such a key
   * counts only with {@code =} after it, except the {@code password}-like ones, which count with
   * {@code :} or nothing after them too.
   */
  static boolean isSecretKey(String key) {
    for (String word : readings(key)) {
      if (isSecretWord(word) || looksLikePasswordWord(word)) {
        return true;
      }
    }
    return false;
  }

  static boolean isSecretWord(String word) {
    return word.contains("pass")
        || word.contains("pw")
        || word.contains("secret")
        || word.contains("token")
        // pass mistyped: pas, paass.
        || (word.length() >= 3 && word.length() <= 5 && editsToNearestPart(word, "pass") <= 1)
        // Abbreviations and their typos: passwd, pswd, psswd, pwd.
        || (word.length() <= 8 && word.startsWith("p") && word.indexOf('w') > 0);
  }

  /**
   * The letters of {@code key} as written (a '%' is no letter), and with a broken escape typed into
   * it removed ({@code p%Zass}, {@code pa%G0ss}): the '%' with one or two characters after it.
   */
  static List<String> readings(String key) {
    if (key == null || key.indexOf('%') < 0) {
      return List.of(letters(key));
    }
    List<String> readings = new ArrayList<>(4);
    readings.add(letters(key));
    for (int skip = 1; skip <= 2; skip++) {
      StringBuilder without = new StringBuilder(key.length());
      for (int i = 0; i < key.length(); i++) {
        if (key.charAt(i) == '%') {
          i += skip;
        } else {
          without.append(key.charAt(i));
        }
      }
      readings.add(letters(without.toString()));
    }
    return readings;
  }

  static boolean looksLikePasswordWord(String word) {
    if (word.contains("password")) {
      return true;
    }
    // Six of the eight letters must be there for two edits to reach "password": four distinct.
    int seen = 0;
    for (int i = 0; i < word.length(); i++) {
      int at = "pasword".indexOf(word.charAt(i));
      if (at >= 0) {
        seen |= 1 << at;
      }
    }
    if (Integer.bitCount(seen) < 4 || word.length() > 80) {
      return false;
    }
    // Typos (pasword, passowrd), also glued to what came before when a separator was lost
    // (user=alexpasword=…): any part of the word at most two edits from "password".
    if (editsToNearestPart(word, "password") <= 2) {
      return true;
    }
    return false;
  }

  /** The ASCII letters of {@code key}, in lower case (the same in every locale). */
  private static String letters(String key) {
    if (key == null) {
      return "";
    }
    StringBuilder letters = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        letters.append((char) (c + ('a' - 'A')));
      } else if (c >= 'a' && c <= 'z') {
        letters.append(c);
      }
    }
    return letters.toString();
  }

  /**
   * The fewest edits that turn {@code pattern} into some part of {@code word} (Sellers' approximate
   * substring matching: one pass, no substring copies).
   */
  private static int editsToNearestPart(String word, String pattern) {
    int m = pattern.length();
    int[] column = new int[m + 1];
    for (int i = 0; i <= m; i++) {
      column[i] = i;
    }
    int best = column[m];
    for (int j = 0; j < word.length(); j++) {
      int diagonal = column[0];
      column[0] = 0;
      for (int i = 1; i <= m; i++) {
        int above = column[i];
        int cost = pattern.charAt(i - 1) == word.charAt(j) ? 0 : 1;
        column[i] = Math.min(diagonal + cost, Math.min(above, column[i - 1]) + 1);
        diagonal = above;
      }
      best = Math.min(best, column[m]);
    }
    return best;
  }

  private static Set<String> knownKeys() {
    Set<String> keys = new HashSet<>();
    for (String key : LIBPQ_KEYS) {
      keys.add(key);
    }
    for (NeonProperty property : NeonProperty.values()) {
      keys.add(property.getName().toLowerCase(Locale.ROOT));
    }
    for (PGProperty property : PGProperty.values()) {
      keys.add(property.getName().toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(keys);
  }
}

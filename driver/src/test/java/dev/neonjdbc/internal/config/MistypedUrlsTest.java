package dev.neonjdbc.internal.config;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.Driver;
import dev.neonjdbc.TestDrivers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Generated: valid URLs with a distinctive password, mutated the way people mistype them (scheme
 * and separator typos, unencoded reserved characters in the user-info and the query, truncation,
 * duplication, broken percent-encoding), read through every parsing entry point: {@code
 * Driver.acceptsURL}, {@code Driver.getPropertyInfo}, {@code Driver.connect} (only for URLs that do
 * not parse, so nothing connects), {@link ConnectionSettings#parse}, {@link ParsedUrl#parse} and
 * {@link Masking#maskUrl}.
 *
 * <p>For every case: only {@link SQLException} escapes, with SQLState 08001 or 22023 and never the
 * wrapper of a parser defect; and no piece of the password appears in any message (causes,
 * suppressed and chained exceptions included), any {@code toString()}, any {@code getPropertyInfo}
 * value, or any log line: this class runs in a JVM of its own (see the driver's pom) where
 * slf4j-simple writes every level down to TRACE to a file that is read back.
 *
 * <p>Seeded: seed 1 by default, {@code -Dneonjdbc.mistypedUrls.seed=N} replays a run and {@code
 * =random} explores; the seed is printed with any failure. {@code -Dneonjdbc.mistypedUrls.cases=N}
 * sets the number of cases (default 100,000). Every mutation is generated, one to three stacked on
 * one URL; the only text not looked for is a piece of the password that a typo made into a whole
 * plain user name, host or database name ({@link #plainParts}), which is byte for byte a URL so
 * named.
 */
class MistypedUrlsTest {
  private static final String TRACE_LOG_PROPERTY = "org.slf4j.simpleLogger.logFile";
  private static final int CASES = Integer.getInteger("neonjdbc.mistypedUrls.cases", 100_000);

  /**
   * Seed 1 by default, so the build is repeatable; {@code -Dneonjdbc.mistypedUrls.seed=random}
   * explores (the seed is printed with every failure and in the summary line).
   */
  private static final long SEED = seed(System.getProperty("neonjdbc.mistypedUrls.seed", "1"));

  /** Piece alphabet: letters and digits no host, key, keyword or message of the driver uses. */
  private static final String PIECE_CHARACTERS = "QXZJKVWqxzjkvw23456789";

  private static final String[] RESERVED = {
    "?",
    "#",
    "&",
    "/",
    "@",
    ":",
    "=",
    "%",
    "+",
    " ",
    ";",
    "'",
    "\"",
    "\\",
    "[",
    "]",
    ",",
    "&&",
    "?x=",
    "&password=",
    "%2",
    "%ZZ",
    "%40",
    "%3A",
    "%26",
    "%"
  };

  private static final String[] HOSTS = {
    "ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech",
    "ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech",
    "localhost",
    "127.0.0.1",
    "[::1]",
    "db.example.com"
  };

  private static final String[] QUERY_PAIRS = {
    "sslmode=require",
    "channel_binding=require",
    "route=pooled",
    "route=direct",
    "directPort=5433",
    "connect_timeout=10",
    "application_name=billing",
    "sslrootcert=system",
    "transport=websocket",
    "target_session_attrs=read-write",
    "options=-c%20search_path%3Dapp"
  };

  private static final String[] PASSWORD_KEYS = {
    "password",
    "password",
    "password",
    "PASSWORD",
    "Password",
    "sslpassword",
    "pasword",
    "passwd",
    "pwd",
    "pass"
  };

  private static final String[][] SCHEME_TYPOS = {
    {"postgresql://", "postgresql:/"},
    {"postgresql://", "postgresql:"},
    {"postgresql://", "postgresql///"},
    {"postgresql://", "postgresql//"},
    {"postgresql://", "postgresq://"},
    {"postgresql://", "postgre://"},
    {"postgresql://", "POSTGRESQL://"},
    {"postgresql://", "postgresql:://"},
    {"postgresql://", "postgresql:\\\\"},
    {"postgresql://", ""},
    {"postgres://", "postgres:/"},
    {"postgres://", "postgres:"},
    {"jdbc:neon:", "jdbc:neon::"},
    {"jdbc:neon:", "JDBC:NEON:"},
    {"jdbc:neon:", "jdbc:neon:jdbc:neon:"},
    {"jdbc:neon:", "jdbc:neon:postgresql:"},
    {"jdbc:neon://", "jdbc:neon:/"},
    {"jdbc:neon://", "jdbc:neon:"},
    {"jdbc:neon://", "jdbc:neon:///"},
  };

  private static final Driver DRIVER = TestDrivers.withEnvironment(Environment.of(Map.of()));

  @Test
  void noMistypedUrlRevealsItsPasswordAndOnlyBadInputStatesEscape() throws Exception {
    Path traceLog = traceLog();
    LoggerFactory.getLogger(MistypedUrlsTest.class).trace("trace capture canary");
    long started = System.nanoTime();
    Run run = run(SEED, CASES, 1);
    if (!run.failures().isEmpty()) {
      fail(run.failures().get(0));
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.println(
        "MistypedUrlsTest: "
            + CASES
            + " cases ("
            + run.parsed()
            + " parsed, "
            + (CASES - run.parsed())
            + " rejected) in "
            + millis
            + " ms, seed "
            + SEED);

    String log = Files.readString(traceLog, StandardCharsets.UTF_8);
    assertTrue(log.contains("trace capture canary"), "TRACE is not captured in " + traceLog);
    String shown = run.firstNeedleIn(log);
    assertTrue(shown == null, "seed=" + SEED + ": the log shows '" + shown + "' of a password");
  }

  /**
   * The outcome of {@link #run}: how many URLs parsed, the failures (at most the number asked for),
   * and every needle of every case packed into a long, sorted, for the log check.
   */
  record Run(int parsed, List<String> failures, long[] needles) {
    /** The first 4-character window of {@code text} that is a needle, or {@code null}. */
    String firstNeedleIn(String text) {
      for (int i = 0; i + 4 <= text.length(); i++) {
        if (Arrays.binarySearch(needles, pack(text, i)) >= 0) {
          return text.substring(i, i + 4);
        }
      }
      return null;
    }
  }

  /**
   * Generates and checks {@code cases} URLs from {@code seed}. Each case has its own Random (seed
   * and index), so cases run on every core and any failure replays alone.
   */
  static Run run(long seed, int cases, int maxFailures) {
    AtomicInteger parsedCount = new AtomicInteger();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    long[][] needlesPerCase = new long[cases][];
    IntStream.range(0, cases)
        .parallel()
        .forEach(
            i -> {
              if (failures.size() >= maxFailures) {
                return;
              }
              Random random = new Random(seed * 31 + i);
              List<String> pieces = pieces(random);
              String password = password(random, pieces);
              String url = mutate(random, validUrl(random, password));
              boolean viaEnvironment = random.nextInt(10) == 0;
              List<String> needles = needles(pieces, plainParts(url));
              long[] packed = new long[needles.size()];
              for (int n = 0; n < packed.length; n++) {
                packed[n] = pack(needles.get(n), 0);
              }
              needlesPerCase[i] = packed;
              try {
                if (checkOne(url, needles, viaEnvironment)) {
                  parsedCount.incrementAndGet();
                }
              } catch (AssertionError e) {
                if (failures.size() < maxFailures) {
                  failures.add(
                      "seed="
                          + seed
                          + " case="
                          + i
                          + " (replay: -Dneonjdbc.mistypedUrls.seed="
                          + seed
                          + ") password="
                          + password
                          + " url="
                          + url
                          + (viaEnvironment ? " (as DATABASE_URL)" : "")
                          + ": "
                          + e.getMessage());
                }
              }
            });
    long[] all =
        Arrays.stream(needlesPerCase)
            .filter(x -> x != null)
            .flatMapToLong(Arrays::stream)
            .toArray();
    Arrays.sort(all);
    return new Run(parsedCount.get(), List.copyOf(failures), all);
  }

  private static long pack(String text, int at) {
    return ((long) text.charAt(at) << 48)
        | ((long) text.charAt(at + 1) << 32)
        | ((long) text.charAt(at + 2) << 16)
        | text.charAt(at + 3);
  }

  /**
   * The parts of {@code url} that, as the parser reads it, are a whole user name, host or database
   * made only of characters such names have ({@code A-Z a-z 0-9 . _ - + $}). A typo can turn a
   * password into exactly such a part: {@code alex:SECRET@host} with its colon lost is the user
   * {@code alexSECRET}; cut after a password's own '@', {@code alex:AB@CD} has the host {@code CD};
   * {@code alex:SECRET} with its colon typed as '/' is the host {@code alex} and the database
   * {@code SECRET}. Such text is byte for byte a URL naming that user, host or database, which a
   * message has to show ({@code jdbc:neon:postgresql://sam@host/app} is masked as itself), so no
   * rule can mask it: a piece of the password that lies inside one is not looked for. Every other
   * reading of the same URL still is.
   */
  static List<String> plainParts(String url) {
    String rest = url.regionMatches(true, 0, "jdbc:neon:", 0, 10) ? url.substring(10) : url;
    int body = -1;
    for (String start : new String[] {"//", "postgresql://", "postgres://"}) {
      if (rest.startsWith(start)) {
        body = start.length();
        break;
      }
    }
    if (body < 0) {
      return List.of();
    }
    int fragment = rest.indexOf('#', body);
    int end = fragment < 0 ? rest.length() : fragment;
    int query = rest.indexOf('?', body);
    int beforeQuery = query < 0 || query > end ? end : query;
    List<String> parts = new ArrayList<>();
    int hostStart = body;
    int at = rest.lastIndexOf('@', beforeQuery - 1);
    if (at >= body) {
      int colon = rest.indexOf(':', body);
      parts.add(rest.substring(body, colon < 0 || colon > at ? at : colon));
      hostStart = at + 1;
    }
    int slash = rest.indexOf('/', hostStart);
    if (slash > beforeQuery) {
      slash = -1;
    }
    int authorityEnd = slash < 0 ? beforeQuery : slash;
    int colon = rest.indexOf(':', hostStart);
    parts.add(rest.substring(hostStart, colon < 0 || colon > authorityEnd ? authorityEnd : colon));
    if (slash >= 0) {
      parts.add(rest.substring(slash + 1, beforeQuery));
    }
    parts.removeIf(part -> !part.chars().allMatch(MistypedUrlsTest::isNameCharacter));
    return parts;
  }

  private static boolean isNameCharacter(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '.'
        || c == '-'
        || c == '+'
        || c == '$';
  }

  /** Reads {@code url} through every entry point; whether it parsed. */
  private static boolean checkOne(String url, List<String> needles, boolean viaEnvironment) {
    Environment environment = Environment.of(Map.of());
    String driverUrl = url;
    if (viaEnvironment && url.regionMatches(true, 0, "jdbc:neon:", 0, 10)) {
      environment = Environment.of(Map.of("DATABASE_URL", url.substring(10)));
      driverUrl = "jdbc:neon:";
    }
    Driver driver = viaEnvironment ? TestDrivers.withEnvironment(environment) : DRIVER;

    assertClean("Masking.maskUrl", Masking.maskUrl(url), needles);
    if (url.regionMatches(true, 0, "jdbc:neon:", 0, 10)) {
      try {
        ParsedUrl parsedUrl = ParsedUrl.parse(url.substring(10));
        assertClean("ParsedUrl.toString", parsedUrl.toString(), needles);
      } catch (SQLException e) {
        assertBadInput("ParsedUrl.parse", e, needles);
      } catch (RuntimeException e) {
        fail("ParsedUrl.parse threw " + e);
      }
    }

    boolean accepted;
    try {
      accepted = driver.acceptsURL(driverUrl);
    } catch (RuntimeException e) {
      throw new AssertionError("acceptsURL threw " + e, e);
    }

    ConnectionSettings settings = null;
    SQLException parseError = null;
    try {
      settings = ConnectionSettings.parse(driverUrl, null, environment);
      assertClean("ConnectionSettings.toString", settings.toString(), needles);
      assertClean("ConnectionSettings.maskedUrl", settings.maskedUrl(), needles);
    } catch (SQLException e) {
      parseError = e;
      assertBadInput("ConnectionSettings.parse", e, needles);
    } catch (RuntimeException e) {
      throw new AssertionError("ConnectionSettings.parse threw " + e, e);
    }

    try {
      DriverPropertyInfo[] infos = driver.getPropertyInfo(driverUrl, null);
      if (accepted && parseError != null) {
        fail("getPropertyInfo accepted a URL that does not parse: " + parseError.getMessage());
      }
      for (DriverPropertyInfo info : infos) {
        assertClean("getPropertyInfo " + info.name, info.value, needles);
      }
    } catch (SQLException e) {
      assertBadInput("Driver.getPropertyInfo", e, needles);
    } catch (RuntimeException e) {
      throw new AssertionError("getPropertyInfo threw " + e, e);
    }

    // connect only where nothing can be reached: a URL that is not ours or does not parse.
    if (!accepted || parseError != null) {
      try (Connection connection = driver.connect(driverUrl, null)) {
        if (accepted || connection != null) {
          fail("connect did not refuse a URL that does not parse");
        }
      } catch (SQLException e) {
        assertBadInput("Driver.connect", e, needles);
      } catch (RuntimeException e) {
        throw new AssertionError("connect threw " + e, e);
      }
    }
    return settings != null;
  }

  private static void assertBadInput(String where, SQLException error, List<String> needles) {
    String state = error.getSQLState();
    if (!"08001".equals(state) && !"22023".equals(state)) {
      fail(where + ": SQLState " + state + " for " + error.getMessage());
    }
    if (error.getMessage() != null && error.getMessage().startsWith("Could not read the")) {
      fail(where + ": a parser defect surfaced: " + error.getMessage() + " / " + error.getCause());
    }
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    List<Throwable> pending = new ArrayList<>(List.of(error));
    while (!pending.isEmpty()) {
      Throwable t = pending.remove(pending.size() - 1);
      if (t == null || seen.put(t, Boolean.TRUE) != null) {
        continue;
      }
      assertClean(where + " message", t.getMessage(), needles);
      assertClean(where + " toString", t.toString(), needles);
      pending.add(t.getCause());
      pending.addAll(List.of(t.getSuppressed()));
      if (t instanceof SQLException sql) {
        pending.add(sql.getNextException());
      }
    }
  }

  private static void assertClean(String where, String text, List<String> needles) {
    if (text == null) {
      return;
    }
    for (String needle : needles) {
      if (text.contains(needle)) {
        fail(where + " shows '" + needle + "' of the password: " + text);
      }
    }
  }

  /**
   * Every 4-character window of every piece with two letters or more in it (windows of digits could
   * be a port number by chance), except those inside one of the URL's {@link #plainParts}: a leak
   * of any of them is a leak.
   */
  private static List<String> needles(List<String> pieces, List<String> plainParts) {
    List<String> needles = new ArrayList<>();
    for (String piece : pieces) {
      for (int i = 0; i + 4 <= piece.length(); i++) {
        String window = piece.substring(i, i + 4);
        if (window.chars().filter(Character::isLetter).count() >= 2
            && plainParts.stream().noneMatch(part -> part.contains(window))) {
          needles.add(window);
        }
      }
    }
    return needles;
  }

  /** Two to four pieces of six characters from an alphabet nothing else in a URL uses. */
  private static List<String> pieces(Random random) {
    List<String> pieces = new ArrayList<>();
    int count = 2 + random.nextInt(3);
    for (int p = 0; p < count; p++) {
      StringBuilder piece = new StringBuilder();
      // The first character is a letter so a piece is never read as a port number.
      piece.append(PIECE_CHARACTERS.charAt(random.nextInt(14)));
      for (int c = 1; c < 6; c++) {
        piece.append(PIECE_CHARACTERS.charAt(random.nextInt(PIECE_CHARACTERS.length())));
      }
      pieces.add(piece.toString());
    }
    return pieces;
  }

  /** The pieces joined by nothing, by reserved characters, or by their correct encoding. */
  private static String password(Random random, List<String> pieces) {
    StringBuilder password = new StringBuilder(pieces.get(0));
    for (int p = 1; p < pieces.size(); p++) {
      int how = random.nextInt(4);
      if (how == 1 || how == 2) {
        password.append(RESERVED[random.nextInt(RESERVED.length)]);
      } else if (how == 3) {
        password
            .append("%")
            .append(
                Integer.toHexString(0x21 + random.nextInt(0x5d))
                    .toUpperCase(java.util.Locale.ROOT));
      }
      password.append(pieces.get(p));
    }
    return password.toString();
  }

  /** A URL in one of the documented forms, with the password in the user-info or the query. */
  private static String validUrl(Random random, String password) {
    String host = HOSTS[random.nextInt(HOSTS.length)];
    String port = random.nextBoolean() ? "" : ":" + (1 + random.nextInt(65535));
    String database =
        random.nextInt(4) == 0 ? "" : "/" + (random.nextBoolean() ? "neondb" : "my%20db");
    StringBuilder query = new StringBuilder();
    int pairs = random.nextInt(4);
    for (int p = 0; p < pairs; p++) {
      query
          .append(query.length() == 0 ? "?" : "&")
          .append(QUERY_PAIRS[random.nextInt(QUERY_PAIRS.length)]);
    }
    switch (random.nextInt(4)) {
      case 0:
      case 1:
        return (random.nextBoolean() ? "jdbc:neon:postgresql://" : "jdbc:neon:postgres://")
            + "alex:"
            + password
            + "@"
            + host
            + port
            + database
            + query;
      case 2:
        return "jdbc:neon://alex:" + password + "@" + host + port + database + query;
      default:
        String key = PASSWORD_KEYS[random.nextInt(PASSWORD_KEYS.length)];
        String secret = key + "=" + password;
        String user = "user=alex";
        if (query.length() == 0) {
          return "jdbc:neon://" + host + port + database + "?" + user + "&" + secret;
        }
        return "jdbc:neon://"
            + host
            + port
            + database
            + (random.nextBoolean()
                ? "?" + secret + "&" + query.substring(1)
                : query + "&" + secret);
    }
  }

  /** One to three typos of the kinds people make, stacked on one URL. */
  private static String mutate(Random random, String url) {
    String result = url;
    int count = 1 + random.nextInt(3);
    for (int m = 0; m < count; m++) {
      result = mutateOnce(random, random.nextInt(9), result);
    }
    return result;
  }

  private static String mutateOnce(Random random, int kind, String url) {
    switch (kind) {
      case 0: // scheme typo
        String[] typo = SCHEME_TYPOS[random.nextInt(SCHEME_TYPOS.length)];
        return url.contains(typo[0])
            ? url.replaceFirst(
                java.util.regex.Pattern.quote(typo[0]),
                java.util.regex.Matcher.quoteReplacement(typo[1]))
            : url;
      case 1: // separator typo
        return replaceOneOf(
            random,
            url,
            ":@/?&=",
            new String[] {
              "", "@", ":", "/", "?", "#", "&", ";", "=", " ", "%3A", "%40", "%2F", "%3F", "%26",
              "%3D", "::", "@@", "//", "??", "&&", "=="
            });
      case 2: // a reserved character next to a separator
        return insertNextToSeparator(random, url, RESERVED[random.nextInt(RESERVED.length)]);
      case 3: // truncation
        return url.substring(0, 10 + random.nextInt(url.length() - 9));
      case 4: // duplication of a part
        int from = 10 + random.nextInt(url.length() - 9);
        int to = from + random.nextInt(url.length() - from + 1);
        return url.substring(0, to) + url.substring(from, to) + url.substring(to);
      case 5: // the whole URL twice
        return url + (random.nextBoolean() ? "" : "&") + url;
      case 6: // broken percent-encoding
        String[] broken = {"%", "%Z", "%4", "%ZZ", "%%", "%2540", "%C3", "%G0", "%u0041"};
        return insertAt(random, url, broken[random.nextInt(broken.length)]);
      case 7: // a correct escape where none is needed, or a character percent-encoded
        int at = 10 + random.nextInt(url.length() - 9);
        if (at >= url.length()) {
          return url;
        }
        return url.substring(0, at)
            + String.format(java.util.Locale.ROOT, "%%%02X", (int) url.charAt(at) & 0xff)
            + url.substring(at + 1);
      default: // a separator deleted
        return replaceOneOf(random, url, ":@/?&=#", new String[] {""});
    }
  }

  private static String insertNextToSeparator(Random random, String url, String text) {
    List<Integer> positions = new ArrayList<>();
    for (int i = 10; i < url.length(); i++) {
      if (":@/?&=#".indexOf(url.charAt(i)) >= 0) {
        positions.add(i);
        positions.add(i + 1);
      }
    }
    if (positions.isEmpty()) {
      return url;
    }
    int at = positions.get(random.nextInt(positions.size()));
    return url.substring(0, at) + text + url.substring(at);
  }

  private static String replaceOneOf(Random random, String url, String targets, String[] with) {
    List<Integer> positions = new ArrayList<>();
    for (int i = 10; i < url.length(); i++) {
      if (targets.indexOf(url.charAt(i)) >= 0) {
        positions.add(i);
      }
    }
    if (positions.isEmpty()) {
      return url;
    }
    int at = positions.get(random.nextInt(positions.size()));
    String replacement = with[random.nextInt(with.length)];
    return url.substring(0, at) + replacement + url.substring(at + 1);
  }

  private static String insertAt(Random random, String url, String text) {
    int at = 10 + random.nextInt(url.length() - 9);
    return url.substring(0, at) + text + url.substring(at);
  }

  private static long seed(String property) {
    return property.equals("random") ? new SplittableRandom().nextLong() : Long.parseLong(property);
  }

  /** The file slf4j-simple writes to in this test's JVM; skips when run without it. */
  private static Path traceLog() throws IOException {
    String file = System.getProperty(TRACE_LOG_PROPERTY);
    assumeTrue(
        file != null && !file.startsWith("System."),
        "runs in the driver pom's mistyped-urls-trace-log execution, where SLF4J writes TRACE to a"
            + " file");
    return Path.of(file);
  }
}

package dev.neonjdbc.datasource;

import dev.neonjdbc.spi.NeonEndpoints;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads the text of a {@link DataSourceProperty} value by its type; every failure names the key.
 */
final class SettingValues {
  private SettingValues() {}

  /** A URL as the driver takes it: a Neon connection string pasted as-is gets the prefix. */
  static String url(String value, DataSourceProperty property) {
    String trimmed = value.trim();
    if (startsWithIgnoringCase(trimmed, "postgresql://")
        || startsWithIgnoringCase(trimmed, "postgres://")) {
      return NeonEndpoints.URL_PREFIX + trimmed;
    }
    if (!startsWithIgnoringCase(trimmed, NeonEndpoints.URL_PREFIX)) {
      throw property.invalid(
          value, "must start with " + NeonEndpoints.URL_PREFIX + ", postgresql:// or postgres://");
    }
    return trimmed;
  }

  /** The driver takes its prefixes in any case ({@code JDBC:NEON:} too). */
  private static boolean startsWithIgnoringCase(String value, String prefix) {
    return value.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  /** A whole number of at most nine digits, maybe negative (then below every minimum). */
  static long count(String value, DataSourceProperty property) {
    String trimmed = value.trim();
    boolean negative = trimmed.startsWith("-");
    String digits = negative ? trimmed.substring(1) : trimmed;
    if (!digits(digits, 9)) {
      throw property.invalid(value, "must be a whole number");
    }
    return negative ? -Long.parseLong(digits) : Long.parseLong(digits);
  }

  /**
   * Milliseconds from a bare number (milliseconds, as HikariCP takes them), a number with a unit
   * ({@code 250ms}, {@code 10s}, {@code 5 min}, {@code 1h}) or ISO-8601 ({@code PT10S}).
   */
  static long millis(String value, DataSourceProperty property) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    if (text.startsWith("p")) {
      try {
        Duration duration = Duration.parse(text.toUpperCase(Locale.ROOT));
        if (!duration.isNegative()) {
          return duration.toMillis();
        }
      } catch (DateTimeParseException | ArithmeticException e) {
        // reported below with the shapes that are accepted
      }
      throw notADuration(value, property);
    }
    boolean negative = text.startsWith("-");
    int begin = negative ? 1 : 0;
    int end = begin;
    while (end < text.length() && Character.isDigit(text.charAt(end))) {
      end++;
    }
    String number = text.substring(begin, end);
    String unit = text.substring(end).trim();
    if (!digits(number, 15)) {
      throw notADuration(value, property);
    }
    long factor =
        switch (unit) {
          case "", "ms" -> 1;
          case "s" -> 1_000;
          case "min", "m" -> 60_000;
          case "h" -> 3_600_000;
          default -> throw notADuration(value, property);
        };
    try {
      long millis = Math.multiplyExact(Long.parseLong(number), factor);
      return negative ? -millis : millis;
    } catch (ArithmeticException e) {
      throw notADuration(value, property);
    }
  }

  private static IllegalArgumentException notADuration(String value, DataSourceProperty property) {
    return property.invalid(
        value,
        "must be a duration: milliseconds, a number with ms, s, min or h, or ISO-8601 (PT10S)");
  }

  /** {@code true} or {@code false}, case-insensitive, in lower case. */
  static String bool(String value, DataSourceProperty property) {
    String trimmed = value.trim();
    if (trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false")) {
      return trimmed.toLowerCase(Locale.ROOT);
    }
    throw property.invalid(value, "must be true or false");
  }

  /** Milliseconds as people read them: {@code 250 ms}, {@code 10 s}, {@code 30 min}. */
  static String showMillis(long millis) {
    if (millis >= 60_000 && millis % 60_000 == 0) {
      return millis / 60_000 + " min";
    }
    if (millis >= 1_000 && millis % 1_000 == 0) {
      return millis / 1_000 + " s";
    }
    return millis + " ms";
  }

  private static boolean digits(String text, int maximumLength) {
    if (text.isEmpty() || text.length() > maximumLength) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}

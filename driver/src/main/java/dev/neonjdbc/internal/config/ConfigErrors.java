package dev.neonjdbc.internal.config;

import java.sql.SQLException;
import java.util.List;

/**
 * The driver's configuration errors: one message shape, one place that picks the SQLState.
 *
 * <p>{@code 08001} (unable to establish a connection) is used for URLs that cannot be read at all;
 * {@code 22023} (invalid parameter value) for a key whose value is wrong. Values of secret keys
 * never reach a message.
 */
public final class ConfigErrors {
  /** SQLState for a URL or setting that makes a connection impossible. */
  public static final String UNABLE_TO_CONNECT = "08001";

  /** SQLState for a parameter whose value is not acceptable. */
  public static final String INVALID_PARAMETER_VALUE = "22023";

  private ConfigErrors() {}

  /** A key whose value is wrong: {@code Invalid value for 'key': 'value' (problem)}. */
  public static SQLException invalidValue(String key, String value, String problem) {
    return invalidShownValue(
        key, Masking.isSecretKey(key) ? Masking.MASK : "'" + value + "'", problem);
  }

  /** {@link #invalidValue} with the value already quoted or masked by the caller. */
  static SQLException invalidShownValue(String key, String shown, String problem) {
    return new SQLException(
        "Invalid value for '" + key + "': " + shown + " " + problem, INVALID_PARAMETER_VALUE);
  }

  /** Settings that contradict each other or lack a needed part. */
  public static SQLException invalidSetting(String key, String problem) {
    return new SQLException("Invalid setting '" + key + "': " + problem, INVALID_PARAMETER_VALUE);
  }

  /** A URL that cannot be parsed. */
  public static SQLException malformedUrl(String problem) {
    return new SQLException("Malformed jdbc:neon: URL: " + problem, UNABLE_TO_CONNECT);
  }

  /** Adds the (masked) URL to an error raised while reading it, keeping SQLState and cause. */
  public static SQLException withUrl(SQLException error, String maskedUrl) {
    SQLException withUrl =
        new SQLException(
            error.getMessage() + " [URL: " + maskedUrl + "]",
            error.getSQLState(),
            error.getErrorCode(),
            error.getCause());
    withUrl.setStackTrace(error.getStackTrace());
    return withUrl;
  }

  /**
   * {@link #withUrl} for an error raised while reading {@code secrets}' text: a quoted value that
   * could be a part of a password is masked in the message too.
   */
  static SQLException withUrl(SQLException error, String maskedUrl, List<UrlSecrets> secrets) {
    String message = error.getMessage();
    for (UrlSecrets secret : secrets) {
      message = secret.scrub(message);
    }
    SQLException withUrl =
        new SQLException(
            message + " [URL: " + maskedUrl + "]",
            error.getSQLState(),
            error.getErrorCode(),
            error.getCause());
    withUrl.setStackTrace(error.getStackTrace());
    return withUrl;
  }

  /**
   * Parses a TCP port.
   *
   * @throws SQLException SQLState 22023 naming {@code key} when the value is not 1 to 65535
   */
  public static int parsePort(String key, String value) throws SQLException {
    return parsePort(key, value, Masking.isSecretKey(key) ? Masking.MASK : "'" + value + "'");
  }

  /** {@link #parsePort} that shows the value as {@code shown} (quoted, or masked). */
  static int parsePort(String key, String value, String shown) throws SQLException {
    String trimmed = value.trim();
    boolean digits = !trimmed.isEmpty() && trimmed.length() <= 9;
    for (int i = 0; digits && i < trimmed.length(); i++) {
      digits = trimmed.charAt(i) >= '0' && trimmed.charAt(i) <= '9';
    }
    int port = digits ? Integer.parseInt(trimmed) : -1;
    if (port < 1 || port > 65535) {
      throw invalidShownValue(key, shown, "is not a port number (1-65535)");
    }
    return port;
  }

  /**
   * Parses a non-negative integer.
   *
   * @throws SQLException SQLState 22023 naming {@code key}
   */
  public static int parseInt(String key, String value) throws SQLException {
    String trimmed = value.trim();
    if (trimmed.isEmpty() || trimmed.length() > 9) {
      throw invalidValue(key, value, "must be a whole number");
    }
    int result = 0;
    for (int i = 0; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      if (c < '0' || c > '9') {
        throw invalidValue(key, value, "must be a whole number");
      }
      result = result * 10 + (c - '0');
    }
    return result;
  }
}

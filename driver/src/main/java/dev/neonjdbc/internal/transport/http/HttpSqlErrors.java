package dev.neonjdbc.internal.transport.http;

import java.util.Map;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns the JSON error body of Neon's SQL-over-HTTP endpoint into the {@link PSQLException} pgJDBC
 * raises for the same server error, with a {@link ServerErrorMessage} carrying every field the body
 * has. The body's member names are those {@code proxy/src/serverless/sql_over_http.rs} writes
 * ({@code message, code, detail, hint, position, internalPosition, internalQuery, severity, where,
 * table, column, schema, dataType, constraint, file, line, routine}); this class maps them back
 * onto the one-letter field codes of the ErrorResponse message (PostgreSQL protocol documentation,
 * "Error and Notice Message Fields"), which {@link ServerErrorMessage} parses.
 */
final class HttpSqlErrors {
  /** SQLState when the endpoint answered with an error that names no Postgres code. */
  static final String CONNECTION_FAILURE = "08006";

  /** SQLState invalid_password. */
  static final String INVALID_PASSWORD = "28P01";

  // JSON member name, protocol field code.
  private static final String[][] FIELDS = {
    {"severity", "S"},
    {"code", "C"},
    {"message", "M"},
    {"detail", "D"},
    {"hint", "H"},
    {"position", "P"},
    {"internalPosition", "p"},
    {"internalQuery", "q"},
    {"where", "W"},
    {"schema", "s"},
    {"table", "t"},
    {"column", "c"},
    {"dataType", "d"},
    {"constraint", "n"},
    {"file", "F"},
    {"line", "L"},
    {"routine", "R"},
  };

  private HttpSqlErrors() {}

  /**
   * The exception for an error response.
   *
   * @param status the HTTP status
   * @param body the response body (JSON when the endpoint wrote it)
   */
  static PSQLException fromResponse(int status, String body) {
    Map<?, ?> error = null;
    try {
      Object parsed = JsonText.parse(body);
      if (parsed instanceof Map<?, ?> map) {
        error = map;
      }
    } catch (IllegalArgumentException notJson) {
      // a proxy or load balancer in between answered: report the status below
    }
    String message = error == null ? null : text(error.get("message"));
    if (message == null) {
      message = "HTTP " + status + (body.isBlank() ? "" : ": " + abbreviate(body));
    }
    String code = error == null ? null : text(error.get("code"));
    if ((code == null || code.isEmpty()) && message.startsWith("password authentication failed")) {
      // Neon's proxy checks the password itself and names no SQLState: pgJDBC's over TCP.
      code = INVALID_PASSWORD;
    }
    StringBuilder fields = new StringBuilder();
    boolean hasSeverity = false;
    for (String[] field : FIELDS) {
      String value = error == null ? null : text(error.get(field[0]));
      if (field[0].equals("message")) {
        value = message;
      } else if (field[0].equals("code")) {
        value = code == null || code.isEmpty() ? CONNECTION_FAILURE : code;
      } else if (field[0].equals("severity") && value != null && !value.isEmpty()) {
        hasSeverity = true;
      }
      if (value != null && !value.isEmpty()) {
        fields.append(field[1]).append(value).append('\0');
      }
    }
    if (!hasSeverity) {
      fields.insert(0, "SERROR\0");
    }
    return new PSQLException(new ServerErrorMessage(fields.toString()));
  }

  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Double number && number == Math.rint(number)) {
      return Long.toString(number.longValue());
    }
    return value.toString();
  }

  private static String abbreviate(String body) {
    String line = body.strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}

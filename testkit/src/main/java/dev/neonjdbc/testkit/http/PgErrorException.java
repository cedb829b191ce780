package dev.neonjdbc.testkit.http;

import java.util.Collections;
import java.util.Map;

/**
 * An ErrorResponse from PostgreSQL, with its fields by their protocol codes ({@code 'C'} SQLState,
 * {@code 'M'} message, {@code 'P'} position, …), as the endpoint reports them in Neon's error JSON.
 */
final class PgErrorException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Map<Character, String> fields;

  PgErrorException(Map<Character, String> fields) {
    super(fields.getOrDefault('M', "unknown error"));
    this.fields = Collections.unmodifiableMap(fields);
  }

  /** The field with protocol code {@code code}, or {@code null}. */
  String field(char code) {
    return fields.get(code);
  }

  /** The SQLState. */
  String sqlState() {
    return fields.getOrDefault('C', "");
  }
}

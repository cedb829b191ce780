package dev.neonjdbc.testkit.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the endpoint needs: a strict parser into {@code Map} (insertion-ordered), {@code
 * List}, {@code String}, {@link Number}, {@code Boolean} and {@code null}, and a writer that
 * escapes strings as serde_json does (quote, backslash and control characters only).
 *
 * <p>Numbers keep their literal: {@link Number} holds the text as sent, so that a parameter is
 * passed to PostgreSQL as the client wrote it, apart from the normalisation described at {@link
 * Number#toPgText()}.
 */
final class Json {
  private final String text;
  private int position;

  private Json(String text) {
    this.text = text;
  }

  /** A JSON number as written in the request. */
  record Number(String literal) {
    /**
     * The text Neon passes to PostgreSQL for it (serde_json's {@code to_string}): integers as
     * written, other numbers in a double's shortest form ({@code 1.50} becomes {@code 1.5}).
     */
    String toPgText() {
      boolean integer = literal.chars().noneMatch(c -> c == '.' || c == 'e' || c == 'E');
      if (integer) {
        return literal;
      }
      double value = Double.parseDouble(literal);
      String shortest = Double.toString(value);
      return shortest.contains("E") ? shortest.replace("E", "e").replace(".0e", "e") : shortest;
    }
  }

  /** Thrown for text that is not one JSON value; the message says where. */
  static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
      super(message);
    }
  }

  /** Parses exactly one JSON value (surrounding white space allowed). */
  static Object parse(String text) throws ParseException {
    Json parser = new Json(text);
    parser.skipSpace();
    Object value = parser.value();
    parser.skipSpace();
    if (parser.position != text.length()) {
      throw parser.error("trailing characters");
    }
    return value;
  }

  private Object value() throws ParseException {
    if (position >= text.length()) {
      throw error("EOF while parsing a value");
    }
    char c = text.charAt(position);
    return switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("expected value");
      }
    };
  }

  private Map<String, Object> object() throws ParseException {
    Map<String, Object> map = new LinkedHashMap<>();
    position++;
    skipSpace();
    if (peek() == '}') {
      position++;
      return map;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("key must be a string");
      }
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      map.put(key, value());
      skipSpace();
      char next = peek();
      position++;
      if (next == '}') {
        return map;
      }
      if (next != ',') {
        throw error("expected `,` or `}`");
      }
    }
  }

  private List<Object> array() throws ParseException {
    List<Object> list = new ArrayList<>();
    position++;
    skipSpace();
    if (peek() == ']') {
      position++;
      return list;
    }
    while (true) {
      skipSpace();
      list.add(value());
      skipSpace();
      char next = peek();
      position++;
      if (next == ']') {
        return list;
      }
      if (next != ',') {
        throw error("expected `,` or `]`");
      }
    }
  }

  private String string() throws ParseException {
    StringBuilder out = new StringBuilder();
    position++;
    while (true) {
      if (position >= text.length()) {
        throw error("EOF while parsing a string");
      }
      char c = text.charAt(position++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("control character (\\u0000-\\u001F) found while parsing a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escaped = peek();
      position++;
      switch (escaped) {
        case '"', '\\', '/' -> out.append(escaped);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (position + 4 > text.length()) {
            throw error("EOF while parsing a string");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
          } catch (NumberFormatException e) {
            throw error("invalid escape");
          }
          position += 4;
        }
        default -> throw error("invalid escape");
      }
    }
  }

  private Number number() throws ParseException {
    int start = position;
    if (peek() == '-') {
      position++;
    }
    int digits = position;
    while (position < text.length()) {
      char c = text.charAt(position);
      if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        position++;
      } else {
        break;
      }
    }
    String literal = text.substring(start, position);
    if (position == digits) {
      throw error("invalid number");
    }
    try {
      Double.parseDouble(literal);
    } catch (NumberFormatException e) {
      throw error("invalid number");
    }
    return new Number(literal);
  }

  private Object literal(String word, Object value) throws ParseException {
    if (!text.startsWith(word, position)) {
      throw error("expected ident");
    }
    position += word.length();
    return value;
  }

  private void expect(char c) throws ParseException {
    if (peek() != c) {
      throw error("expected `" + c + "`");
    }
    position++;
  }

  private char peek() throws ParseException {
    if (position >= text.length()) {
      throw error("EOF while parsing");
    }
    return text.charAt(position);
  }

  private void skipSpace() {
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      position++;
    }
  }

  private ParseException error(String what) {
    int line = 1;
    int column = 0;
    for (int i = 0; i < Math.min(position, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 0;
      } else {
        column++;
      }
    }
    return new ParseException(what + " at line " + line + " column " + (column + 1));
  }

  /** Writes {@code value} (the types {@link #parse} returns, or numbers) as compact JSON. */
  static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      quote(out, s);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Number n) {
      out.append(n.literal());
    } else if (value instanceof java.lang.Number n) {
      out.append(n);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(out, String.valueOf(entry.getKey()));
        out.append(':');
        write(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(out, list.get(i));
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass());
    }
  }

  /** {@code value} as compact JSON. */
  static String toJson(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  /** Appends {@code s} as a JSON string. */
  static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}

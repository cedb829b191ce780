package dev.neonjdbc.internal.transport.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON that Neon's SQL-over-HTTP endpoint speaks: request bodies are written with {@link
 * #quote}, responses are read into {@link Map}, {@link List}, {@link String}, {@link Double},
 * {@link Boolean} or {@code null}. Numbers are kept as doubles because the protocol's only numbers
 * are counts and ids (with {@code Neon-Raw-Text-Output: true} every column value is a string or
 * null).
 */
final class JsonText {
  private final String text;
  private int p;

  private JsonText(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException when {@code text} is not JSON
   */
  static Object parse(String text) {
    JsonText reader = new JsonText(text);
    Object value = reader.value();
    reader.skipSpace();
    if (reader.p != text.length()) {
      throw reader.error("trailing characters");
    }
    return value;
  }

  /** Appends {@code value} as a JSON string literal (or {@code null}). */
  static void quote(StringBuilder out, String value) {
    if (value == null) {
      out.append("null");
      return;
    }
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
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

  private Object value() {
    skipSpace();
    if (p >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(p);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        return number();
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> map = new LinkedHashMap<>();
    p++; // {
    skipSpace();
    if (peek() == '}') {
      p++;
      return map;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a member name");
      }
      String name = string();
      skipSpace();
      expect(':');
      map.put(name, value());
      skipSpace();
      char c = next();
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        throw error("expected , or }");
      }
    }
  }

  private List<Object> array() {
    List<Object> list = new ArrayList<>();
    p++; // [
    skipSpace();
    if (peek() == ']') {
      p++;
      return list;
    }
    while (true) {
      list.add(value());
      skipSpace();
      char c = next();
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        throw error("expected , or ]");
      }
    }
  }

  private String string() {
    p++; // opening quote
    StringBuilder out = null;
    int start = p;
    while (true) {
      if (p >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(p);
      if (c == '"') {
        String value =
            out == null ? text.substring(start, p) : out.append(text, start, p).toString();
        p++;
        return value;
      }
      if (c == '\\') {
        if (out == null) {
          out = new StringBuilder();
        }
        out.append(text, start, p);
        p++;
        char e = next();
        switch (e) {
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            if (p + 4 > text.length()) {
              throw error("bad \\u escape");
            }
            out.append((char) Integer.parseInt(text.substring(p, p + 4), 16));
            p += 4;
          }
          default -> out.append(e); // \" \\ \/
        }
        start = p;
      } else {
        p++;
      }
    }
  }

  private Object number() {
    int start = p;
    while (p < text.length() && "+-0123456789.eE".indexOf(text.charAt(p)) >= 0) {
      p++;
    }
    if (start == p) {
      throw error("unexpected character");
    }
    return Double.valueOf(text.substring(start, p));
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, p)) {
      throw error("unexpected character");
    }
    p += word.length();
    return value;
  }

  private void skipSpace() {
    while (p < text.length() && Character.isWhitespace(text.charAt(p))) {
      p++;
    }
  }

  private char peek() {
    return p < text.length() ? text.charAt(p) : '\0';
  }

  private char next() {
    if (p >= text.length()) {
      throw error("unexpected end");
    }
    return text.charAt(p++);
  }

  private void expect(char c) {
    if (next() != c) {
      throw error("expected " + c);
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("invalid JSON at offset " + p + ": " + what);
  }
}

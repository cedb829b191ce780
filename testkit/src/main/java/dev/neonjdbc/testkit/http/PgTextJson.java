package dev.neonjdbc.testkit.http;

import java.util.function.IntUnaryOperator;

/**
 * PostgreSQL text values as Neon's proxy puts them in JSON when raw text output is off ({@code
 * proxy/src/serverless/json.rs}, {@code pg_text_to_json} and {@code pg_array_parse} in {@code
 * neondatabase/neon}): {@code bool} as a JSON boolean, {@code int2}/{@code int4} as numbers, finite
 * {@code float4}/{@code float8} as numbers (NaN and infinities stay strings), {@code json} and
 * {@code jsonb} inline, arrays as JSON arrays of their converted elements (bounds decoration
 * dropped, {@code NULL} as null), everything else ({@code int8} and {@code numeric} included) as a
 * string. With raw text output every value is the string PostgreSQL sent.
 *
 * <p>One deliberate difference: an empty array ({@code {}}) becomes {@code []}, where Neon's parser
 * reads one empty item.
 */
final class PgTextJson {
  static final int BOOL = 16;
  static final int INT2 = 21;
  static final int INT4 = 23;
  static final int JSON = 114;
  static final int FLOAT4 = 700;
  static final int FLOAT8 = 701;
  static final int JSONB = 3802;

  private final IntUnaryOperator arrayElement;

  /**
   * @param arrayElement the element type of an array type OID, {@code 0} for a type that is not an
   *     array
   */
  PgTextJson(IntUnaryOperator arrayElement) {
    this.arrayElement = arrayElement;
  }

  /** Appends the JSON for text value {@code value} of type {@code typeOid}. */
  void append(StringBuilder out, String value, int typeOid) {
    int element = arrayElement.applyAsInt(typeOid);
    if (element != 0) {
      String array = value;
      if (array.startsWith("[")) {
        int equals = array.indexOf('=');
        if (equals < 0) {
          throw new IllegalStateException("unbalanced array");
        }
        array = array.substring(equals + 1);
      }
      ArrayCursor cursor = new ArrayCursor(array.stripLeading());
      cursor.array(out, element);
      if (!cursor.atEnd()) {
        throw new IllegalStateException("unbalanced array");
      }
      return;
    }
    switch (typeOid) {
      case BOOL -> out.append(value.equals("t"));
      case INT2, INT4 -> out.append(Integer.parseInt(value));
      case FLOAT4, FLOAT8 -> {
        double number = Double.parseDouble(value);
        if (Double.isFinite(number)) {
          out.append(shortest(number));
        } else {
          Json.quote(out, value);
        }
      }
      case JSON, JSONB -> out.append(value);
      default -> Json.quote(out, value);
    }
  }

  /** A double as serde_json writes it: shortest form, {@code 1.0} for whole numbers. */
  private static String shortest(double number) {
    String text = Double.toString(number);
    if (text.contains("E")) {
      String[] parts = text.split("E");
      String mantissa =
          parts[0].endsWith(".0") ? parts[0].substring(0, parts[0].length() - 2) : parts[0];
      return mantissa + "e" + parts[1];
    }
    return text;
  }

  /** A cursor over an array's text form, the way Neon's {@code pg_array_parse_inner} reads it. */
  private final class ArrayCursor {
    private final String text;
    private int position;

    ArrayCursor(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return position == text.length();
    }

    void array(StringBuilder out, int element) {
      expect('{');
      out.append('[');
      if (position < text.length() && text.charAt(position) == '}') {
        // An empty array: Neon's parser would read one empty item here; the kit writes [].
        position++;
        out.append(']');
        skipSpace();
        return;
      }
      boolean first = true;
      while (true) {
        if (!first) {
          out.append(',');
        }
        first = false;
        item(out, element);
        if (position < text.length() && text.charAt(position) == ',') {
          position++;
        } else {
          break;
        }
      }
      expect('}');
      out.append(']');
      skipSpace();
    }

    private void item(StringBuilder out, int element) {
      skipSpace();
      if (position < text.length() && text.charAt(position) == '{') {
        array(out, element);
        return;
      }
      if (position < text.length() && text.charAt(position) == '"') {
        position++;
        StringBuilder quoted = new StringBuilder();
        while (true) {
          if (position >= text.length()) {
            throw new IllegalStateException("unbalanced quoted string");
          }
          char c = text.charAt(position++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            if (position >= text.length()) {
              throw new IllegalStateException("unbalanced quoted string");
            }
            c = text.charAt(position++);
          }
          quoted.append(c);
        }
        skipSpace();
        append(out, quoted.toString(), element);
        return;
      }
      int end = position;
      while (end < text.length() && text.charAt(end) != ',' && text.charAt(end) != '}') {
        end++;
      }
      if (end == text.length()) {
        throw new IllegalStateException("unbalanced array");
      }
      String item = text.substring(position, end).stripTrailing();
      position = end;
      if (item.equals("NULL")) {
        out.append("null");
      } else {
        append(out, item, element);
      }
    }

    private void expect(char c) {
      if (position >= text.length() || text.charAt(position) != c) {
        throw new IllegalStateException("unbalanced array");
      }
      position++;
    }

    private void skipSpace() {
      while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
        position++;
      }
    }
  }
}

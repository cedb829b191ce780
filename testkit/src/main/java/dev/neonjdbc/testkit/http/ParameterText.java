package dev.neonjdbc.testkit.http;

import java.util.List;
import java.util.Map;

/**
 * A JSON parameter as the text Neon's proxy binds for it ({@code proxy/src/serverless/json.rs},
 * {@code json_to_pg_text}): {@code null} stays NULL, a string is sent as is, a boolean, number or
 * object as its JSON text, an array as a PostgreSQL array literal whose strings are quoted and
 * escaped ({@code ["a", null, 1]} becomes {@code {"a",NULL,1}}). PostgreSQL infers each parameter's
 * type, since none is declared.
 */
final class ParameterText {
  private ParameterText() {}

  /** The text for {@code value} (a value {@link Json#parse} returns), {@code null} for NULL. */
  static String of(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof List<?>) {
      return arrayLiteral(value);
    }
    return jsonText(value);
  }

  private static String arrayLiteral(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> list) {
      StringBuilder out = new StringBuilder("{");
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        String item = arrayLiteral(list.get(i));
        out.append(item == null ? "NULL" : item);
      }
      return out.append('}').toString();
    }
    if (value instanceof Map<?, ?>) {
      return jsonText(jsonText(value));
    }
    return jsonText(value);
  }

  private static String jsonText(Object value) {
    if (value instanceof Json.Number number) {
      return number.toPgText();
    }
    return Json.toJson(value);
  }
}

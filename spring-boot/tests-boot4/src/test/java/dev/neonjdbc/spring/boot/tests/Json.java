package dev.neonjdbc.spring.boot.tests;

/**
 * Reads one member of a JSON object as text, whatever the order of members (Boot 4's Jackson 3
 * sorts them, Boot 3's keeps them): enough for Actuator's responses without either Jackson.
 */
final class Json {
  private Json() {}

  /**
   * The value of the first member named {@code name} in {@code json}: an object's text with its
   * braces, or a string's content; {@code null} when absent.
   */
  static String member(String json, String name) {
    if (json == null) {
      return null;
    }
    String key = "\"" + name + "\"";
    int at = json.indexOf(key);
    if (at < 0) {
      return null;
    }
    int start = json.indexOf(':', at + key.length()) + 1;
    while (Character.isWhitespace(json.charAt(start))) {
      start++;
    }
    char first = json.charAt(start);
    if (first == '"') {
      return json.substring(start + 1, json.indexOf('"', start + 1));
    }
    if (first != '{' && first != '[') {
      int end = start;
      while (end < json.length() && ",}]".indexOf(json.charAt(end)) < 0) {
        end++;
      }
      return json.substring(start, end).trim();
    }
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) {
          return json.substring(start, i + 1);
        }
      }
    }
    throw new IllegalArgumentException("unbalanced JSON: " + json);
  }
}

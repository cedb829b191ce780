package dev.neonjdbc.internal.config;

import java.util.Map;

/**
 * Where {@code jdbc:neon:} reads environment variables from: the process environment in production,
 * a fixed map in tests.
 */
@FunctionalInterface
public interface Environment {
  /** The variable's value, or {@code null} when unset. */
  String get(String name);

  /** The process environment. */
  static Environment system() {
    return System::getenv;
  }

  /** A fixed set of variables. */
  static Environment of(Map<String, String> variables) {
    return variables::get;
  }

  /** The first of {@code names} that is set to a non-empty value, or {@code null}. */
  default String first(String... names) {
    for (String name : names) {
      String value = get(name);
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return null;
  }
}

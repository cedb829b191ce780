package dev.neonjdbc.testkit.pgbouncer;

import dev.neonjdbc.testkit.NeonStackException;
import java.util.Locale;

/**
 * Which PgBouncer a stack puts on its pooled endpoint.
 *
 * <p>Chosen by the system property {@value #PROPERTY} or, when that is not set, the environment
 * variable {@value #VARIABLE}; {@link #PREPARED_STATEMENTS} when neither is set. A build runs a
 * test class on both by running it twice, the second time with the property set to {@code plain}.
 */
public enum PoolerKind {
  /**
   * PgBouncer 1.21 or later with {@code max_prepared_statements} above zero: it keeps
   * protocol-level (named) prepared statements across transactions, as Neon's pooler does. The
   * default.
   */
  PREPARED_STATEMENTS("prepared"),

  /**
   * A PgBouncer that keeps no prepared statements: Debian 12's 1.18, or a newer one with {@code
   * max_prepared_statements=0}. A named statement prepared in one transaction may be missing, or
   * another client's, in the next.
   */
  PLAIN("plain");

  /** System property that chooses the pooler: {@code prepared} or {@code plain}. */
  public static final String PROPERTY = "neon.testkit.pooler";

  /** Environment variable read when {@link #PROPERTY} is not set. */
  public static final String VARIABLE = "NEON_TESTKIT_POOLER";

  private final String settingValue;

  PoolerKind(String settingValue) {
    this.settingValue = settingValue;
  }

  /** The value that selects this kind in {@link #PROPERTY} and {@link #VARIABLE}. */
  public String settingValue() {
    return settingValue;
  }

  /** Whether the pooler keeps protocol-level prepared statements across transactions. */
  public boolean keepsPreparedStatements() {
    return this == PREPARED_STATEMENTS;
  }

  /**
   * The kind this JVM asks for.
   *
   * @throws NeonStackException when the setting names no kind
   */
  public static PoolerKind configured() {
    String value = System.getProperty(PROPERTY);
    String source = PROPERTY;
    if (value == null || value.isBlank()) {
      value = System.getenv(VARIABLE);
      source = VARIABLE;
    }
    return value == null || value.isBlank() ? PREPARED_STATEMENTS : parse(source, value);
  }

  /**
   * The kind named by {@code value} ({@code prepared} or {@code plain}, any case).
   *
   * @param source the setting's name, for the error message
   * @throws NeonStackException when {@code value} names no kind
   */
  public static PoolerKind parse(String source, String value) {
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    for (PoolerKind kind : values()) {
      if (kind.settingValue.equals(wanted)) {
        return kind;
      }
    }
    throw new NeonStackException(source + " must be prepared or plain, got: " + value);
  }
}

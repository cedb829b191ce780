package dev.neonjdbc;

import dev.neonjdbc.internal.config.Environment;

/** Drivers for tests that give the bare {@code jdbc:neon:} URL an environment of their own. */
public final class TestDrivers {
  private TestDrivers() {}

  /** A driver that reads {@code environment} instead of the process environment. */
  public static Driver withEnvironment(Environment environment) {
    return new Driver(environment);
  }
}

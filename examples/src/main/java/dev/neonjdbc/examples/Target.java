package dev.neonjdbc.examples;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import java.util.Optional;

/**
 * Where the examples connect: Neon (or any PgBouncer + PostgreSQL) through {@code DATABASE_URL}
 * when it is set, else the local Neon-shaped stack of the test kit, reached with a Neon-style
 * {@code postgresql://user:password@host/db} string pasted after {@code jdbc:neon:}.
 */
public final class Target {
  private final String url;
  private final String shownUrl;
  private final NeonStack stack;

  private Target(String url, String shownUrl, NeonStack stack) {
    this.url = url;
    this.shownUrl = shownUrl;
    this.stack = stack;
  }

  /** DATABASE_URL if set, else the local stack (started on first use). */
  public static Target resolve(String applicationName) {
    String databaseUrl = System.getenv("DATABASE_URL");
    if (databaseUrl != null && !databaseUrl.isEmpty()) {
      return new Target("jdbc:neon:", "jdbc:neon:   (from DATABASE_URL)", null);
    }
    System.out.println(
        "Starting the local Neon-shaped stack (PostgreSQL + PgBouncer + the Neon front)...");
    NeonStack stack = NeonStacks.shared();
    String url =
        "jdbc:neon:postgresql://"
            + stack.user()
            + ":"
            + stack.password()
            + "@"
            + stack.pooledHost()
            + ":"
            + stack.pooledPort()
            + "/"
            + stack.database()
            + "?"
            + stack.sslParameters()
            + "&directPort="
            + stack.directPort()
            + "&application_name="
            + applicationName;
    return new Target(url, url.replace(":" + stack.password() + "@", ":***@"), stack);
  }

  /** The {@code jdbc:neon:} URL, credentials included. */
  public String url() {
    return url;
  }

  /** The test kit's stack, or empty when the examples run against {@code DATABASE_URL}. */
  public Optional<NeonStack> localStack() {
    return Optional.ofNullable(stack);
  }

  /** The URL with its password masked, for printing. */
  public String shownUrl() {
    return shownUrl;
  }
}

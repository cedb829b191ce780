package dev.neonjdbc.examples;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;

/**
 * Where the examples connect: Neon (or any PgBouncer + PostgreSQL) through {@code DATABASE_URL}
 * when it is set, else the local Neon-shaped stack of the test kit, reached with a Neon-style
 * {@code postgresql://user:password@host/db} string pasted after {@code jdbc:neon:}.
 */
public final class Target {
  private final String url;
  private final String shownUrl;

  private Target(String url, String shownUrl) {
    this.url = url;
    this.shownUrl = shownUrl;
  }

  /** DATABASE_URL if set, else the local stack (started on first use). */
  public static Target resolve(String applicationName) {
    String databaseUrl = System.getenv("DATABASE_URL");
    if (databaseUrl != null && !databaseUrl.isEmpty()) {
      return new Target("jdbc:neon:", "jdbc:neon:   (from DATABASE_URL)");
    }
    System.out.println("Starting the local Neon-shaped stack (PostgreSQL + PgBouncer)...");
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
    return new Target(url, url.replace(":" + stack.password() + "@", ":***@"));
  }

  /** The {@code jdbc:neon:} URL, credentials included. */
  public String url() {
    return url;
  }

  /** The URL with its password masked, for printing. */
  public String shownUrl() {
    return shownUrl;
  }
}

package dev.neonjdbc.examples;

import dev.neonjdbc.datasource.NeonDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Flyway migrations on the pooled URL: Flyway takes a session-level advisory lock, which pins its
 * connection to the direct endpoint, so the migrations run where DDL belongs without a second URL.
 * Run it with {@code ./dev demo flyway}.
 */
public final class FlywayExample {
  private FlywayExample() {}

  /** Migrates {@code classpath:db/migration}, then cleans up when {@code --clean} is given. */
  public static void main(String[] args) {
    Target target = Target.resolve("neon-jdbc-flyway-example");
    System.out.println("URL: " + target.shownUrl());
    try (NeonDataSource dataSource = new NeonDataSource(target.url())) {
      MigrateResult result = migrate(dataSource);
      System.out.println(
          "Flyway applied "
              + result.migrationsExecuted
              + " migration(s); schema version "
              + result.targetSchemaVersion);
      System.out.println("Counters: " + dataSource.stats());
    }
  }

  /** Runs the example's migrations through {@code dataSource}. */
  public static MigrateResult migrate(NeonDataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .table("example_schema_history")
        .load()
        .migrate();
  }
}

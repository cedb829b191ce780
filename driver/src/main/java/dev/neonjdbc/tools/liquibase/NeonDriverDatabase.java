package dev.neonjdbc.tools.liquibase;

import dev.neonjdbc.Driver;
import dev.neonjdbc.internal.config.ConnectionSettings;
import liquibase.database.DatabaseConnection;
import liquibase.database.core.PostgresDatabase;

/**
 * Tells Liquibase which driver opens a {@code jdbc:neon:} URL, and nothing more.
 *
 * <p>Liquibase opens a URL without {@code --driver} by asking each registered database for its
 * default driver ({@code DatabaseFactory#findDefaultDriver}); none of its own answers for {@code
 * jdbc:neon:}. It asks only the highest-priority database of each short name, so this entry has its
 * own short name: under {@code postgresql} it would either be hidden behind Liquibase's PostgreSQL
 * support (lower priority) or replace it for every PostgreSQL connection (higher).
 *
 * <p>Once connected, Liquibase picks the database for the connection ({@code
 * isCorrectDatabaseImplementation}); this entry never claims one, so a {@code jdbc:neon:}
 * connection (product name {@code PostgreSQL}) is handled by Liquibase's {@link PostgresDatabase}
 * exactly as a {@code jdbc:postgresql:} one, and a changeset's {@code dbms="postgresql"} matches
 * it. It extends {@link PostgresDatabase} so that where Liquibase lists its databases (supported
 * databases of a change, for instance) this entry answers as PostgreSQL does.
 */
public class NeonDriverDatabase extends PostgresDatabase {
  /**
   * Never the {@code dbms} of a connection, so not {@code neon}: a changelog that says {@code
   * dbms="neon"} expecting it to match is rejected ("not a supported DB") rather than skipped.
   */
  private static final String SHORT_NAME = "neon-jdbc";

  /** Called by Liquibase's service locator. */
  public NeonDriverDatabase() {}

  /** {@code neon-jdbc}: kept apart from {@code postgresql} (see the class comment). */
  @Override
  public String getShortName() {
    return SHORT_NAME;
  }

  /** {@code dev.neonjdbc.Driver} for a {@code jdbc:neon:} URL, else {@code null} (not ours). */
  @Override
  public String getDefaultDriver(String url) {
    return ConnectionSettings.accepts(url) ? Driver.class.getName() : null;
  }

  /**
   * Never: Liquibase's PostgreSQL support handles every connection, {@code jdbc:neon:} ones too.
   */
  @Override
  public boolean isCorrectDatabaseImplementation(DatabaseConnection connection) {
    return false;
  }
}

package dev.neonjdbc.tools.liquibase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import liquibase.Scope;
import liquibase.command.CommandResults;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.core.PostgresDatabase;
import liquibase.listener.LiquibaseListener;
import liquibase.report.UpdateReportParameters;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Liquibase {@code update} given nothing but a {@code jdbc:neon:} URL, user and password (as its
 * command line connects) finds the driver through {@link NeonDriverDatabase}, and the connection is
 * then handled by Liquibase's own PostgreSQL support.
 */
@NeonStackTest
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LiquibaseFindsTheDriverTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String CHANGELOG = "db/tools-liquibase/changelog.xml";

  /**
   * Liquibase 4.30+ fetches an analytics configuration from the internet on every command; this
   * machine has no route there, and the answer does not matter to the test.
   */
  private static final Map<String, Object> NO_ANALYTICS =
      Map.of("liquibase.analytics.enabled", false);

  @Test
  void defaultDriverIsNamedForNeonUrlsAndPostgresqlKeepsItsOwn() {
    DatabaseFactory factory = DatabaseFactory.getInstance();
    assertEquals(
        "dev.neonjdbc.Driver", factory.findDefaultDriver("jdbc:neon://db.example.com/app"));
    assertEquals(
        "dev.neonjdbc.Driver",
        factory.findDefaultDriver("jdbc:neon:postgresql://u:p@db.example.com/app"));
    assertEquals(
        "org.postgresql.Driver", factory.findDefaultDriver("jdbc:postgresql://db.example.com/app"));
    assertNull(new NeonDriverDatabase().getDefaultDriver("jdbc:postgresql://db.example.com/app"));
  }

  @Test
  void updateByUrlAppliesTheChangelogOnceAndThenDoesNothing(NeonStack stack) throws Exception {
    String schema =
        "tools_liquibase_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    try (Connection direct = stack.openDirect()) {
      run(direct, "CREATE SCHEMA " + schema);
    }
    try {
      UpdateReportParameters first = update(stack, schema);
      assertEquals(3, first.getChangesetInfo().getChangesetCount(), "every changeset ran");

      try (Connection direct = stack.openDirect()) {
        assertEquals("2", scalar(direct, "SELECT count(*) FROM " + schema + ".gizmos"));
        assertEquals("3", scalar(direct, "SELECT count(*) FROM " + schema + ".databasechangelog"));
        // A dbms="postgresql" changeset ran: Liquibase took the connection for PostgreSQL.
        assertEquals(
            "1",
            scalar(
                direct,
                "SELECT count(*) FROM pg_indexes WHERE schemaname = '"
                    + schema
                    + "' AND indexname = 'gizmos_name_idx'"));
      }

      UpdateReportParameters second = update(stack, schema);
      assertEquals(0, second.getChangesetInfo().getChangesetCount(), "nothing left to do");
      try (Connection direct = stack.openDirect()) {
        assertEquals("2", scalar(direct, "SELECT count(*) FROM " + schema + ".gizmos"));
        assertEquals("3", scalar(direct, "SELECT count(*) FROM " + schema + ".databasechangelog"));
      }
    } finally {
      try (Connection direct = stack.openDirect()) {
        run(direct, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  void neonConnectionIsLiquibasesPostgresDatabase(NeonStack stack) throws Exception {
    Database database =
        Scope.child(
            (LiquibaseListener) null,
            NO_ANALYTICS,
            () ->
                DatabaseFactory.getInstance()
                    .openDatabase(
                        stack.neonJdbcUrl(),
                        stack.user(),
                        stack.password(),
                        null,
                        new ClassLoaderResourceAccessor()));
    try {
      assertSame(PostgresDatabase.class, database.getClass(), "not taken over by the neon entry");
      assertEquals("postgresql", database.getShortName());
    } finally {
      database.close();
    }
  }

  private static UpdateReportParameters update(NeonStack stack, String schema) throws Exception {
    CommandResults results =
        Scope.child(
            (LiquibaseListener) null,
            NO_ANALYTICS,
            () ->
                new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(
                        DbUrlConnectionArgumentsCommandStep.URL_ARG, stack.neonJdbcUrl())
                    .addArgumentValue(
                        DbUrlConnectionArgumentsCommandStep.USERNAME_ARG, stack.user())
                    .addArgumentValue(
                        DbUrlConnectionArgumentsCommandStep.PASSWORD_ARG, stack.password())
                    .addArgumentValue(
                        DbUrlConnectionArgumentsCommandStep.DEFAULT_SCHEMA_NAME_ARG, schema)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                    .execute());
    return (UpdateReportParameters) results.getResult("updateReport");
  }

  private static void run(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}

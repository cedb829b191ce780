package dev.neonjdbc.compat.tools;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.compat.CompatKit;
import dev.neonjdbc.compat.StatementJournal;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Flyway, Liquibase and Hibernate send that a router has to care about ({@code SET}, {@code
 * set_config}, {@code SET ROLE}, advisory locks) and in which auto-commit mode, written down by a
 * {@link StatementJournal} around plain pgJDBC on PostgreSQL directly (so no router and no pooler
 * changes what they do). Each tool does the same work as in its compatibility test. The journals go
 * to {@code target/tool-statements/}; the assertions pin the facts the routing rules are built on,
 * so that a tool upgrade that changes them fails here first.
 */
@NeonStackTest
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ToolSessionFootprintTest {
  private final CompatKit kit;

  ToolSessionFootprintTest(NeonStack stack) {
    this.kit = new CompatKit(stack);
  }

  @Test
  void flywayWithTheSessionLockSetsItsRoleAndSearchPathAndLocksInsideATransaction()
      throws Exception {
    List<String> journal = migrateTwice(false, "flyway-session-lock");
    String role = "SET ROLE '" + kit.stack().user() + "'";
    assertAll(
        // Flyway "restores" the role it found (SET ROLE, never RESET ROLE) before most of its
        // metadata queries, in auto-commit mode and inside its transactions.
        sends(journal, "autocommit: " + role),
        sends(journal, "in-tx: " + role),
        sendsNo(journal, "RESET ROLE"),
        // The first run creates the schema and the history table in one transaction and takes the
        // session lock inside it, after CREATE SCHEMA; the unlock runs in auto-commit mode.
        sends(journal, "in-tx: SELECT pg_try_advisory_lock("),
        sends(journal, "autocommit: SELECT pg_advisory_unlock("),
        // Each migration moves the search path for the session (set_config(..., false)), inside
        // its transaction, or in auto-commit mode for a non-transactional script...
        sends(journal, "in-tx: SELECT set_config('search_path', ?, false)"),
        sends(journal, "autocommit: SELECT set_config('search_path', ?, false)"),
        sendsIn(journal, "autocommit", "CREATE INDEX CONCURRENTLY"),
        // ...and at the end of the run that migrated, Flyway reads the search path and sets it
        // back, in a transaction.
        () -> {
          int show = last(journal, e -> e.equals("c1 in-tx: SHOW search_path"));
          assertTrue(show > 0, "SHOW search_path near the end");
          assertTrue(
              journal.get(show + 1).endsWith("in-tx: SELECT set_config('search_path', ?, false)"),
              "restores the search path after " + journal.get(show));
        });
  }

  @Test
  void flywayWithTheTransactionalLockHoldsOneTransactionWhileASecondConnectionMigrates()
      throws Exception {
    List<String> journal = migrateTwice(true, "flyway-transactional-lock");
    int lock = first(journal, e -> e.startsWith("c1 in-tx: SELECT pg_try_advisory_xact_lock("));
    int ddl = first(journal, e -> e.matches("c\\d+ in-tx: CREATE TABLE ledger .*"));
    int release = first(journal, e -> e.startsWith("c1 in-tx: call commit()"), ddl);
    assertAll(
        () -> assertTrue(lock >= 0, "transaction-level lock on the first connection"),
        () -> assertTrue(ddl > lock, "the migration runs after the lock is taken"),
        () ->
            assertTrue(
                !journal.get(ddl).startsWith("c1 "),
                "the migration runs on another connection: " + journal.get(ddl)),
        () -> assertTrue(release > ddl, "the lock transaction is still open during the DDL"));
  }

  @Test
  void liquibaseSetsTheSearchPathForTheSessionAndRunsWithAutoCommitOff(@TempDir Path changeLogs)
      throws Exception {
    String schema = CompatKit.unique("footprint_liquibase");
    try (InputStream in = getClass().getResourceAsStream("/db/liquibase/changelog.xml")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Files.writeString(changeLogs.resolve(schema + ".xml"), text.replace("@schema@", schema));
    }
    StatementJournal journal = new StatementJournal(direct());
    try {
      for (int run = 0; run < 2; run++) {
        Database database =
            DatabaseFactory.getInstance()
                .findCorrectDatabaseImplementation(new JdbcConnection(journal.getConnection()));
        Scope.child(
            Map.of(Scope.Attr.resourceAccessor.name(), new DirectoryResourceAccessor(changeLogs)),
            () ->
                new CommandScope("update")
                    .addArgumentValue("database", database)
                    .addArgumentValue("changelogFile", schema + ".xml")
                    .execute());
        database.close();
      }
    } finally {
      kit.dropSchema(kit.stack().directJdbcUrl(), schema);
      try (Connection direct = kit.stack().openDirect()) {
        CompatKit.run(
            direct, "DELETE FROM public.databasechangelog WHERE filename = '" + schema + ".xml'");
      }
    }
    List<String> entries = write("liquibase", journal);
    assertAll(
        // A session SET (not LOCAL) at the start of a transaction, never set back.
        sends(entries, "in-tx: SET SEARCH_PATH TO public, \"$user\",\"public\""),
        sendsNo(entries, "set_config"),
        sendsNo(entries, "advisory"),
        // Its lock is a row in DATABASECHANGELOGLOCK, taken and released in transactions.
        sends(entries, "in-tx: UPDATE public.databasechangeloglock SET LOCKED = TRUE"),
        sends(entries, "in-tx: UPDATE public.databasechangeloglock SET LOCKED = FALSE"),
        // runInTransaction="false" switches auto-commit on for that change set only.
        sendsIn(entries, "autocommit", "CREATE INDEX CONCURRENTLY"),
        sends(entries, "in-tx: CREATE SCHEMA " + schema));
  }

  @Test
  void hibernateSchemaExportSetsClientMinMessagesForTheSession() throws Exception {
    String schema = CompatKit.unique("footprint_hibernate");
    StatementJournal journal = new StatementJournal(direct());
    try {
      for (String hbm2ddl : List.of("create", "update")) {
        Configuration configuration = new Configuration().addAnnotatedClass(Ticket.class);
        if (hbm2ddl.equals("update")) {
          configuration.addAnnotatedClass(TicketComment.class);
        }
        configuration.getProperties().put("hibernate.connection.datasource", journal);
        try (SessionFactory sessionFactory =
            configuration
                .setProperty("hibernate.default_schema", schema)
                .setProperty("jakarta.persistence.create-database-schemas", "true")
                .setProperty("hibernate.hbm2ddl.auto", hbm2ddl)
                .buildSessionFactory()) {
          sessionFactory.inTransaction(session -> session.persist(new Ticket("t", "open", 1)));
          sessionFactory.inTransaction(
              session ->
                  session
                      .createNativeMutationQuery("SET statement_timeout = '5s'")
                      .executeUpdate());
        }
      }
    } finally {
      kit.dropSchema(kit.stack().directJdbcUrl(), schema);
    }
    List<String> entries = write("hibernate", journal);
    assertAll(
        // hbm2ddl=create: a session SET in auto-commit mode before its DROPs, never set back.
        sends(entries, "autocommit: set client_min_messages = WARNING"),
        sendsNo(entries, "reset client_min_messages"),
        // Schema management runs in auto-commit mode, the application's work in transactions.
        sends(entries, "autocommit: create table " + schema + ".ticket "),
        sends(entries, "autocommit: create table " + schema + ".ticket_comment "),
        sends(entries, "in-tx: SET statement_timeout = '5s'"),
        sendsNo(entries, "SET ROLE"),
        sendsNo(entries, "advisory"));
  }

  // ---- helpers ----

  private List<String> migrateTwice(boolean transactionalLock, String name)
      throws SQLException, IOException {
    String schema = CompatKit.unique("footprint_flyway");
    StatementJournal journal = new StatementJournal(direct());
    FluentConfiguration configuration =
        Flyway.configure().dataSource(journal).createSchemas(true).schemas(schema);
    if (transactionalLock) {
      configuration.locations("classpath:db/flyway/base");
    } else {
      configuration.locations("classpath:db/flyway/base", "classpath:db/flyway/concurrently");
    }
    configuration
        .getConfigurationExtension(PostgreSQLConfigurationExtension.class)
        .setTransactionalLock(transactionalLock);
    try {
      Flyway flyway = configuration.load();
      flyway.migrate();
      flyway.migrate();
    } finally {
      kit.dropSchema(kit.stack().directJdbcUrl(), schema);
    }
    return write(name, journal);
  }

  private SimpleDataSource direct() {
    return new SimpleDataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(kit.stack().directJdbcUrl(), kit.stack().credentials());
      }
    };
  }

  /** Writes the journal (and its session-state lines) under {@code target/tool-statements/}. */
  private static List<String> write(String name, StatementJournal journal) throws IOException {
    Path directory = Path.of("target", "tool-statements");
    Files.createDirectories(directory);
    Files.write(directory.resolve(name + ".txt"), journal.entries());
    Files.write(directory.resolve(name + "-session.txt"), journal.sessionEntries());
    return journal.entries();
  }

  private static Executable sends(List<String> journal, String fragment) {
    return () ->
        assertTrue(
            journal.stream().anyMatch(entry -> entry.contains(fragment)), "sends: " + fragment);
  }

  private static Executable sendsIn(List<String> journal, String mode, String fragment) {
    return () ->
        assertTrue(
            journal.stream()
                .anyMatch(entry -> entry.contains(" " + mode + ": ") && entry.contains(fragment)),
            "sends in " + mode + " mode: " + fragment);
  }

  private static Executable sendsNo(List<String> journal, String fragment) {
    return () ->
        assertTrue(
            journal.stream()
                .noneMatch(entry -> entry.toLowerCase().contains(fragment.toLowerCase())),
            "never sends: " + fragment);
  }

  private static int first(List<String> journal, Predicate<String> test) {
    return first(journal, test, 0);
  }

  private static int first(List<String> journal, Predicate<String> test, int from) {
    for (int i = from; i < journal.size(); i++) {
      if (test.test(journal.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static int last(List<String> journal, Predicate<String> test) {
    for (int i = journal.size() - 1; i >= 0; i--) {
      if (test.test(journal.get(i))) {
        return i;
      }
    }
    return -1;
  }
}

package dev.neonjdbc.compat.tools;

import static dev.neonjdbc.compat.CompatKit.allPooled;
import static dev.neonjdbc.compat.CompatKit.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.compat.CompatKit;
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
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.resource.DirectoryResourceAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liquibase (4.33.0) {@code update} given only a URL, user name, password and change log, run twice
 * on a fresh schema: the change log creates the schema and a table, seeds it, builds an index
 * {@code CONCURRENTLY} in a change set with {@code runInTransaction="false"}, and adds a column.
 * Both drivers run on the one-connection pool, so a second client of it sees whatever Liquibase's
 * connection left behind: with plain pgJDBC, the search path Liquibase sets for its session.
 */
@NeonStackTest
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LiquibaseCompatTest {
  private static final int CHANGE_SETS = 5;

  private final CompatKit kit;
  private String schema;
  private String directUrl;

  LiquibaseCompatTest(NeonStack stack) {
    this.kit = new CompatKit(stack);
  }

  @AfterEach
  void dropWhatTheTestCreated() throws SQLException {
    if (schema != null) {
      kit.dropSchema(directUrl, schema);
      try (Connection direct = kit.open(directUrl)) {
        CompatKit.run(
            direct, "DELETE FROM public.databasechangelog WHERE filename = '" + schema + ".xml'");
      }
    }
    try (Connection shared = kit.open(kit.plainSingleUrl())) {
      CompatKit.run(shared, "DISCARD ALL"); // whatever plain pgJDBC left on the shared backend
    }
  }

  @Test
  void plainPgJdbcUpdatesTwiceByUrlButLeavesItsSearchPathOnTheSharedBackend(
      @TempDir Path changeLogs) throws Exception {
    directUrl = kit.directSingleUrl();
    schema = CompatKit.unique("liquibase");

    updateTwice(kit.plainSingleUrl(), changeLogs);

    assertUpdated();
    // Liquibase sets the search path for the session (SET SEARCH_PATH, not LOCAL) and leaves it.
    List<String> leaks = kit.secondClientState().leaks();
    assertTrue(
        leaks.stream().anyMatch(leak -> leak.startsWith("search_path=public, ")),
        "expected the leak, saw " + leaks);
  }

  @Test
  void neonUrlUpdatesTwiceAndLeavesNothingOnTheSharedBackend(@TempDir Path changeLogs)
      throws Exception {
    directUrl = kit.directSingleUrl();
    schema = CompatKit.unique("liquibase");

    updateTwice(kit.neonSingleUrl(), changeLogs);

    assertUpdated();
    assertEquals(
        allPooled(1),
        kit.endpointsOfEveryConnection(
            new SimpleDataSource() {
              @Override
              public Connection getConnection() throws SQLException {
                return DriverManager.getConnection(kit.neonSingleUrl(), kit.stack().credentials());
              }
            },
            1));
    assertEquals(List.of(), kit.secondClientState().leaks(), "left on the shared backend");
  }

  private void updateTwice(String url, Path changeLogs) throws Exception {
    String changeLog = schema + ".xml";
    Files.writeString(changeLogs.resolve(changeLog), changeLogText(), StandardCharsets.UTF_8);
    Map<String, Object> scope =
        Map.of(Scope.Attr.resourceAccessor.name(), new DirectoryResourceAccessor(changeLogs));
    for (int run = 1; run <= 2; run++) {
      Scope.child(
          scope,
          () ->
              new CommandScope("update")
                  .addArgumentValue("url", url)
                  .addArgumentValue("username", kit.stack().user())
                  .addArgumentValue("password", kit.stack().password())
                  .addArgumentValue("changelogFile", changeLog)
                  .execute());
      try (Connection direct = kit.open(directUrl)) {
        assertEquals(
            String.valueOf(CHANGE_SETS),
            scalar(
                direct,
                "SELECT count(*) FROM public.databasechangelog WHERE filename = '"
                    + changeLog
                    + "' AND exectype = 'EXECUTED'"),
            "change sets applied once each, after run " + run);
      }
    }
  }

  /** What PostgreSQL itself holds after both runs, read on a direct connection. */
  private void assertUpdated() throws SQLException {
    try (Connection direct = kit.open(directUrl)) {
      assertEquals("200", scalar(direct, "SELECT count(*) FROM " + schema + ".invoice"));
      assertEquals(
          "200",
          scalar(direct, "SELECT count(*) FROM " + schema + ".invoice WHERE status = 'open'"));
      assertEquals(
          "t",
          scalar(
              direct,
              "SELECT indisvalid FROM pg_index WHERE indexrelid = '"
                  + schema
                  + ".invoice_customer_idx'::regclass"));
      assertEquals(
          "f",
          scalar(direct, "SELECT bool_or(locked) FROM public.databasechangeloglock"),
          "Liquibase released its lock");
    }
  }

  private String changeLogText() throws IOException {
    try (InputStream in =
        LiquibaseCompatTest.class.getResourceAsStream("/db/liquibase/changelog.xml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@schema@", schema);
    }
  }
}

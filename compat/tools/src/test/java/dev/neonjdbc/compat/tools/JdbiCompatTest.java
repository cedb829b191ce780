package dev.neonjdbc.compat.tools;

import static dev.neonjdbc.compat.CompatKit.allPooled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.neonjdbc.compat.CompatKit;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * JDBI (3.55) on a HikariCP pool over the pooled {@code jdbc:neon:} URL of the one-connection
 * PgBouncer pool, beside JDBI on plain pgJDBC through PgBouncer: nested transactions, a batch, a
 * session {@code SET}, a temporary table used across statements, and {@code LISTEN}/{@code NOTIFY}.
 * Plain pgJDBC shows each problem (the setting and the table reach another client, the notification
 * never arrives); with {@code jdbc:neon:} the application keeps its own state, a second client sees
 * none of it, and once the application has dropped its table and stopped listening every connection
 * of the pool runs ordinary statements on the pooled endpoint again.
 */
@NeonStackTest
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JdbiCompatTest {
  private static final int POOL_SIZE = 3;

  private final CompatKit kit;
  private final String schema = CompatKit.unique("jdbi");
  private HikariDataSource pool;
  private Jdbi neon;
  private Jdbi plain;
  private Jdbi plainSingle;

  JdbiCompatTest(NeonStack stack) {
    this.kit = new CompatKit(stack);
  }

  @BeforeEach
  void createAccountsTable() throws SQLException {
    for (String directUrl : List.of(kit.stack().directJdbcUrl(), kit.directSingleUrl())) {
      try (Connection direct = kit.open(directUrl)) {
        CompatKit.run(direct, "CREATE SCHEMA " + schema);
        CompatKit.run(
            direct,
            "CREATE TABLE "
                + schema
                + ".account (id bigserial PRIMARY KEY, name text NOT NULL, balance int NOT NULL)");
      }
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(kit.neonSingleUrl());
    config.setUsername(kit.stack().user());
    config.setPassword(kit.stack().password());
    config.setMaximumPoolSize(POOL_SIZE);
    config.setPoolName("jdbi-compat");
    pool = new HikariDataSource(config);
    neon = Jdbi.create(pool);
    plain = Jdbi.create(kit.plainUrl(), kit.stack().user(), kit.stack().password());
    plainSingle = Jdbi.create(kit.plainSingleUrl(), kit.stack().user(), kit.stack().password());
  }

  @AfterEach
  void dropWhatTheTestCreated() throws SQLException {
    pool.close();
    kit.dropSchema(kit.stack().directJdbcUrl(), schema);
    kit.dropSchema(kit.directSingleUrl(), schema);
    try (Connection shared = kit.open(kit.plainSingleUrl())) {
      CompatKit.run(shared, "DISCARD ALL"); // whatever plain pgJDBC left on the shared backend
    }
  }

  // ---- transactions and batches ----

  @Test
  void neonUrlRunsNestedTransactionsAsOneOnThePooledEndpoint() throws SQLException {
    assertNestedTransactionsCommitAndRollBackAsOne(neon);
    assertEquals(
        ServerEndpoint.POOLED,
        neon.inTransaction(
            outer -> {
              outer.execute(insert("erin", 5));
              return outer.inTransaction(inner -> kit.stack().endpointOf(inner.getConnection()));
            }));
    assertOrdinaryStatementsPooledAndNothingOnTheSharedBackend();
  }

  @Test
  void plainPgJdbcRunsNestedTransactionsAsOne() {
    assertNestedTransactionsCommitAndRollBackAsOne(plain);
  }

  @Test
  void neonUrlRunsABatchInOnePooledTransaction() throws SQLException {
    assertEquals(ServerEndpoint.POOLED, insertBatchOf(neon, 100));
    assertEquals(100, count(neon));
    assertOrdinaryStatementsPooledAndNothingOnTheSharedBackend();
  }

  @Test
  void plainPgJdbcRunsABatch() throws SQLException {
    insertBatchOf(plain, 100);
    assertEquals(100, count(plain));
  }

  // ---- session SET ----

  @Test
  void neonUrlKeepsASessionSetWithItsHandle() throws SQLException {
    try (Handle handle = neon.open()) {
      handle.execute("SET myapp.tenant = 'acme'");
      handle.execute("SET search_path TO " + schema + ", public");

      assertEquals("acme", text(handle, "select current_setting('myapp.tenant')"));
      assertEquals(schema + ", public", text(handle, "show search_path"));
      handle.execute("insert into account (name, balance) values ('unqualified', 1)");
      assertEquals(
          "acme",
          handle.inTransaction(tx -> text(tx, "select current_setting('myapp.tenant')")),
          "inside a transaction too");
      assertEquals(ServerEndpoint.POOLED, kit.stack().endpointOf(handle.getConnection()));
      assertEquals(List.of(), kit.secondClientState().leaks(), "reached another client");
    }
    assertEquals(1, count(neon));
    assertOrdinaryStatementsPooledAndNothingOnTheSharedBackend();
  }

  @Test
  void plainPgJdbcSessionSetReachesAnotherClient() throws SQLException {
    try (Handle handle = plainSingle.open()) {
      handle.execute("SET myapp.tenant = 'acme'");
      handle.execute("SET search_path TO " + schema + ", public");
      List<String> leaks = kit.secondClientState().leaks();
      assertTrue(leaks.contains("myapp.tenant=acme"), "expected the leak, saw " + leaks);
      assertTrue(
          leaks.contains("search_path=" + schema + ", public"), "expected the leak, saw " + leaks);
    }
  }

  // ---- temporary tables ----

  @Test
  void neonUrlKeepsATemporaryTableAcrossStatements() throws SQLException {
    String table = CompatKit.unique("scratch");
    try (Handle handle = neon.open()) {
      handle.execute("CREATE TEMP TABLE " + table + " (n int)");
      handle.execute("INSERT INTO " + table + " VALUES (1), (2)");
      assertEquals("0", kit.secondClientState().get("temporary tables"), "reached another client");
      handle.execute("INSERT INTO " + table + " VALUES (3)");
      assertEquals("3", text(handle, "SELECT count(*) FROM " + table));
      handle.execute("DROP TABLE " + table);
      assertEquals(
          ServerEndpoint.POOLED,
          kit.stack().endpointOf(handle.getConnection()),
          "the server holds nothing for the pin any more");
    }
    assertOrdinaryStatementsPooledAndNothingOnTheSharedBackend();
  }

  @Test
  void plainPgJdbcTemporaryTableReachesAnotherClient() throws SQLException {
    String table = CompatKit.unique("scratch");
    try (Handle handle = plainSingle.open()) {
      handle.execute("CREATE TEMP TABLE " + table + " (n int)");
      assertEquals("1", kit.secondClientState().get("temporary tables"), "expected the leak");
    }
  }

  // ---- LISTEN / NOTIFY ----

  @Test
  void neonUrlDeliversNotificationsToAListeningHandle() throws SQLException {
    String channel = CompatKit.unique("jobs");
    try (Handle listener = neon.open()) {
      listener.execute("LISTEN " + channel);
      try (Connection notifier = kit.open(kit.plainSingleUrl())) {
        CompatKit.run(notifier, "NOTIFY " + channel + ", 'hello'");
      }
      PGNotification[] received =
          listener.getConnection().unwrap(PGConnection.class).getNotifications(10_000);
      assertNotNull(received, "no notification arrived");
      assertEquals(
          List.of(channel + ":hello"),
          Arrays.stream(received).map(n -> n.getName() + ":" + n.getParameter()).toList());
      listener.execute("UNLISTEN " + channel);
      assertEquals(
          ServerEndpoint.POOLED,
          kit.stack().endpointOf(listener.getConnection()),
          "the server holds nothing for the pin any more");
    }
    assertOrdinaryStatementsPooledAndNothingOnTheSharedBackend();
  }

  @Test
  void plainPgJdbcListeningHandleNeverGetsTheNotification() throws SQLException {
    String channel = CompatKit.unique("jobs");
    try (Handle listener = plain.open();
        Connection notifier = kit.stack().openDirect()) {
      listener.execute("LISTEN " + channel);
      CompatKit.run(notifier, "NOTIFY " + channel + ", 'hello'");
      PGNotification[] received =
          listener.getConnection().unwrap(PGConnection.class).getNotifications(1500);
      assertTrue(received == null || received.length == 0, "plain pgJDBC got a notification");
    }
  }

  // ---- helpers ----

  private void assertNestedTransactionsCommitAndRollBackAsOne(Jdbi jdbi) {
    jdbi.useTransaction(
        outer -> {
          outer.execute(insert("alice", 100));
          outer.useTransaction(inner -> inner.execute(insert("bob", 50)));
        });
    assertEquals(2, count(jdbi));
    IllegalStateException abort =
        assertThrows(
            IllegalStateException.class,
            () ->
                jdbi.useTransaction(
                    outer -> {
                      outer.execute(insert("carol", 10));
                      outer.useTransaction(
                          inner -> {
                            inner.execute(insert("dave", 20));
                            throw new IllegalStateException("abort");
                          });
                    }));
    assertEquals("abort", abort.getMessage());
    assertEquals(2, count(jdbi), "the inner failure rolled back the outer work too");
  }

  private ServerEndpoint insertBatchOf(Jdbi jdbi, int rows) throws SQLException {
    return jdbi.inTransaction(
        handle -> {
          PreparedBatch batch =
              handle.prepareBatch(
                  "insert into " + schema + ".account (name, balance) values (:name, :balance)");
          for (int i = 0; i < rows; i++) {
            batch.bind("name", "holder-" + i).bind("balance", i).add();
          }
          int[] counts = batch.execute();
          int[] ones = new int[rows];
          Arrays.fill(ones, 1);
          assertArrayEquals(ones, counts);
          return kit.stack().endpointOf(handle.getConnection());
        });
  }

  private void assertOrdinaryStatementsPooledAndNothingOnTheSharedBackend() throws SQLException {
    assertEquals(allPooled(POOL_SIZE), kit.endpointsOfEveryConnection(pool, POOL_SIZE));
    assertEquals(List.of(), kit.secondClientState().leaks(), "left on the shared backend");
  }

  private String insert(String name, int balance) {
    return "insert into "
        + schema
        + ".account (name, balance) values ('"
        + name
        + "', "
        + balance
        + ")";
  }

  private int count(Jdbi jdbi) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("select count(*) from " + schema + ".account")
                .mapTo(Integer.class)
                .one());
  }

  private static String text(Handle handle, String sql) {
    return handle.createQuery(sql).mapTo(String.class).one();
  }
}

package dev.neonjdbc.compat.spring;

import static dev.neonjdbc.compat.CompatKit.allPooled;
import static dev.neonjdbc.compat.CompatKit.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonjdbc.compat.CompatKit;
import dev.neonjdbc.testkit.NeonStacks;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the application must do on either driver once it has started: Flyway created the new schema,
 * the {@code @Transactional} service commits or rolls back as one, and its ordinary statements (a
 * transaction, a plain {@code JdbcTemplate} query, every connection HikariCP holds) run on the
 * pooled endpoint as the server reports it. Each subclass starts the application on one URL.
 */
abstract class CompatApplicationContract {
  /** {@code spring.datasource.hikari.maximum-pool-size} in {@code application.properties}. */
  static final int POOL_SIZE = 3;

  static final CompatKit KIT = new CompatKit(NeonStacks.shared());

  @Autowired DataSource dataSource;
  @Autowired JdbcTemplate jdbc;
  @Autowired LedgerService ledger;

  /** The schema the application's Flyway creates. */
  abstract String schema();

  /** PostgreSQL itself, in the database the application uses. */
  abstract String directUrl();

  /** The kit's URL and credentials, and the application's schema: nothing else. */
  static void register(DynamicPropertyRegistry registry, String url, String schema) {
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", KIT.stack()::user);
    registry.add("spring.datasource.password", KIT.stack()::password);
    registry.add("spring.flyway.schemas", () -> schema);
    registry.add("compat.schema", () -> schema);
  }

  static void dropSchema(String directUrl, String schema) throws SQLException {
    KIT.dropSchema(directUrl, schema);
  }

  @Test
  void flywayCreatedTheSchemaAndBuiltTheIndexConcurrentlyAtStartUp() throws SQLException {
    try (Connection direct = KIT.open(directUrl())) {
      assertEquals(
          "2",
          scalar(
              direct,
              "SELECT count(*) FROM "
                  + schema()
                  + ".flyway_schema_history WHERE success AND type = 'SQL'"));
      assertEquals(
          "t",
          scalar(
              direct,
              "SELECT indisvalid FROM pg_index WHERE indexrelid = '"
                  + schema()
                  + ".entries_note_idx'::regclass"));
    }
  }

  @Test
  void dataSourceIsBootsDefaultHikariPool() {
    HikariDataSource hikari = assertInstanceOf(HikariDataSource.class, dataSource);
    assertEquals(POOL_SIZE, hikari.getMaximumPoolSize());
  }

  @Test
  void transactionalServiceCommitsOrRollsBackAsOne() {
    long before = ledger.count();
    ledger.recordPair("a", "b");
    assertEquals(before + 2, ledger.count());
    assertThrows(IllegalStateException.class, () -> ledger.recordPairThenFail("c", "d"));
    assertEquals(before + 2, ledger.count(), "rolled back as one");
  }

  @Test
  void transactionalMethodAndJdbcTemplateQueryRunOnThePooledEndpoint() {
    ConnectionCallback<ServerEndpoint> whichEndpoint = KIT.stack()::endpointOf;
    List<ServerEndpoint> transactions = new ArrayList<>();
    List<ServerEndpoint> queries = new ArrayList<>();
    for (int i = 0; i < 2 * POOL_SIZE; i++) {
      transactions.add(ledger.recordAndAsk("note-" + i, whichEndpoint));
      queries.add(jdbc.execute(whichEndpoint));
    }
    List<ServerEndpoint> pooled = new ArrayList<>();
    for (int i = 0; i < 2 * POOL_SIZE; i++) {
      pooled.add(ServerEndpoint.POOLED);
    }
    assertEquals(pooled, transactions, "@Transactional method");
    assertEquals(pooled, queries, "JdbcTemplate query");
  }

  @Test
  void everyHikariConnectionRunsOrdinaryStatementsOnThePooledEndpoint() throws SQLException {
    assertEquals(allPooled(POOL_SIZE), KIT.endpointsOfEveryConnection(dataSource, POOL_SIZE));
  }
}

package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.RoutingFixture.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flyway, pointed at the pooled {@code jdbc:neon:} URL, migrates (twice: the second is a no-op).
 */
@NeonStackTest
class FlywayOnPooledUrlTest {

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void flywayMigratesTwiceOnThePooledUrl(NeonStack stack) throws SQLException {
    Flyway flyway =
        Flyway.configure()
            .dataSource(new UrlDataSource(stack.neonJdbcUrl(), stack.credentials()))
            .locations("classpath:db/neon-migration")
            // Flyway's own advice for CREATE INDEX CONCURRENTLY: a session-level lock, because a
            // build waits for every older transaction, including one holding the migration lock.
            // The session lock pins this connection to its direct session, where it can be
            // released.
            .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
            .load();

    MigrateResult first = flyway.migrate();
    assertTrue(first.success);
    assertEquals(4, first.migrationsExecuted);

    MigrateResult second = flyway.migrate();
    assertTrue(second.success);
    assertEquals(0, second.migrationsExecuted, "nothing left to do");

    try (Connection direct = stack.openDirect()) {
      assertEquals("500", scalar(direct, "SELECT count(*) FROM orders"));
      assertEquals(
          "t",
          scalar(
              direct,
              "SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer_idx'::regclass"));
      assertEquals("4", scalar(direct, "SELECT count(*) FROM flyway_schema_history WHERE success"));
    }
  }
}

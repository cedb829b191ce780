package dev.neonjdbc.spring.boot.tests;

import static dev.neonjdbc.spring.boot.tests.Kit.STACK;
import static dev.neonjdbc.spring.boot.tests.Kit.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.neonjdbc.datasource.NeonDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Boot's Liquibase auto-configuration on the starter's NeonDataSource, unchanged: the change
 * log runs at start-up (DDL and {@code CREATE INDEX CONCURRENTLY} on the direct endpoint), and no
 * direct session stays borrowed afterwards (Liquibase's lock and its release pin and unpin).
 */
class LiquibaseApplicationTest {

  @Test
  void liquibaseRunsItsChangeLogAtStartUpThroughTheNeonDataSource() throws SQLException {
    try (ConfigurableApplicationContext context =
        Applications.start(
            PlainApplication.class,
            "spring.datasource.url=" + STACK.neonJdbcUrl(),
            "spring.flyway.enabled=false",
            "spring.liquibase.enabled=true",
            "spring.liquibase.change-log=classpath:db/liquibase/starter-changelog.xml",
            "spring.liquibase.database-change-log-table=starter_liquibase_log",
            "spring.liquibase.database-change-log-lock-table=starter_liquibase_lock")) {
      NeonDataSource dataSource = context.getBean(NeonDataSource.class);
      try (Connection direct = STACK.openDirect()) {
        assertEquals("2", scalar(direct, "SELECT count(*) FROM starter_liquibase_log"));
        assertEquals(
            "t",
            scalar(
                direct,
                "SELECT indisvalid FROM pg_index"
                    + " WHERE indexrelid = 'starter_liquibase_items_name_idx'::regclass"));
        assertEquals("f", scalar(direct, "SELECT bool_or(locked) FROM starter_liquibase_lock"));
      }
      assertEquals(0, dataSource.getDirectPoolMXBean().getActiveConnections(), "nothing pinned");
    }
  }

  /** An application with nothing of its own. */
  @SpringBootApplication
  static class PlainApplication {}
}

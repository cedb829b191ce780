package dev.neonjdbc.tools.flyway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLDatabaseType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flyway given nothing but a {@code jdbc:neon:} URL, user and password (as its command line and its
 * Maven and Gradle plugins connect) finds the driver through {@link NeonDatabaseType}; handed a
 * DataSource of {@code jdbc:neon:} connections it picks the same type; a plain {@code
 * jdbc:postgresql:} URL keeps Flyway's own PostgreSQL type.
 */
@NeonStackTest
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FlywayFindsTheDriverTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String NEON_TYPE = "PostgreSQL (jdbc:neon:)";

  @Test
  void neonTypeAnswersForNeonUrlsOnly() {
    NeonDatabaseType type = new NeonDatabaseType();
    assertTrue(type.isEnabled(), "flyway-database-postgresql is present");
    for (String url :
        List.of(
            "jdbc:neon:", "jdbc:neon://h/db", "jdbc:neon:postgresql://u:p@h/db?sslmode=require")) {
      assertTrue(type.handlesJDBCUrl(url), url);
      assertEquals("dev.neonjdbc.Driver", type.getDriverClass(url, getClass().getClassLoader()));
    }
    assertFalse(type.handlesJDBCUrl("jdbc:postgresql://h/db"));
    assertTrue(
        type.getPriority() > new PostgreSQLDatabaseType().getPriority(),
        "asked before PostgreSQL's own type for a connection");
  }

  @Test
  void flywayByUrlMigratesTwiceWithTheNeonType(NeonStack stack) throws SQLException {
    String schema = uniqueSchema();
    try {
      Flyway flyway =
          Flyway.configure()
              .dataSource(stack.neonJdbcUrl(), stack.user(), stack.password())
              .schemas(schema)
              .locations("classpath:db/tools-flyway")
              .load();

      MigrateResult first = flyway.migrate();
      assertTrue(first.success);
      assertEquals(NEON_TYPE, first.databaseType, "Flyway chose the jdbc:neon: type by URL");
      assertEquals(2, first.migrationsExecuted);

      MigrateResult second = flyway.migrate();
      assertTrue(second.success);
      assertEquals(0, second.migrationsExecuted, "nothing left to do");

      try (Connection direct = stack.openDirect()) {
        assertEquals("25", scalar(direct, "SELECT count(*) FROM " + schema + ".gadgets"));
        // Beside the schema-creation row Flyway writes for a schema it made.
        assertEquals(
            "2",
            scalar(
                direct,
                "SELECT count(*) FROM "
                    + schema
                    + ".flyway_schema_history WHERE success AND type = 'SQL'"));
      }
    } finally {
      dropSchema(stack, schema);
    }
  }

  @Test
  void flywayOnAPoolOfNeonConnectionsUsesTheNeonType(NeonStack stack) throws SQLException {
    String schema = uniqueSchema();
    // A DataSource, as Spring Boot hands Flyway one: Flyway then picks its type by the
    // connection, whose product name (PostgreSQL) both PostgreSQL's type and ours accept.
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl(stack.neonJdbcUrl());
      pool.setUsername(stack.user());
      pool.setPassword(stack.password());
      pool.setMaximumPoolSize(2);

      MigrateResult result =
          Flyway.configure()
              .dataSource(pool)
              .schemas(schema)
              .locations("classpath:db/tools-flyway")
              .load()
              .migrate();

      assertTrue(result.success);
      assertEquals(NEON_TYPE, result.databaseType, "chosen through Hikari's connection proxy");
      assertEquals(2, result.migrationsExecuted);
      try (Connection direct = stack.openDirect()) {
        assertEquals("25", scalar(direct, "SELECT count(*) FROM " + schema + ".gadgets"));
      }
    } finally {
      dropSchema(stack, schema);
    }
  }

  @Test
  void plainPostgresqlUrlKeepsFlywaysOwnType(NeonStack stack) throws SQLException {
    String schema = uniqueSchema();
    try {
      MigrateResult result =
          Flyway.configure()
              .dataSource(stack.directJdbcUrl(), stack.user(), stack.password())
              .schemas(schema)
              .locations("classpath:db/tools-flyway")
              .load()
              .migrate();

      assertTrue(result.success);
      assertEquals("PostgreSQL", result.databaseType, "jdbc:postgresql: is not ours to take");
      assertEquals(2, result.migrationsExecuted);
    } finally {
      dropSchema(stack, schema);
    }
  }

  private static String uniqueSchema() {
    return "tools_flyway_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  private static void dropSchema(NeonStack stack, String schema) throws SQLException {
    try (Connection direct = stack.openDirect();
        Statement statement = direct.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
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

package dev.neonjdbc.compat.tools;

import static dev.neonjdbc.compat.CompatKit.allPooled;
import static dev.neonjdbc.compat.CompatKit.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.neonjdbc.compat.CompatKit;
import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Flyway (13.12.1) migrating a new schema ({@code createSchemas(true)}, {@code schemas(NEW)})
 * twice, given the pooled URL three ways (by URL, as a HikariCP pool, as a {@link NeonDataSource})
 * and in both of its PostgreSQL lock modes, beside plain pgJDBC on PgBouncer.
 *
 * <ul>
 *   <li>Session lock ({@code flyway.postgresql.transactional.lock=false}), which Flyway asks for
 *       when a migration says {@code CREATE INDEX CONCURRENTLY}: a build waits for every older
 *       transaction, including one holding a transaction-level migration lock. These runs use the
 *       one-connection pool, and a second client of it must then see nothing they left behind
 *       (plain pgJDBC leaves Flyway's {@code SET ROLE} there).
 *   <li>Transactional lock (Flyway's default, {@code pg_advisory_xact_lock} in a transaction held
 *       while the migrations run on Flyway's other connection): no {@code CONCURRENTLY} migration.
 *       These runs use the kit's ordinary pool: on a pool of one server connection the lock
 *       transaction would hold the only backend that the other connection's pooled statements wait
 *       for.
 * </ul>
 *
 * After every {@code jdbc:neon:} run the application's ordinary statements on every connection of
 * the same DataSource run on the pooled endpoint, as the server reports it.
 */
@NeonStackTest
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FlywayCompatTest {
  private static final String BASE = "classpath:db/flyway/base";
  private static final String CONCURRENTLY = "classpath:db/flyway/concurrently";
  private static final int POOL_SIZE = 3;

  /** How Flyway is given the pooled {@code jdbc:neon:} URL. */
  enum Source {
    /** {@code Flyway.configure().dataSource(url, user, password)}: Flyway picks the driver. */
    BY_URL,
    /** A HikariCP pool over the URL. */
    HIKARI,
    /** {@code new NeonDataSource()} with {@code setUrl}, {@code setUser}, {@code setPassword}. */
    NEON_DATA_SOURCE
  }

  private final CompatKit kit;
  private final List<Runnable> cleanUp = new ArrayList<>();

  FlywayCompatTest(NeonStack stack) {
    this.kit = new CompatKit(stack);
  }

  @AfterEach
  void dropWhatTheTestCreated() throws SQLException {
    for (int i = cleanUp.size() - 1; i >= 0; i--) {
      cleanUp.get(i).run();
    }
    try (Connection shared = kit.open(kit.plainSingleUrl())) {
      CompatKit.run(shared, "DISCARD ALL"); // whatever plain pgJDBC left on the shared backend
    }
  }

  // ---- plain pgJDBC on PgBouncer ----

  @Test
  void plainPgJdbcByUrlMigratesTwiceWithTheSessionLockButLeavesItsRoleOnTheSharedBackend()
      throws SQLException {
    String schema = newSchema(kit.directSingleUrl());
    Flyway flyway =
        configure(schema, false, BASE, CONCURRENTLY)
            .dataSource(kit.plainSingleUrl(), kit.stack().user(), kit.stack().password())
            .load();

    assertMigratesTwice(flyway, 4);
    assertMigrated(kit.directSingleUrl(), schema, 4, true);
    // Flyway's last word on its connection is SET ROLE to the role it found (never RESET ROLE).
    List<String> leaks = kit.secondClientState().leaks();
    assertTrue(leaks.contains("role=" + kit.stack().user()), "expected the leak, saw " + leaks);
  }

  @Test
  void plainPgJdbcByUrlMigratesTwiceWithTheTransactionalLock() throws SQLException {
    String schema = newSchema(kit.stack().directJdbcUrl());
    Flyway flyway =
        configure(schema, true, BASE)
            .dataSource(kit.plainUrl(), kit.stack().user(), kit.stack().password())
            .load();

    assertMigratesTwice(flyway, 3);
    assertMigrated(kit.stack().directJdbcUrl(), schema, 3, false);
  }

  // ---- jdbc:neon: ----

  @ParameterizedTest(name = "{0}")
  @EnumSource(Source.class)
  void neonUrlMigratesTwiceWithTheSessionLockAndLeavesNothingOnTheSharedBackend(Source source)
      throws Exception {
    String schema = newSchema(kit.directSingleUrl());
    try (Given given = given(source, kit.neonSingleUrl())) {
      Flyway flyway = given.apply(configure(schema, false, BASE, CONCURRENTLY)).load();

      assertMigratesTwice(flyway, 4);

      assertMigrated(kit.directSingleUrl(), schema, 4, true);
      assertEquals(allPooled(given.size()), kit.endpointsOfEveryConnection(given, given.size()));
      assertEquals(List.of(), kit.secondClientState().leaks(), "left on the shared backend");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Source.class)
  void neonUrlMigratesTwiceWithTheTransactionalLock(Source source) throws Exception {
    String schema = newSchema(kit.stack().directJdbcUrl());
    try (Given given = given(source, kit.neonUrl())) {
      Flyway flyway = given.apply(configure(schema, true, BASE)).load();

      assertMigratesTwice(flyway, 3);

      assertMigrated(kit.stack().directJdbcUrl(), schema, 3, false);
      assertEquals(allPooled(given.size()), kit.endpointsOfEveryConnection(given, given.size()));
    }
  }

  // ---- helpers ----

  private static FluentConfiguration configure(
      String schema, boolean transactionalLock, String... locations) {
    FluentConfiguration configuration =
        Flyway.configure().createSchemas(true).schemas(schema).locations(locations);
    // flyway.postgresql.transactional.lock; Flyway 13 reads that key from a Map only with
    // jackson-databind present, so set it on the extension itself.
    configuration
        .getConfigurationExtension(PostgreSQLConfigurationExtension.class)
        .setTransactionalLock(transactionalLock);
    return configuration;
  }

  private static void assertMigratesTwice(Flyway flyway, int migrations) {
    MigrateResult first = flyway.migrate();
    assertTrue(first.success);
    assertEquals(migrations, first.migrationsExecuted);
    MigrateResult second = flyway.migrate();
    assertTrue(second.success);
    assertEquals(0, second.migrationsExecuted, "nothing left to do");
  }

  /** What PostgreSQL itself holds after the migrations, read on a direct connection. */
  private void assertMigrated(String directUrl, String schema, int migrations, boolean concurrently)
      throws SQLException {
    try (Connection direct = kit.open(directUrl)) {
      assertEquals("300", scalar(direct, "SELECT count(*) FROM " + schema + ".ledger"));
      assertEquals(
          String.valueOf(migrations),
          scalar(
              direct,
              "SELECT count(*) FROM "
                  + schema
                  + ".flyway_schema_history WHERE success AND type = 'SQL'"));
      assertEquals(
          "t",
          scalar(
              direct,
              "SELECT indisvalid FROM pg_index WHERE indexrelid = '"
                  + schema
                  + ".ledger_booked_idx'::regclass"));
      if (concurrently) {
        assertEquals(
            "t",
            scalar(
                direct,
                "SELECT indisvalid FROM pg_index WHERE indexrelid = '"
                    + schema
                    + ".ledger_account_idx'::regclass"));
      }
    }
  }

  private String newSchema(String directUrl) {
    String schema = CompatKit.unique("flyway");
    cleanUp.add(
        () -> {
          try {
            kit.dropSchema(directUrl, schema);
          } catch (SQLException e) {
            throw new IllegalStateException("could not drop " + schema, e);
          }
        });
    return schema;
  }

  private Given given(Source source, String url) {
    NeonStack stack = kit.stack();
    return switch (source) {
      case BY_URL -> new Given(null, 1, url);
      case HIKARI -> {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(stack.user());
        config.setPassword(stack.password());
        config.setMaximumPoolSize(POOL_SIZE);
        config.setPoolName("flyway-compat");
        yield new Given(new HikariDataSource(config), POOL_SIZE, url);
      }
      case NEON_DATA_SOURCE -> {
        NeonDataSource neon = new NeonDataSource();
        neon.setUrl(url);
        neon.setUser(stack.user());
        neon.setPassword(stack.password());
        yield new Given(neon, POOL_SIZE, url);
      }
    };
  }

  /**
   * The pooled URL as one of the {@link Source}s: what Flyway is configured with, and afterwards
   * where the application's connections come from (by URL: {@code DriverManager}).
   */
  private final class Given extends SimpleDataSource implements AutoCloseable {
    private final DataSource dataSource;
    private final int size;
    private final String url;

    Given(DataSource dataSource, int size, String url) {
      this.dataSource = dataSource;
      this.size = size;
      this.url = url;
    }

    FluentConfiguration apply(FluentConfiguration configuration) {
      NeonStack stack = kit.stack();
      return dataSource == null
          ? configuration.dataSource(url, stack.user(), stack.password())
          : configuration.dataSource(dataSource);
    }

    int size() {
      return size;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return dataSource == null
          ? DriverManager.getConnection(url, kit.stack().credentials())
          : dataSource.getConnection();
    }

    @Override
    public void close() throws Exception {
      if (dataSource instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }
}

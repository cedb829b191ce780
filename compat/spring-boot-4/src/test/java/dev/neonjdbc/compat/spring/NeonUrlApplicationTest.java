package dev.neonjdbc.compat.spring;

import static dev.neonjdbc.compat.CompatKit.run;
import static dev.neonjdbc.compat.CompatKit.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.neonjdbc.compat.CompatKit;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application on the pooled {@code jdbc:neon:} URL of the kit's one-connection PgBouncer pool
 * ({@code neondb_single}), with only {@code spring.datasource.url}, {@code username} and {@code
 * password}. Besides the {@linkplain CompatApplicationContract contract}: a second client of that
 * pool, which shares its only backend, sees nothing of what Flyway or the application set.
 */
@SpringBootTest(classes = CompatApplication.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class NeonUrlApplicationTest extends CompatApplicationContract {
  private static final String SCHEMA = CompatKit.unique("boot_neon");

  @DynamicPropertySource
  static void neonUrl(DynamicPropertyRegistry registry) {
    register(registry, KIT.neonSingleUrl(), SCHEMA);
  }

  @AfterAll
  static void dropTheApplicationSchema() throws SQLException {
    dropSchema(KIT.directSingleUrl(), SCHEMA);
  }

  @Override
  String schema() {
    return SCHEMA;
  }

  @Override
  String directUrl() {
    return KIT.directSingleUrl();
  }

  @Test
  void flywayLeftNothingOnTheSharedBackend() throws SQLException {
    assertEquals(List.of(), KIT.secondClientState().leaks());
  }

  @Test
  void sessionStateOfAnApplicationConnectionStaysOffTheSharedBackend() throws SQLException {
    String table = CompatKit.unique("scratch");
    String channel = CompatKit.unique("events");
    try (Connection connection = dataSource.getConnection()) {
      run(connection, "SET client_min_messages = warning");
      run(connection, "SET compat.tenant = 'acme'");
      run(connection, "SET search_path TO " + SCHEMA + ", public");
      run(connection, "CREATE TEMP TABLE " + table + " (n int)");
      run(connection, "LISTEN " + channel);
      try {
        assertEquals("warning", scalar(connection, "SHOW client_min_messages"));
        assertEquals("acme", scalar(connection, "SELECT current_setting('compat.tenant')"));
        assertEquals("0", scalar(connection, "SELECT count(*) FROM " + table));
        assertEquals(
            "t", scalar(connection, "SELECT count(*) >= 20 FROM entries"), "own search_path");
        assertEquals(List.of(), KIT.secondClientState().leaks(), "reached another client");
      } finally {
        run(connection, "UNLISTEN " + channel);
        run(connection, "DROP TABLE " + table);
        run(connection, "RESET ALL");
      }
    }
  }
}

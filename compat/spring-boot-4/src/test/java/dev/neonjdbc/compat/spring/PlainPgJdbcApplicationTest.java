package dev.neonjdbc.compat.spring;

import dev.neonjdbc.compat.CompatKit;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same application on plain pgJDBC through PgBouncer ({@code jdbc:postgresql:}, {@code
 * prepareThreshold=0} for PgBouncer 1.18): it starts, migrates and runs its {@linkplain
 * CompatApplicationContract contract}. It uses the one-connection pool: on the ordinary pool
 * Flyway's session lock and its release can land on two different backends ("Unable to release
 * PostgreSQL advisory lock"), which is the very problem jdbc:neon: solves, and would make this
 * baseline fail at random. What it leaves on that shared backend is discarded afterwards.
 */
@SpringBootTest(classes = CompatApplication.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PlainPgJdbcApplicationTest extends CompatApplicationContract {
  private static final String SCHEMA = CompatKit.unique("boot_plain");

  @DynamicPropertySource
  static void plainUrl(DynamicPropertyRegistry registry) {
    register(registry, KIT.plainSingleUrl(), SCHEMA);
  }

  @AfterAll
  static void dropTheApplicationSchemaAndWhatThePlainDriverLeft() throws SQLException {
    dropSchema(KIT.directSingleUrl(), SCHEMA);
    try (Connection shared = KIT.open(KIT.plainSingleUrl());
        Statement statement = shared.createStatement()) {
      statement.execute("DISCARD ALL"); // the role and search path plain pgJDBC left there
    }
  }

  @Override
  String schema() {
    return SCHEMA;
  }

  @Override
  String directUrl() {
    return KIT.directSingleUrl();
  }
}

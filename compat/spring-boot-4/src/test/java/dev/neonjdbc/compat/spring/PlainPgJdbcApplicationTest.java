package dev.neonjdbc.compat.spring;

import dev.neonjdbc.compat.CompatKit;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same application on plain pgJDBC through PgBouncer ({@code jdbc:postgresql:} on the kit's
 * ordinary pool, {@code prepareThreshold=0} for PgBouncer 1.18): it starts, migrates and runs its
 * {@linkplain CompatApplicationContract contract}.
 */
@SpringBootTest(classes = CompatApplication.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PlainPgJdbcApplicationTest extends CompatApplicationContract {
  private static final String SCHEMA = CompatKit.unique("boot_plain");

  @DynamicPropertySource
  static void plainUrl(DynamicPropertyRegistry registry) {
    register(registry, KIT.plainUrl(), SCHEMA);
  }

  @AfterAll
  static void dropTheApplicationSchema() throws SQLException {
    dropSchema(KIT.stack().directJdbcUrl(), SCHEMA);
  }

  @Override
  String schema() {
    return SCHEMA;
  }

  @Override
  String directUrl() {
    return KIT.stack().directJdbcUrl();
  }
}

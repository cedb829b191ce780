package dev.neonjdbc.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example with a {@code DataSource} bean of the application's own: the starter's
 * auto-configuration backs off, although {@code spring.datasource.url} is a {@code jdbc:neon:} URL.
 */
@SpringBootTest(
    classes = {SpringBootExample.class, CustomDataSourceExampleTest.OwnDataSource.class},
    properties = "spring.flyway.enabled=false")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CustomDataSourceExampleTest {
  private static final NeonStack STACK = NeonStacks.shared();
  private static final PGSimpleDataSource OWN = new PGSimpleDataSource();

  @DynamicPropertySource
  static void kitDataSource(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", STACK::neonJdbcUrl);
    registry.add("spring.datasource.username", STACK::user);
    registry.add("spring.datasource.password", STACK::password);
  }

  @Autowired DataSource dataSource;
  @Autowired ApplicationContext context;

  @Test
  void theApplicationsOwnDataSourceWinsAndNoNeonDataSourceIsMade() {
    assertSame(OWN, dataSource);
    assertEquals(0, context.getBeanNamesForType(NeonDataSource.class).length);
  }

  /** The application's own data source. */
  @TestConfiguration(proxyBeanMethods = false)
  static class OwnDataSource {
    @Bean
    DataSource ownDataSource() {
      return OWN;
    }
  }
}

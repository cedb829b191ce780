package dev.neonjdbc.spring.boot.tests;

import static dev.neonjdbc.spring.boot.tests.Kit.STACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonjdbc.datasource.NeonDataSource;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Where the starter steps aside: the application's own {@code DataSource} bean, {@code
 * spring.datasource.type} naming another pool, a URL that is not {@code jdbc:neon:}.
 */
class BackOffTest {

  @Test
  void anApplicationsOwnDataSourceBeanWins() {
    try (ConfigurableApplicationContext context =
        Applications.start(
            OwnDataSourceApplication.class,
            "spring.datasource.url=" + STACK.neonJdbcUrl(),
            "spring.flyway.enabled=false")) {
      DataSource dataSource = context.getBean(DataSource.class);
      assertSame(OwnDataSourceApplication.OWN, dataSource);
      assertEquals(0, context.getBeanNamesForType(NeonDataSource.class).length);
    }
  }

  @Test
  void aDataSourceTypeNamingAnotherPoolWins() {
    try (ConfigurableApplicationContext context =
        Applications.start(
            PlainApplication.class,
            "spring.datasource.url=" + STACK.neonJdbcUrl(),
            "spring.datasource.type=" + HikariDataSource.class.getName(),
            "spring.flyway.enabled=false")) {
      assertInstanceOf(HikariDataSource.class, context.getBean(DataSource.class));
      assertEquals(0, context.getBeanNamesForType(NeonDataSource.class).length);
    }
  }

  @Test
  void aDataSourceTypeNamingNeonDataSourceKeepsTheStarter() {
    try (ConfigurableApplicationContext context =
        Applications.start(
            PlainApplication.class,
            "spring.datasource.url=" + STACK.neonJdbcUrl(),
            "spring.datasource.type=" + NeonDataSource.class.getName(),
            "spring.flyway.enabled=false")) {
      assertInstanceOf(NeonDataSource.class, context.getBean(DataSource.class));
    }
  }

  @Test
  void aPlainPostgresqlUrlGetsBootsOwnPool() {
    try (ConfigurableApplicationContext context =
        Applications.start(
            PlainApplication.class,
            "spring.datasource.url=" + STACK.pooledJdbcUrl(),
            "spring.flyway.enabled=false")) {
      assertInstanceOf(HikariDataSource.class, context.getBean(DataSource.class));
    }
  }

  /** An application with nothing of its own. */
  @SpringBootApplication
  static class PlainApplication {}

  /** An application that defines its own DataSource. */
  @SpringBootApplication
  static class OwnDataSourceApplication {
    static final PGSimpleDataSource OWN = new PGSimpleDataSource();

    @Bean
    DataSource ownDataSource() {
      return OWN;
    }
  }
}

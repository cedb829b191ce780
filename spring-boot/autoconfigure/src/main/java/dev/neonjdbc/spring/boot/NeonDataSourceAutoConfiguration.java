package dev.neonjdbc.spring.boot;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.spi.NeonEndpoints;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * A {@link NeonDataSource} as the application's {@code DataSource} when {@code
 * spring.datasource.url} is a {@code jdbc:neon:} URL (or no URL is set and {@code DATABASE_URL}
 * is): no {@code driver-class-name}, no {@code type}, and no HikariCP pool in front of PgBouncer.
 *
 * <p>It backs off when the application defines its own {@code DataSource}, and when {@code
 * spring.datasource.type} names another class. It runs before Spring Boot's own data source
 * auto-configuration (named by class name: Boot 4 moved it to {@code
 * org.springframework.boot.jdbc.autoconfigure}), which then finds a {@code DataSource} and backs
 * off; Flyway, Liquibase, {@code JdbcTemplate} and the transaction manager use this one unchanged.
 *
 * <p>Settings: {@code spring.datasource.url}, {@code username} and {@code password}, and every
 * {@code NeonDataSource} setting under {@code spring.datasource.neon.*} ({@link NeonSettings}). The
 * data source closes with the application context.
 */
@AutoConfiguration(
    beforeName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"
    })
@Conditional(NeonUrlCondition.class)
public class NeonDataSourceAutoConfiguration {

  /** Creates the auto-configuration (Spring does). */
  public NeonDataSourceAutoConfiguration() {}

  /**
   * The application's data source: {@code spring.datasource.url} (or, without it, {@code
   * DATABASE_URL}), {@code username}, {@code password} and {@code spring.datasource.neon.*}.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(value = DataSource.class, type = "javax.sql.XADataSource")
  public NeonDataSource dataSource(Environment environment) {
    Binder binder = Binder.get(environment);
    NeonDataSource dataSource = new NeonDataSource();
    dataSource.setUrl(url(environment));
    binder.bind("spring.datasource.username", String.class).ifBound(dataSource::setUser);
    binder.bind("spring.datasource.password", String.class).ifBound(dataSource::setPassword);
    NeonSettings.apply(binder, dataSource);
    return dataSource;
  }

  /**
   * {@code spring.datasource.url}; without it, the bare {@code jdbc:neon:} when {@code
   * DATABASE_URL} is in the process environment (the driver then reads it, and {@code
   * DATABASE_URL_UNPOOLED} and {@code DATABASE_URL_REPLICA} with it), else the value Spring sees
   * for {@code DATABASE_URL} (a system property or a property file), which the data source takes as
   * a pasted Neon connection string.
   */
  static String url(Environment environment) {
    String url = environment.getProperty(NeonUrlCondition.URL);
    if (url != null && !url.isBlank()) {
      return url.trim();
    }
    String spring = environment.getProperty(NeonUrlCondition.DATABASE_URL);
    String process = System.getenv(NeonUrlCondition.DATABASE_URL);
    if (spring == null || spring.isBlank() || spring.equals(process)) {
      return NeonEndpoints.URL_PREFIX;
    }
    return spring.trim();
  }
}

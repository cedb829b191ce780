package dev.neonjdbc.spring.boot;

import dev.neonjdbc.datasource.NeonDataSource;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Actuator health indicator {@code neon} for the application's {@link NeonDataSource} (the
 * auto-configured one or the application's own): each endpoint checked separately, within {@code
 * management.health.neon.timeout} (2 s), without opening a direct session (see {@link
 * NeonDataSource#checkEndpoints}). {@code management.health.neon.enabled=false} turns it off.
 *
 * <p>Spring Boot 4 moved the health API to {@code org.springframework.boot.health.contributor};
 * each Boot's indicator has its own configuration, loaded only where its API is present.
 */
@AutoConfiguration(
    after = NeonDataSourceAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"
    })
@ConditionalOnSingleCandidate(NeonDataSource.class)
@ConditionalOnProperty(name = NeonHealth.ENABLED, havingValue = "true", matchIfMissing = true)
public class NeonHealthAutoConfiguration {

  /** Creates the auto-configuration (Spring does). */
  public NeonHealthAutoConfiguration() {}

  /** The version-neutral check the indicators report. */
  @Bean
  @ConditionalOnMissingBean
  public NeonHealth neonHealth(NeonDataSource dataSource, Environment environment) {
    Duration timeout =
        Binder.get(environment)
            .bind(NeonHealth.TIMEOUT, Duration.class)
            .orElse(Duration.ofSeconds(2));
    return new NeonHealth(dataSource, timeout);
  }

  /** Spring Boot 4's indicator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Boot4 {
    @Bean
    @ConditionalOnMissingBean(name = "neonHealthIndicator")
    NeonHealthIndicator neonHealthIndicator(NeonHealth health) {
      return new NeonHealthIndicator(health);
    }
  }

  /** Spring Boot 3's indicator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
  static class Boot3 {
    @Bean
    @ConditionalOnMissingBean(name = "neonHealthIndicator")
    NeonBoot3HealthIndicator neonHealthIndicator(NeonHealth health) {
      return new NeonBoot3HealthIndicator(health);
    }
  }
}

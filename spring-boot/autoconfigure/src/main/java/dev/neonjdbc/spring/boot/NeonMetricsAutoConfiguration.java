package dev.neonjdbc.spring.boot;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.micrometer.NeonMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * The routing meters ({@code neon.statements}, {@code neon.pins}, {@code neon.connects}, … and
 * HikariCP's {@code hikaricp.*} for the direct pool) of the application's {@link NeonDataSource},
 * when Micrometer and {@code neon-jdbc-micrometer} are present: a {@link NeonMetrics} bean, which
 * Spring Boot binds to every {@code MeterRegistry} as it binds any {@code MeterBinder}. Classes are
 * named by string so that the auto-configuration loads without Micrometer.
 */
@AutoConfiguration(
    after = NeonDataSourceAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"
    })
@ConditionalOnClass(
    name = {"io.micrometer.core.instrument.MeterRegistry", "dev.neonjdbc.micrometer.NeonMetrics"})
@ConditionalOnSingleCandidate(NeonDataSource.class)
public class NeonMetricsAutoConfiguration {

  /** Creates the auto-configuration (Spring does). */
  public NeonMetricsAutoConfiguration() {}

  /** The data source's meters; closed (stops counting) with the context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public NeonMetrics neonMetrics(NeonDataSource dataSource) {
    return new NeonMetrics(dataSource);
  }
}

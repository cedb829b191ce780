package dev.neonjdbc.tools.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Spring Boot 3: the same rule as {@link NeonDriverEnvironmentPostProcessor}, through the interface
 * Boot 3 knows ({@code org.springframework.boot.env.EnvironmentPostProcessor}), registered under
 * that name in {@code META-INF/spring.factories}. Boot 4 reads that key too and runs both; the
 * second finds the driver class already set and does nothing.
 */
@SuppressWarnings("removal") // Deprecated in Boot 4 in favour of the other class; Boot 3 needs it.
public final class LegacyNeonDriverEnvironmentPostProcessor
    implements org.springframework.boot.env.EnvironmentPostProcessor, Ordered {

  /** Called by Spring Boot's factories loader. */
  public LegacyNeonDriverEnvironmentPostProcessor() {}

  /** Adds the driver class for a {@code jdbc:neon:} URL; leaves every other environment alone. */
  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    DriverClassDefault.apply(environment);
  }

  /** The lowest precedence: after Boot has read the configuration files. */
  @Override
  public int getOrder() {
    return DriverClassDefault.ORDER;
  }
}

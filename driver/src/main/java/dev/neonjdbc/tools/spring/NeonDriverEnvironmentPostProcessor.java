package dev.neonjdbc.tools.spring;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Spring Boot 4: sets {@code spring.datasource.driver-class-name=dev.neonjdbc.Driver} when {@code
 * spring.datasource.url} is a {@code jdbc:neon:} URL and no driver class is set. Registered in
 * {@code META-INF/spring.factories} under {@code
 * org.springframework.boot.EnvironmentPostProcessor}.
 */
public final class NeonDriverEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

  /** Called by Spring Boot's factories loader. */
  public NeonDriverEnvironmentPostProcessor() {}

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

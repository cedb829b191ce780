package dev.neonjdbc.spring.boot;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/** The {@code neon} health indicator on Spring Boot 3 ({@code spring-boot-actuator}). */
public class NeonBoot3HealthIndicator implements HealthIndicator {
  private final NeonHealth health;

  /** An indicator reporting {@code health}. */
  public NeonBoot3HealthIndicator(NeonHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    NeonHealth.Report report = health.check();
    return Health.status(new Status(report.status())).withDetails(report.details()).build();
  }
}

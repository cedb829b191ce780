package dev.neonjdbc.spring.boot;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/** The {@code neon} health indicator on Spring Boot 4 ({@code spring-boot-health}). */
public class NeonHealthIndicator implements HealthIndicator {
  private final NeonHealth health;

  /** An indicator reporting {@code health}. */
  public NeonHealthIndicator(NeonHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    NeonHealth.Report report = health.check();
    return Health.status(new Status(report.status())).withDetails(report.details()).build();
  }
}

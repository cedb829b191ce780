package dev.neonjdbc.spring.boot;

import dev.neonjdbc.datasource.EndpointHealth;
import dev.neonjdbc.datasource.NeonDataSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The health of a {@link NeonDataSource}'s endpoints, in terms that do not depend on the Spring
 * Boot version: {@link NeonDataSource#checkEndpoints} once, its results as details keyed by
 * endpoint ({@code pooled}, {@code direct}, {@code replica}). The Actuator indicator named {@code
 * neon} (Boot 4's or Boot 3's) reports it.
 *
 * <p>The overall status is {@code DOWN} when any endpoint is down (Flyway, DDL and pinned work need
 * the direct endpoint as much as ordinary work needs the pooled one), {@code UNKNOWN} when none was
 * checked, else {@code UP}.
 */
public final class NeonHealth {
  /** Turns the indicator off when {@code false}. */
  public static final String ENABLED = "management.health.neon.enabled";

  /** How long each endpoint's check may take. */
  public static final String TIMEOUT = "management.health.neon.timeout";

  /** {@link #TIMEOUT}'s default. */
  public static final String DEFAULT_TIMEOUT = "2s";

  private final NeonDataSource dataSource;
  private final Duration timeout;

  /** Health of {@code dataSource}, each endpoint checked within {@code timeout}. */
  public NeonHealth(NeonDataSource dataSource, Duration timeout) {
    this.dataSource = dataSource;
    this.timeout = timeout;
  }

  /** The overall status and the details of each endpoint. */
  public record Report(String status, Map<String, Object> details) {}

  /** Checks every endpoint now. */
  public Report check() {
    List<EndpointHealth> results = dataSource.checkEndpoints(timeout);
    Map<String, Object> details = new LinkedHashMap<>();
    boolean anyDown = false;
    boolean anyUp = false;
    for (EndpointHealth result : results) {
      details.put(result.kind().label(), result.details());
      anyDown |= result.status() == EndpointHealth.Status.DOWN;
      anyUp |= result.isUp();
    }
    String status = anyDown ? "DOWN" : anyUp ? "UP" : "UNKNOWN";
    return new Report(status, details);
  }
}

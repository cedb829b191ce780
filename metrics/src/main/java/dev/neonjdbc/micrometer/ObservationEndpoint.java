package dev.neonjdbc.micrometer;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.NeonEvents;
import dev.neonjdbc.spi.RoutingEvents;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Adds the endpoint that runs a statement ({@code neon.endpoint=pooled|direct|replica}) as a
 * low-cardinality key value to the Micrometer {@link Observation} current while the statement runs:
 * the observation a JDBC instrumentation (such as {@code datasource-micrometer}) opens around each
 * statement, when it makes it current. The driver reports the routing on the statement's own
 * thread, inside that observation's scope, so nothing in the driver depends on Micrometer.
 *
 * <pre>{@code
 * AutoCloseable registration = ObservationEndpoint.register(observationRegistry); // every connection
 * dataSource.addRoutingEventListener(new ObservationEndpoint(observationRegistry)); // or one data source
 * }</pre>
 *
 * <p>Without a current observation it does nothing and allocates nothing.
 */
public final class ObservationEndpoint implements RoutingEvents {
  /** The key value's name. */
  public static final String KEY = "neon.endpoint";

  private final ObservationRegistry registry;

  /** Tags the current observations of {@code registry}. */
  public ObservationEndpoint(ObservationRegistry registry) {
    if (registry == null) {
      throw new NullPointerException("registry");
    }
    this.registry = registry;
  }

  /**
   * Tags the current observations of {@code registry} for every {@code jdbc:neon:} connection in
   * the JVM; closing the returned registration stops it.
   */
  public static AutoCloseable register(ObservationRegistry registry) {
    return NeonEvents.register(new ObservationEndpoint(registry));
  }

  @Override
  public void statementRouted(EndpointKind kind) {
    Observation current = registry.getCurrentObservation();
    if (current != null) {
      current.lowCardinalityKeyValue(KEY, kind.label());
    }
  }
}

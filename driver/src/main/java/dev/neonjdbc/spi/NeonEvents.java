package dev.neonjdbc.spi;

/**
 * The JVM-wide listeners of {@code jdbc:neon:} events: every routing connection reports to them,
 * whether it came from {@code DriverManager}, a {@code NeonDataSource} or anything else, and so
 * does every physical connect.
 *
 * <pre>{@code
 * AutoCloseable registration = NeonEvents.register(myListener);
 * ... // every jdbc:neon: connection in this JVM reports to myListener, those open already too
 * registration.close();
 * }</pre>
 *
 * <p>Registering is rare and synchronized; reporting reads one volatile array, and with no listener
 * registered costs nothing more than that read (see {@link RoutingEventListeners}).
 */
public final class NeonEvents {
  private static final RoutingEventListeners REGISTERED = new RoutingEventListeners();

  private NeonEvents() {}

  /**
   * Adds {@code listener}: from now on every {@code jdbc:neon:} connection in this JVM reports to
   * it, those already open included. Closing the returned registration removes it (idempotent).
   */
  public static AutoCloseable register(RoutingEvents listener) {
    return REGISTERED.add(listener);
  }

  /** Whether any listener is registered. */
  public static boolean hasListeners() {
    return !REGISTERED.isEmpty();
  }

  /**
   * Reports to every registered listener: what the driver calls, and what a component that lends
   * sessions itself calls to report its borrows.
   */
  public static RoutingEvents registered() {
    return REGISTERED;
  }
}

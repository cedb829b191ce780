package dev.neonjdbc.micrometer;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.spi.NeonEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer meters for {@code jdbc:neon:} routing, usable with or without Spring.
 *
 * <pre>{@code
 * // a NeonDataSource: its own connections, and its direct HikariCP pool
 * new NeonMetrics(dataSource).bindTo(registry);      // before the first getConnection()
 *
 * // DriverManager (and every other jdbc:neon: connection in the JVM)
 * NeonMetrics.global().bindTo(registry);
 * }</pre>
 *
 * <p>Meters (every name below also takes the binding's extra tags):
 *
 * <ul>
 *   <li>{@value #STATEMENTS} (timer) {@code endpoint=pooled|direct|replica, outcome=ok|error}: each
 *       routed statement, from routing to the end of its execute call;
 *   <li>{@value #PINS} (counter) {@code cause=LISTEN|CREATE|SET|SELECT|PREPARE|…|PIN_DIRECT|STARTUP
 *       |OTHER}: connections pinned to direct, by the first keyword of what pinned them;
 *   <li>{@value #UNPINS} (counter): pins that ended because the server held nothing for them;
 *   <li>{@value #REFUSALS} (counter) {@code statement=…}: statements refused in a pooled
 *       transaction (SQLState 0A000);
 *   <li>{@value #TRANSACTIONS_MOVED} (counter): pooled transactions moved to direct;
 *   <li>{@value #DIRECT_BORROWS} (counter) and {@value #DIRECT_BORROW_TIME} (timer): direct
 *       sessions a data source lent per statement, and how long they were held;
 *   <li>{@value #CONNECTS} (timer) {@code endpoint, outcome=ok|error}: physical connects with their
 *       latency (retries included);
 *   <li>{@value #CONNECT_RETRIES} (counter) {@code endpoint}: connect attempts retried while a
 *       compute wakes up;
 *   <li>for a data source bound before its first connection, HikariCP's own {@code hikaricp.*}
 *       meters of its direct pool ({@code pool=POOLNAME-direct}).
 * </ul>
 *
 * <p>Tag values come from fixed sets ({@link dev.neonjdbc.EndpointKind}, {@link
 * dev.neonjdbc.spi.StatementKind}): cardinality is bounded. A data source's binding counts that
 * data source's connections; the global binding counts every {@code jdbc:neon:} connection in the
 * JVM, data sources' included: bind one or the other to a registry, or give them different tags.
 * {@link #close()} stops the counting; the meters stay in the registry.
 */
public final class NeonMetrics implements MeterBinder, AutoCloseable {
  /** Statements by endpoint and outcome (timer). */
  public static final String STATEMENTS = "neon.statements";

  /** Pins by cause (counter). */
  public static final String PINS = "neon.pins";

  /** Pins that ended by themselves (counter). */
  public static final String UNPINS = "neon.unpins";

  /** Statements refused in a pooled transaction, by statement kind (counter). */
  public static final String REFUSALS = "neon.refusals";

  /** Pooled transactions moved to direct (counter). */
  public static final String TRANSACTIONS_MOVED = "neon.transactions.moved";

  /** Direct sessions lent by a data source (counter). */
  public static final String DIRECT_BORROWS = "neon.direct.borrows";

  /** How long lent direct sessions were held (timer). */
  public static final String DIRECT_BORROW_TIME = "neon.direct.borrow.time";

  /** Physical connects by endpoint and outcome, with their latency (timer). */
  public static final String CONNECTS = "neon.connects";

  /** Connect attempts retried, by endpoint (counter). */
  public static final String CONNECT_RETRIES = "neon.connect.retries";

  private static final Logger LOG = LoggerFactory.getLogger(NeonMetrics.class);

  private final NeonDataSource dataSource;
  private final Tags tags;
  private final List<AutoCloseable> registrations = new CopyOnWriteArrayList<>();

  /** Meters for the connections of {@code dataSource} and its direct pool. */
  public NeonMetrics(NeonDataSource dataSource) {
    this(dataSource, Tags.empty());
  }

  /** Meters for {@code dataSource}, each with {@code tags} added. */
  public NeonMetrics(NeonDataSource dataSource, Iterable<Tag> tags) {
    if (dataSource == null) {
      throw new NullPointerException("dataSource");
    }
    this.dataSource = dataSource;
    this.tags = Tags.of(tags);
  }

  private NeonMetrics(Iterable<Tag> tags) {
    this.dataSource = null;
    this.tags = Tags.of(tags);
  }

  /**
   * Meters for every {@code jdbc:neon:} connection in the JVM, however opened ({@code
   * DriverManager}, data sources, pools), through {@link NeonEvents}.
   */
  public static NeonMetrics global() {
    return new NeonMetrics(Tags.empty());
  }

  /** {@link #global()} with {@code tags} added to each meter. */
  public static NeonMetrics global(Iterable<Tag> tags) {
    return new NeonMetrics(tags);
  }

  /**
   * Registers the meters in {@code registry} and starts counting. For a data source not yet started
   * and without a metrics registry of its own, {@code registry} also becomes its direct pool's
   * HikariCP registry ({@code setMetricRegistry}); once started, HikariCP's metrics can no longer
   * be added (logged at INFO).
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    RoutingMeters meters = new RoutingMeters(registry, tags);
    if (dataSource == null) {
      registrations.add(NeonEvents.register(meters));
      return;
    }
    bindPoolMetrics(registry);
    registrations.add(dataSource.addRoutingEventListener(meters));
  }

  private void bindPoolMetrics(MeterRegistry registry) {
    if (dataSource.getMetricRegistry() != null || dataSource.getMetricsTrackerFactory() != null) {
      return; // the application chose where HikariCP reports
    }
    if (dataSource.getEffectiveClientPooling() == null && !dataSource.isClosed()) {
      try {
        dataSource.setMetricRegistry(registry);
        return;
      } catch (IllegalStateException startedMeanwhile) {
        // fall through
      }
    }
    LOG.info(
        "{} started before NeonMetrics was bound: its direct pool's HikariCP meters are not"
            + " registered (bind before the first getConnection(), or set metricRegistry)",
        dataSource);
  }

  /** Stops counting for every registry bound; the meters stay registered. */
  @Override
  public void close() {
    for (AutoCloseable registration : registrations) {
      try {
        registration.close();
      } catch (Exception e) {
        LOG.debug("could not unregister {}", registration, e);
      }
    }
    registrations.clear();
  }
}

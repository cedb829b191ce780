package dev.neonjdbc.micrometer;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.RoutingEvents;
import dev.neonjdbc.spi.StatementKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one {@link NeonMetrics} binding in one registry, fed by the driver's events. Every
 * meter with a bounded tag set is created when bound and kept in an array indexed by the tags'
 * ordinals, so recording is an array read and the meter's own update; the per-kind counters (pins,
 * refusals) are created on a kind's first event and cached the same way.
 */
final class RoutingMeters implements RoutingEvents {
  private static final EndpointKind[] ENDPOINTS = EndpointKind.values();
  private static final int OK = 0;
  private static final int ERROR = 1;
  private static final String[] OUTCOMES = {"ok", "error"};

  private final MeterRegistry registry;
  private final Tags tags;
  // [endpoint][outcome]
  private final Timer[][] statements = new Timer[ENDPOINTS.length][2];
  private final Timer[][] connects = new Timer[ENDPOINTS.length][2];
  private final Counter[] connectRetries = new Counter[ENDPOINTS.length];
  private final AtomicReferenceArray<Counter> pins =
      new AtomicReferenceArray<>(StatementKind.values().length);
  private final AtomicReferenceArray<Counter> refusals =
      new AtomicReferenceArray<>(StatementKind.values().length);
  private final Counter moved;
  private final Counter unpins;
  private final Counter directBorrows;
  private final Timer directBorrowTime;

  RoutingMeters(MeterRegistry registry, Iterable<Tag> extraTags) {
    this.registry = registry;
    this.tags = Tags.of(extraTags);
    for (EndpointKind endpoint : ENDPOINTS) {
      int e = endpoint.ordinal();
      for (int outcome = OK; outcome <= ERROR; outcome++) {
        statements[e][outcome] =
            Timer.builder(NeonMetrics.STATEMENTS)
                .description("Statements executed through jdbc:neon:, by endpoint and outcome")
                .tags(tags)
                .tag("endpoint", endpoint.label())
                .tag("outcome", OUTCOMES[outcome])
                .register(registry);
        connects[e][outcome] =
            Timer.builder(NeonMetrics.CONNECTS)
                .description("Physical sessions opened (retries included), by endpoint and outcome")
                .tags(tags)
                .tag("endpoint", endpoint.label())
                .tag("outcome", OUTCOMES[outcome])
                .register(registry);
      }
      connectRetries[e] =
          Counter.builder(NeonMetrics.CONNECT_RETRIES)
              .description("Connect attempts retried while a compute wakes up, by endpoint")
              .tags(tags)
              .tag("endpoint", endpoint.label())
              .register(registry);
    }
    moved =
        Counter.builder(NeonMetrics.TRANSACTIONS_MOVED)
            .description("Pooled transactions that had written nothing and moved to direct")
            .tags(tags)
            .register(registry);
    unpins =
        Counter.builder(NeonMetrics.UNPINS)
            .description("Pins that ended because the direct session held nothing for them")
            .tags(tags)
            .register(registry);
    directBorrows =
        Counter.builder(NeonMetrics.DIRECT_BORROWS)
            .description("Direct sessions lent to a logical connection by the data source")
            .tags(tags)
            .register(registry);
    directBorrowTime =
        Timer.builder(NeonMetrics.DIRECT_BORROW_TIME)
            .description("How long logical connections held a lent direct session")
            .tags(tags)
            .register(registry);
  }

  @Override
  public void statementFinished(EndpointKind endpoint, StatementKind statement, long nanos) {
    statements[endpoint.ordinal()][OK].record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void statementFailed(
      EndpointKind endpoint, StatementKind statement, long nanos, String sqlState) {
    statements[endpoint.ordinal()][ERROR].record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void pinned(StatementKind cause) {
    counter(pins, NeonMetrics.PINS, "cause", cause, "Logical connections pinned to direct")
        .increment();
  }

  @Override
  public void refused(StatementKind statement) {
    counter(
            refusals,
            NeonMetrics.REFUSALS,
            "statement",
            statement,
            "Statements refused in a pooled transaction (SQLState 0A000)")
        .increment();
  }

  @Override
  public void moved() {
    moved.increment();
  }

  @Override
  public void unpinned() {
    unpins.increment();
  }

  @Override
  public void sessionBorrowed(EndpointKind kind) {
    if (kind == EndpointKind.DIRECT) {
      directBorrows.increment();
    }
  }

  @Override
  public void sessionReturned(EndpointKind kind, long heldNanos) {
    if (kind == EndpointKind.DIRECT) {
      directBorrowTime.record(heldNanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void connected(EndpointKind kind, long elapsedNanos) {
    connects[kind.ordinal()][OK].record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void connectFailed(EndpointKind kind, long elapsedNanos, String sqlState) {
    connects[kind.ordinal()][ERROR].record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void connectRetried(EndpointKind kind, int nextAttempt, String sqlState) {
    connectRetries[kind.ordinal()].increment();
  }

  /** The counter of {@code kind} in {@code cache}, registered on its first use. */
  private Counter counter(
      AtomicReferenceArray<Counter> cache,
      String name,
      String tag,
      StatementKind kind,
      String description) {
    Counter counter = cache.get(kind.ordinal());
    if (counter == null) {
      // Registering twice returns the same counter: a race here is harmless.
      counter =
          Counter.builder(name)
              .description(description)
              .tags(tags)
              .tag(tag, kind.tag())
              .register(registry);
      cache.set(kind.ordinal(), counter);
    }
    return counter;
  }
}

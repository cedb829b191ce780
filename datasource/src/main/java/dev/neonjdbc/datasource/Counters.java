package dev.neonjdbc.datasource;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.RoutingEvents;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters of one {@link NeonDataSource}; cheap to update from many threads. They count
 * the events the driver reports for the data source's connections and connects, and the borrows of
 * direct sessions that the data source itself reports ({@link #directBorrowed}): those go out
 * through the endpoints' reporter first, so that listeners and the DEBUG log see them too, and come
 * back here as {@link #sessionBorrowed}.
 */
final class Counters implements RoutingEvents {
  private static final EndpointKind[] KINDS = EndpointKind.values();

  // Indexed by EndpointKind.ordinal(): an array read is all the hot path pays.
  private final LongAdder[] statements = adders();
  private final LongAdder[] connects = adders();
  private final LongAdder pins = new LongAdder();
  private final LongAdder refusals = new LongAdder();
  private final LongAdder directBorrows = new LongAdder();
  private final LongAdder directBorrowNanos = new LongAdder();
  private final LongAccumulator maxDirectBorrowNanos = new LongAccumulator(Math::max, 0);
  private volatile RoutingEvents reporter = this;

  private static LongAdder[] adders() {
    LongAdder[] adders = new LongAdder[KINDS.length];
    for (int i = 0; i < adders.length; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  @Override
  public void statementRouted(EndpointKind kind) {
    statements[kind.ordinal()].increment();
  }

  @Override
  public void pinned() {
    pins.increment();
  }

  @Override
  public void refused() {
    refusals.increment();
  }

  @Override
  public void connected(EndpointKind kind, long elapsedNanos) {
    connects[kind.ordinal()].increment();
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
      directBorrowNanos.add(heldNanos);
      maxDirectBorrowNanos.accumulate(heldNanos);
    }
  }

  /**
   * Where borrows are reported ({@code NeonEndpoints.events()}), which reports them back here;
   * until set (the data source is starting), here only.
   */
  void reportThrough(RoutingEvents reporter) {
    this.reporter = reporter;
  }

  /** The data source lent a direct session to a logical connection. */
  void directBorrowed() {
    reporter.sessionBorrowed(EndpointKind.DIRECT);
  }

  /** A lent direct session came back after {@code heldNanos}. */
  void directReturned(long heldNanos) {
    reporter.sessionReturned(EndpointKind.DIRECT, heldNanos);
  }

  NeonDataSourceStats snapshot() {
    return new NeonDataSourceStats(
        sums(statements),
        sums(connects),
        pins.sum(),
        refusals.sum(),
        directBorrows.sum(),
        Duration.ofNanos(directBorrowNanos.sum()),
        Duration.ofNanos(maxDirectBorrowNanos.get()));
  }

  private static Map<EndpointKind, Long> sums(LongAdder[] adders) {
    Map<EndpointKind, Long> sums = new EnumMap<>(EndpointKind.class);
    for (EndpointKind kind : KINDS) {
      sums.put(kind, adders[kind.ordinal()].sum());
    }
    return sums;
  }
}

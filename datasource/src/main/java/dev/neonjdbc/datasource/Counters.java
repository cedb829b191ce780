package dev.neonjdbc.datasource;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.RoutingEvents;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** The live counters of one {@link NeonDataSource}; cheap to update from many threads. */
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

  void connected(EndpointKind kind) {
    connects[kind.ordinal()].increment();
  }

  void directBorrowed() {
    directBorrows.increment();
  }

  void directReturned(long heldNanos) {
    directBorrowNanos.add(heldNanos);
    maxDirectBorrowNanos.accumulate(heldNanos);
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

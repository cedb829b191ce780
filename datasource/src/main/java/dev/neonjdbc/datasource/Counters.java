package dev.neonjdbc.datasource;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.RoutingEvents;
import java.time.Duration;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** The live counters of one {@link NeonDataSource}; cheap to update from many threads. */
final class Counters implements RoutingEvents {
  private final LongAdder pooledStatements = new LongAdder();
  private final LongAdder directStatements = new LongAdder();
  private final LongAdder pooledConnects = new LongAdder();
  private final LongAdder directConnects = new LongAdder();
  private final LongAdder pins = new LongAdder();
  private final LongAdder refusals = new LongAdder();
  private final LongAdder directBorrows = new LongAdder();
  private final LongAdder directBorrowNanos = new LongAdder();
  private final LongAccumulator maxDirectBorrowNanos = new LongAccumulator(Math::max, 0);

  @Override
  public void statementRouted(EndpointKind kind) {
    (kind == EndpointKind.DIRECT ? directStatements : pooledStatements).increment();
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
    (kind == EndpointKind.DIRECT ? directConnects : pooledConnects).increment();
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
        pooledStatements.sum(),
        directStatements.sum(),
        pooledConnects.sum(),
        directConnects.sum(),
        pins.sum(),
        refusals.sum(),
        directBorrows.sum(),
        Duration.ofNanos(directBorrowNanos.sum()),
        Duration.ofNanos(maxDirectBorrowNanos.get()));
  }
}

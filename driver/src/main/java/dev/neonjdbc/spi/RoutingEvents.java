package dev.neonjdbc.spi;

import dev.neonjdbc.EndpointKind;

/**
 * What a routing connection's router reports as it routes, for counters (JMX, {@code
 * NeonDataSource.stats()}). Called on the hot path: implementations must be cheap and must not
 * throw.
 */
public interface RoutingEvents {

  /** Reports nothing. */
  RoutingEvents NONE = new RoutingEvents() {};

  /** A statement is about to run on the endpoint of {@code kind}. */
  default void statementRouted(EndpointKind kind) {}

  /** The logical connection became pinned to its direct session. */
  default void pinned() {}

  /** A statement (or {@code pinDirect()}) was refused inside a pooled transaction. */
  default void refused() {}

  /** A pooled transaction that had written nothing moved to the direct endpoint. */
  default void moved() {}

  /** A pin ended because the direct session held nothing for it any more. */
  default void unpinned() {}
}

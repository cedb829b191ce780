package dev.neonjdbc.spi;

import dev.neonjdbc.EndpointKind;

/**
 * What the driver reports as it routes and connects: for counters ({@code NeonDataSource.stats()},
 * JMX), metrics ({@code neon-jdbc-micrometer}) and logs.
 *
 * <p>Every method has an empty default, so a listener overrides only what it counts. Listeners get
 * events from a data source they are added to, or from every {@code jdbc:neon:} connection in the
 * JVM through {@link NeonEvents#register}. Called on the hot path and from many threads at once:
 * implementations must be cheap, thread-safe and must not throw (an exception is logged and
 * dropped).
 *
 * <p>A statement is reported by {@link #statementRouted} when its session is chosen, then by
 * exactly one of {@link #statementFinished} and {@link #statementFailed}. A statement refused
 * before anything was sent ({@link #refused}) is not routed.
 */
public interface RoutingEvents {

  /** Reports nothing. */
  RoutingEvents NONE = new RoutingEvents() {};

  /** A statement is about to run on the endpoint of {@code kind}. */
  default void statementRouted(EndpointKind kind) {}

  /**
   * A statement ran to completion (its results may still be read).
   *
   * @param endpoint where it ran
   * @param statement its first keyword
   * @param elapsedNanos from routing to the end of the execute call
   */
  default void statementFinished(
      EndpointKind endpoint, StatementKind statement, long elapsedNanos) {}

  /**
   * A routed statement failed.
   *
   * @param endpoint where it ran
   * @param statement its first keyword
   * @param elapsedNanos from routing to the failure
   * @param sqlState the failure's SQLState, or {@code null} when it has none
   */
  default void statementFailed(
      EndpointKind endpoint, StatementKind statement, long elapsedNanos, String sqlState) {}

  /** The logical connection became pinned to its direct session. */
  default void pinned() {}

  /**
   * The logical connection became pinned to its direct session by {@code cause} (a statement's
   * first keyword, {@link StatementKind#PIN_DIRECT} or {@link StatementKind#STARTUP}). The default
   * calls {@link #pinned()}.
   */
  default void pinned(StatementKind cause) {
    pinned();
  }

  /** A statement (or {@code pinDirect()}) was refused inside a pooled transaction. */
  default void refused() {}

  /**
   * A statement of {@code statement}'s kind was refused inside a pooled transaction (SQLState
   * 0A000) before anything was sent. The default calls {@link #refused()}.
   */
  default void refused(StatementKind statement) {
    refused();
  }

  /** A pooled transaction that had written nothing moved to the direct endpoint. */
  default void moved() {}

  /** A pin ended because the direct session held nothing for it any more. */
  default void unpinned() {}

  /**
   * A logical connection took a session of {@code kind} from a data source's pool (the direct
   * session, lent per statement).
   */
  default void sessionBorrowed(EndpointKind kind) {}

  /** A session taken by {@link #sessionBorrowed} went back after {@code heldNanos}. */
  default void sessionReturned(EndpointKind kind, long heldNanos) {}

  /** A physical session to the endpoint of {@code kind} was opened in {@code elapsedNanos}. */
  default void connected(EndpointKind kind, long elapsedNanos) {}

  /**
   * Opening a physical session to the endpoint of {@code kind} failed after {@code elapsedNanos},
   * retries included.
   *
   * @param sqlState the failure's SQLState, or {@code null}
   */
  default void connectFailed(EndpointKind kind, long elapsedNanos, String sqlState) {}

  /**
   * An attempt to open a session to the endpoint of {@code kind} failed in a way worth retrying (a
   * compute waking up, see {@code connectRetry}); attempt {@code nextAttempt} follows.
   *
   * @param sqlState the failed attempt's SQLState, or {@code null}
   */
  default void connectRetried(EndpointKind kind, int nextAttempt, String sqlState) {}
}

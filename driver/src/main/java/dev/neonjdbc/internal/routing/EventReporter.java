package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.NeonEvents;
import dev.neonjdbc.spi.RoutingEvents;
import dev.neonjdbc.spi.StatementKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the driver reports what it does: the events of a connection's own listener (a data source's
 * counters, or none), of every listener registered with {@link NeonEvents}, and the DEBUG lines of
 * the {@value #LOGGER} logger. One per logical connection and one per connector.
 *
 * <p>With no listener and DEBUG off, {@link #active()} is false and callers skip the timing and the
 * statement's kind altogether: the hot path pays one volatile read and the logger's level check.
 * Nothing here allocates, except the log lines themselves, and those only at DEBUG.
 */
public final class EventReporter implements RoutingEvents {
  /** The logger every event reaches at DEBUG. */
  public static final String LOGGER = "dev.neonjdbc.events";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final RoutingEvents own;
  private final RoutingEvents global = NeonEvents.registered();

  private EventReporter(RoutingEvents own) {
    this.own = own;
  }

  /** Reports to {@code own} (may be {@link RoutingEvents#NONE}), the registered and the log. */
  public static EventReporter of(RoutingEvents own) {
    if (own instanceof EventReporter reporter) {
      return reporter;
    }
    return new EventReporter(own == null ? RoutingEvents.NONE : own);
  }

  /** Whether anyone listens: a listener of its own, a registered one, or the DEBUG log. */
  public boolean active() {
    return own != RoutingEvents.NONE || NeonEvents.hasListeners() || LOG.isDebugEnabled();
  }

  /** The time a measurement starts, or 0 when nobody listens (nothing is measured then). */
  public long start() {
    return active() ? System.nanoTime() : 0L;
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  @Override
  public void statementRouted(EndpointKind kind) {
    own.statementRouted(kind);
    global.statementRouted(kind);
    // The router logs its decision itself (with the keyword): nothing more here.
  }

  @Override
  public void statementFinished(EndpointKind endpoint, StatementKind statement, long nanos) {
    own.statementFinished(endpoint, statement, nanos);
    global.statementFinished(endpoint, statement, nanos);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "statement {} on {} ok in {} ms",
          statement.tag(),
          endpoint.label(),
          String.format("%.3f", millis(nanos)));
    }
  }

  @Override
  public void statementFailed(
      EndpointKind endpoint, StatementKind statement, long nanos, String sqlState) {
    own.statementFailed(endpoint, statement, nanos, sqlState);
    global.statementFailed(endpoint, statement, nanos, sqlState);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "statement {} on {} failed in {} ms: SQLState {}",
          statement.tag(),
          endpoint.label(),
          String.format("%.3f", millis(nanos)),
          sqlState);
    }
  }

  @Override
  public void pinned(StatementKind cause) {
    own.pinned(cause);
    global.pinned(cause);
    if (LOG.isDebugEnabled()) {
      LOG.debug("pinned to direct by {}", cause.tag());
    }
  }

  @Override
  public void refused(StatementKind statement) {
    own.refused(statement);
    global.refused(statement);
    if (LOG.isDebugEnabled()) {
      LOG.debug("statement {} refused in a pooled transaction (0A000)", statement.tag());
    }
  }

  @Override
  public void moved() {
    own.moved();
    global.moved();
    LOG.debug("transaction moved from pooled to direct");
  }

  @Override
  public void unpinned() {
    own.unpinned();
    global.unpinned();
    LOG.debug("pin ended: the direct session holds nothing for it");
  }

  @Override
  public void sessionBorrowed(EndpointKind kind) {
    own.sessionBorrowed(kind);
    global.sessionBorrowed(kind);
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} session borrowed", kind.label());
    }
  }

  @Override
  public void sessionReturned(EndpointKind kind, long heldNanos) {
    own.sessionReturned(kind, heldNanos);
    global.sessionReturned(kind, heldNanos);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{} session returned after {} ms",
          kind.label(),
          String.format("%.3f", millis(heldNanos)));
    }
  }

  @Override
  public void connected(EndpointKind kind, long elapsedNanos) {
    own.connected(kind, elapsedNanos);
    global.connected(kind, elapsedNanos);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "connect to {} ok in {} ms", kind.label(), String.format("%.3f", millis(elapsedNanos)));
    }
  }

  @Override
  public void connectFailed(EndpointKind kind, long elapsedNanos, String sqlState) {
    own.connectFailed(kind, elapsedNanos, sqlState);
    global.connectFailed(kind, elapsedNanos, sqlState);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "connect to {} failed in {} ms: SQLState {}",
          kind.label(),
          String.format("%.3f", millis(elapsedNanos)),
          sqlState);
    }
  }

  @Override
  public void connectRetried(EndpointKind kind, int nextAttempt, String sqlState) {
    own.connectRetried(kind, nextAttempt, sqlState);
    global.connectRetried(kind, nextAttempt, sqlState);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "connect to {} retried (attempt {}) after SQLState {}",
          kind.label(),
          nextAttempt,
          sqlState);
    }
  }
}

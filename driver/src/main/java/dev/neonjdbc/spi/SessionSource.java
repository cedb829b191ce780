package dev.neonjdbc.spi;

import dev.neonjdbc.EndpointKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;

/**
 * Where a routing connection's router gets its physical sessions and where it gives them back.
 *
 * <p>The driver opens a session on first need and closes it when the logical connection closes. A
 * data source may instead lend sessions from a pool: when {@link #lendsPerStatement} says so for an
 * endpoint, the router borrows a session of that endpoint only while a statement, a transaction or
 * a pin needs it, and gives it back at once.
 *
 * <p>Whatever the router applied to a session (auto-commit, read-only, isolation, schema, network
 * timeout, client info, holdability, type map) is its own business: a source that reuses sessions
 * must bring them back to their defaults. {@code needsReset} tells it when more than the state a
 * pool tracks itself was placed on a session.
 */
public interface SessionSource {

  /** A new or borrowed physical session to the endpoint of {@code kind}. */
  Connection acquire(EndpointKind kind) throws SQLException;

  /**
   * Gives back a session obtained from {@link #acquire}.
   *
   * @param needsReset whether session state beyond auto-commit, read-only, isolation and network
   *     timeout was placed on it (a pin, a schema, client info, holdability, a type map): a direct
   *     session must then be reset ({@code DISCARD ALL}) before anyone else sees it
   */
  void release(Connection session, EndpointKind kind, boolean needsReset) throws SQLException;

  /** Ends a session obtained from {@link #acquire} without waiting, as {@code abort} does. */
  default void abort(Connection session, EndpointKind kind, Executor executor) throws SQLException {
    session.abort(executor);
  }

  /**
   * Whether sessions of {@code kind} are lent per statement (borrowed only while needed) rather
   * than held until the logical connection closes.
   */
  boolean lendsPerStatement(EndpointKind kind);
}

package dev.neonjdbc.internal.jdbc;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome;
import dev.neonjdbc.internal.routing.Router;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The lease of a direct session that a data source lends per statement ({@link
 * dev.neonjdbc.spi.SessionSource#lendsPerStatement}): the one place that decides when the logical
 * connection gives it back to its pool.
 *
 * <p>The router takes the session when a statement, a transaction or a pin needs it ({@link
 * Router#physical}). It is held while the router says a pin or a transaction holds it ({@link
 * Router#holdsDirect}), and while a statement that ran on it has results still to be read (the
 * result holder); it goes back as soon as neither does: at the end of a statement that left only an
 * update count, when the results are closed (or their statement is), at the start of the next
 * statement, after commit, rollback, {@code setAutoCommit} or {@code endRequest}. Before it goes,
 * the open statements forget their pgJDBC statements on it and keep what the last execution left
 * from a snapshot ({@link RoutingStatement#detach}).
 *
 * <p>Without lending every method returns at once. Not thread-safe, like a JDBC connection.
 */
final class DirectSessionLease {
  private final Router router;
  private final OpenStatements statements;
  private final boolean lends;
  // The statement whose unread results keep the lent session out of its pool.
  private RoutingStatement resultHolder;

  DirectSessionLease(Router router, OpenStatements statements) {
    this.router = router;
    this.statements = statements;
    this.lends = router.lendsDirectPerStatement();
  }

  /**
   * A new statement is about to run: the results of the previous one no longer keep the session.
   *
   * @return the session given back, or {@code null}
   */
  Connection statementStarting() throws SQLException {
    resultHolder = null;
    return giveBackIfIdle();
  }

  /**
   * {@code statement} ran on {@code physical} (the router has recorded it) and left {@code
   * outcome}: when that is the lent session, it stays while results remain to be read, else goes
   * back if nothing else holds it.
   *
   * @return the session given back, or {@code null}
   */
  Connection statementEnded(RoutingStatement statement, Connection physical, Outcome outcome)
      throws SQLException {
    if (!lends || physical == null || physical != router.sessionIfOpen(EndpointKind.DIRECT)) {
      return null;
    }
    if (statement.holdsResults(outcome, !router.holdsDirect())) {
      resultHolder = statement;
      return null;
    }
    if (resultHolder == statement) {
      resultHolder = null;
    }
    return giveBackIfIdle();
  }

  /**
   * The results {@code statement} held are closed (or it is).
   *
   * @return the session given back, or {@code null}
   */
  Connection resultsClosed(RoutingStatement statement) throws SQLException {
    if (statement != null && resultHolder == statement) {
      resultHolder = null;
      return giveBackIfIdle();
    }
    return null;
  }

  /**
   * Gives the lent session back when no pin, transaction or unread result holds it; the open
   * statements forget it first.
   *
   * @return the session given back, or {@code null}
   */
  Connection giveBackIfIdle() throws SQLException {
    if (!lends || resultHolder != null) {
      return null;
    }
    Connection session = router.sessionIfOpen(EndpointKind.DIRECT);
    if (session == null || router.holdsDirect()) {
      return null;
    }
    statements.detach(session);
    router.giveBackDirect();
    return session;
  }

  /** The connection closes: no result holds the session any more (the router gives it back). */
  void connectionClosing() {
    resultHolder = null;
  }
}

package dev.neonjdbc.internal.jdbc;

import dev.neonjdbc.internal.routing.Route;
import dev.neonjdbc.internal.routing.Router;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements a logical connection has open, and the bookkeeping that gives a lent direct
 * session back to its pool as soon as nothing needs it: no pin, no transaction, and no statement
 * with results still to be read from it.
 *
 * <p>Statements are usually closed in the reverse order of creation, so the list is searched from
 * the tail.
 */
final class OpenStatements {
  private final Router router;
  private final List<RoutingStatement> statements = new ArrayList<>();
  // The statement whose unread results keep a lent session out of its pool.
  private RoutingStatement resultHolder;

  OpenStatements(Router router) {
    this.router = router;
  }

  void add(RoutingStatement statement) {
    statements.add(statement);
  }

  void remove(RoutingStatement statement) {
    for (int i = statements.size() - 1; i >= 0; i--) {
      if (statements.get(i) == statement) {
        statements.remove(i);
        return;
      }
    }
  }

  /**
   * A new statement is about to run: the results of the previous one no longer keep a lent session.
   *
   * @return the session given back, or {@code null}
   */
  Connection statementStarting() throws SQLException {
    resultHolder = null;
    return releaseIdle();
  }

  /**
   * Records what a statement left behind and gives a lent session back when nothing needs it.
   *
   * @return the session given back, or {@code null}
   */
  Connection statementEnded(
      RoutingStatement statement, Connection physical, Route route, int outcome)
      throws SQLException {
    router.endStatement(physical, route);
    if (physical == null || physical != router.lentDirectSession()) {
      return null;
    }
    boolean idle = router.idleLentSession() == physical;
    if (statement.holdsResults(outcome, idle)) {
      resultHolder = statement;
      return null;
    }
    if (resultHolder == statement) {
      resultHolder = null;
    }
    return releaseIdle();
  }

  /**
   * The results {@code statement} held are closed (or it is).
   *
   * @return the session given back, or {@code null}
   */
  Connection resultsClosed(RoutingStatement statement) throws SQLException {
    if (resultHolder == statement && statement != null) {
      resultHolder = null;
      return releaseIdle();
    }
    return null;
  }

  /**
   * Gives the lent direct session back when no pin, transaction or unread result needs it; the
   * statements that ran on it forget it first.
   *
   * @return the session given back, or {@code null}
   */
  Connection releaseIdle() throws SQLException {
    if (resultHolder != null) {
      return null;
    }
    Connection session = router.idleLentSession();
    if (session == null) {
      return null;
    }
    for (int i = statements.size() - 1; i >= 0; i--) {
      statements.get(i).detach(session);
    }
    router.releaseLent(session);
    return session;
  }

  /**
   * Closes the physical statements of every open statement (the connection is closing); the last
   * failure is thrown after all were tried.
   */
  void closeAll() throws SQLException {
    resultHolder = null;
    SQLException failure = null;
    for (int i = statements.size() - 1; i >= 0; i--) {
      try {
        statements.get(i).closePhysical();
      } catch (SQLException e) {
        failure = e;
      }
    }
    statements.clear();
    if (failure != null) {
      throw failure;
    }
  }
}

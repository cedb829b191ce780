package dev.neonjdbc.internal.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements a logical connection has open, so that they can be closed with it and can forget a
 * lent session that goes back to its pool ({@link DirectSessionLease}).
 *
 * <p>Statements are usually closed in the reverse order of creation, so the list is searched from
 * the tail.
 */
final class OpenStatements {
  private final List<RoutingStatement> statements = new ArrayList<>();

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
   * Every open statement forgets its pgJDBC statements on {@code session}, which goes back to its
   * pool ({@link RoutingStatement#detach}).
   */
  void detach(Connection session) {
    for (int i = statements.size() - 1; i >= 0; i--) {
      statements.get(i).detach(session);
    }
  }

  /**
   * Closes the physical statements of every open statement (the connection is closing); the last
   * failure is thrown after all were tried.
   */
  void closeAll() throws SQLException {
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

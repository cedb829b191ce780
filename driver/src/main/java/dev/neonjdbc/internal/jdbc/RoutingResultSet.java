package dev.neonjdbc.internal.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A pgJDBC result set whose {@link #getStatement()} returns the logical statement, and whose close
 * tells it that a lent session may go back.
 */
final class RoutingResultSet extends DelegatingResultSet {
  private final RoutingStatement statement;

  RoutingResultSet(RoutingStatement statement, ResultSet delegate) {
    super(delegate);
    this.statement = statement;
  }

  @Override
  public Statement getStatement() {
    return statement;
  }

  @Override
  public void close() throws SQLException {
    super.close();
    statement.resultSetClosed(this);
  }
}

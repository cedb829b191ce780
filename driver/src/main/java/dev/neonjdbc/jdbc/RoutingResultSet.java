package dev.neonjdbc.jdbc;

import java.sql.ResultSet;
import java.sql.Statement;

/** A pgJDBC result set whose {@link #getStatement()} returns the logical statement. */
final class RoutingResultSet extends DelegatingResultSet {
  private final Statement statement;

  RoutingResultSet(Statement statement, ResultSet delegate) {
    super(delegate);
    this.statement = statement;
  }

  @Override
  public Statement getStatement() {
    return statement;
  }
}

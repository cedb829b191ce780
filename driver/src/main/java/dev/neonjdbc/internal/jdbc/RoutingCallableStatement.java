package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome.RESULTS;

import dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A logical {@link java.sql.CallableStatement}: routed like a prepared statement (a {@code {call
 * f(?)}} is classified by the function it calls); OUT parameters are read from the pgJDBC statement
 * that ran it.
 */
final class RoutingCallableStatement extends RoutingPreparedStatement implements CallableRecording {

  RoutingCallableStatement(RoutingConnection connection, String sql, StatementShape shape) {
    super(connection, sql, shape);
  }

  @Override
  Statement create(Connection physical) throws SQLException {
    return shape.callOn(physical, sql);
  }

  /** OUT parameters are read from the statement after any execution: it keeps its session. */
  @Override
  Outcome adjustOutcome(Outcome outcome) {
    return RESULTS;
  }

  @Override
  public CallableStatement executedCallable() throws SQLException {
    return (CallableStatement) currentOrThrow();
  }
}

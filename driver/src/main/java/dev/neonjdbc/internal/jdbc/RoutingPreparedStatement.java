package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome.NO_RESULTS;
import static dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome.QUERY;
import static dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome.RESULTS;
import static dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome.UPDATE_COUNT;

import dev.neonjdbc.internal.routing.Route;
import dev.neonjdbc.internal.routing.SqlClassifier;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A logical {@link PreparedStatement}. Its SQL is classified once, at prepare time; the physical
 * session is chosen at each execute (a statement prepared in auto-commit mode may run inside a
 * transaction that began on direct). Parameters are recorded in a {@link ParameterLog} and replayed
 * on the pgJDBC statement of the chosen session, which is cached per session.
 */
class RoutingPreparedStatement extends RoutingStatement implements ParameterRecording {
  final String sql;
  final Route route;
  private final ParameterLog parameters = new ParameterLog();
  private List<ParameterLog> batch;

  RoutingPreparedStatement(RoutingConnection connection, String sql, StatementShape shape) {
    super(connection, shape);
    this.sql = sql;
    this.route = SqlClassifier.classify(sql);
  }

  @Override
  public final ParameterLog parameterLog() {
    return parameters;
  }

  @Override
  Statement create(Connection physical) throws SQLException {
    return shape.prepareOn(physical, sql);
  }

  /** Chooses the session, then replays the parameters on its pgJDBC statement. */
  final PreparedStatement beginPrepared() throws SQLException {
    PreparedStatement statement = (PreparedStatement) begin(route, sql);
    try {
      parameters.replay(statement);
    } catch (SQLException | RuntimeException e) {
      failed(e);
      end(NO_RESULTS);
      throw e;
    }
    return statement;
  }

  /** The pgJDBC statement on the session a statement would use now, for metadata calls. */
  private PreparedStatement describeOn() throws SQLException {
    checkOpen();
    return (PreparedStatement) statementOn(connection.router().current());
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    PreparedStatement statement = beginPrepared();
    ResultSet result = null;
    try {
      result = wrap(statement.executeQuery());
      return result;
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(result == null ? NO_RESULTS : QUERY);
    }
  }

  @Override
  public int executeUpdate() throws SQLException {
    PreparedStatement statement = beginPrepared();
    try {
      return statement.executeUpdate();
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(UPDATE_COUNT);
    }
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    PreparedStatement statement = beginPrepared();
    try {
      return statement.executeLargeUpdate();
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(UPDATE_COUNT);
    }
  }

  @Override
  public boolean execute() throws SQLException {
    PreparedStatement statement = beginPrepared();
    boolean results = false;
    try {
      results = statement.execute();
      return results;
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(results ? RESULTS : UPDATE_COUNT);
    }
  }

  @Override
  public void addBatch() throws SQLException {
    checkOpen();
    if (batch == null) {
      batch = new ArrayList<>();
    }
    batch.add(parameters.copy());
  }

  @Override
  public void clearBatch() throws SQLException {
    checkOpen();
    if (batch != null) {
      batch.clear();
    }
  }

  @Override
  public int[] executeBatch() throws SQLException {
    checkOpen();
    if (batch == null || batch.isEmpty()) {
      return new int[0];
    }
    PreparedStatement statement = (PreparedStatement) begin(route, sql);
    try {
      for (ParameterLog entry : batch) {
        entry.replay(statement);
        statement.addBatch();
      }
      return statement.executeBatch();
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      batch.clear();
      end(NO_RESULTS);
    }
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    checkOpen();
    if (batch == null || batch.isEmpty()) {
      return new long[0];
    }
    PreparedStatement statement = (PreparedStatement) begin(route, sql);
    try {
      for (ParameterLog entry : batch) {
        entry.replay(statement);
        statement.addBatch();
      }
      return statement.executeLargeBatch();
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      batch.clear();
      end(NO_RESULTS);
    }
  }

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    return describeOn().getMetaData();
  }

  @Override
  public ParameterMetaData getParameterMetaData() throws SQLException {
    return describeOn().getParameterMetaData();
  }

  // JDBC: the query-string variants of Statement must not be used on a PreparedStatement.

  private static SQLException queryStringNotAllowed() {
    return new SQLException(
        "Can't use query methods that take a query string on a PreparedStatement.", "42809");
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    throw queryStringNotAllowed();
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    throw queryStringNotAllowed();
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    throw queryStringNotAllowed();
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    throw queryStringNotAllowed();
  }
}

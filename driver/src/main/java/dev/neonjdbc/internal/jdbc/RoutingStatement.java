package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome.NO_RESULTS;
import static dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome.QUERY;
import static dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome.RESULTS;
import static dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome.UPDATE_COUNT;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome;
import dev.neonjdbc.internal.routing.Route;
import dev.neonjdbc.internal.routing.SqlClassifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A logical {@link Statement}: each {@code execute} classifies its SQL, lets the connection choose
 * the physical session, and runs on a pgJDBC statement of that session (created on first use and
 * kept). Settings such as fetch size are remembered and applied to every physical statement.
 *
 * <p>When its session is lent per statement (a data source's direct pool), each execution tells the
 * connection what it left behind ({@link #end(int)}): a session whose results are read is kept
 * until they are closed, one that produced only an update count goes back at once, and the count
 * and warnings stay readable here ({@link #detach}).
 */
class RoutingStatement extends StatementSettingMethods {
  final RoutingConnection connection;
  final StatementShape shape;

  private final ExecutionResults results = new ExecutionResults();

  /** The physical statement that ran last (or is running: {@link #cancel} reads it). */
  volatile Statement current;

  private Connection runningOn;
  private Route runningRoute;
  // For the end and error events (see EventReporter): what runs, since when (0: nobody listens),
  // and whether it failed. Plain fields, so that reporting allocates nothing.
  private String runningSql;
  private long startedNanos;
  private boolean failed;
  private String failedState;
  private ResultSet lastPhysicalResult;
  private RoutingResultSet lastResult;
  private List<String> batch;
  private boolean closed;
  // The last execution ran over HTTP (OneShotStatement): no session to account for.
  private boolean overHttp;

  RoutingStatement(RoutingConnection connection, StatementShape shape) {
    this.connection = connection;
    this.shape = shape;
    connection.register(this);
  }

  // ---- routing -----------------------------------------------------------------------------

  /** Chooses the session for {@code sql} and returns the physical statement to run it on. */
  final Statement begin(Route route, String sql) throws SQLException {
    return begin(route, sql, null);
  }

  /**
   * Chooses where {@code sql} runs: over HTTP when the connection's one-shot route takes it (see
   * {@link OneShotRoute}), else on a session. {@code batch} holds every statement of a batch.
   */
  final Statement begin(Route route, String sql, List<String> batch) throws SQLException {
    checkOpen();
    Statement oneShot = connection.oneShotStatement(this, route, sql, batch);
    if (oneShot != null) {
      overHttp = true;
      runningOn = null;
      runningRoute = route;
      runningSql = null;
      startedNanos = 0;
      current = oneShot;
      results.started();
      return oneShot;
    }
    overHttp = false;
    long started = connection.events().start();
    Connection physical = connection.beginStatement(route, sql, started);
    Statement statement;
    try {
      statement = statementOn(physical);
    } catch (SQLException | RuntimeException e) {
      if (started != 0) {
        connection.reportStatement(
            physical, sql, started, true, e instanceof SQLException x ? x.getSQLState() : null);
      }
      throw e;
    }
    runningOn = physical;
    runningRoute = route;
    runningSql = sql;
    startedNanos = started;
    failed = false;
    current = statement;
    results.started();
    return statement;
  }

  /**
   * Records what the statement left behind on its session (transaction state, unpin) and what
   * remains to be read from it: one of the outcomes of {@link ExecutionResults}.
   */
  final void end(Outcome outcome) throws SQLException {
    if (overHttp) {
      return; // no session was used
    }
    if (startedNanos != 0) {
      connection.reportStatement(runningOn, runningSql, startedNanos, failed, failedState);
      startedNanos = 0;
    }
    runningSql = null;
    connection.endStatement(this, runningOn, runningRoute, adjustOutcome(outcome));
  }

  /** The statement that began failed with {@code e}: {@link #end} reports it as failed. */
  final void failed(Exception e) {
    failed = true;
    failedState = e instanceof SQLException sql ? sql.getSQLState() : null;
  }

  /**
   * The execution that began over HTTP runs on a session after all (see {@link OneShotStatement}):
   * nothing was sent, or it was a read whose result was too large for the endpoint.
   */
  final Statement fallBack(Route route, String sql) throws SQLException {
    overHttp = false;
    long started = connection.events().start();
    Connection physical = connection.beginStatement(route, sql, started);
    Statement statement = statementOn(physical);
    runningOn = physical;
    runningSql = sql;
    startedNanos = started;
    failed = false;
    current = statement;
    results.started();
    return statement;
  }

  /**
   * Generated keys are read from the statement after an update: such statements keep their session
   * like a query does. Callable statements override this (OUT parameters).
   */
  Outcome adjustOutcome(Outcome outcome) {
    if (outcome != QUERY && returnsGeneratedKeys()) {
      return RESULTS;
    }
    return outcome;
  }

  private boolean returnsGeneratedKeys() {
    return shape.autoGeneratedKeys() == Statement.RETURN_GENERATED_KEYS
        || shape.columnIndexes() != null
        || shape.columnNames() != null;
  }

  /**
   * Whether the session this statement just ran on must stay with it because results remain to be
   * read. {@code idle} says that nothing else holds the session: only then is an update count taken
   * here (with the warnings) and the statement moved past it, so that the session can go back at
   * once when no further result follows.
   */
  final boolean holdsResults(Outcome outcome, boolean idle) throws SQLException {
    return results.hold(outcome, idle, current);
  }

  /**
   * Forgets the physical statements that belong to {@code session}, which goes back to its pool:
   * they are closed, and what the last execution left there (its update count and warnings) stays
   * readable from a snapshot.
   */
  final void detach(Connection session) {
    if (runningOn == session) {
      results.detach(current);
      runningOn = null;
      current = null;
    }
    physicalStatements.forget(session);
  }

  /** The result set of {@code executeQuery} was closed: its session may go back. */
  final void resultSetClosed(RoutingResultSet result) throws SQLException {
    if (completed()) {
      return; // closed, and its session given back with it
    }
    if (result == lastResult && results.endSingleResult()) {
      connection.resultsClosed(this);
    }
  }

  /** The physical statement of this logical one on {@code physical}, created on first use. */
  final Statement statementOn(Connection physical) throws SQLException {
    EndpointKind kind = connection.router().kindOf(physical);
    if (kind == null) {
      // Not a session of this connection any more (given back under the caller): nothing to run on.
      throw new SQLException("This statement's session is no longer open.", "08003");
    }
    Statement existing = physicalStatements.openOn(kind, physical);
    if (existing != null) {
      return existing;
    }
    Statement created = create(physical);
    settings.applyAll(created);
    physicalStatements.put(kind, physical, created);
    return created;
  }

  /** Creates the physical statement; prepared and callable statements override this. */
  Statement create(Connection physical) throws SQLException {
    return shape.createOn(physical);
  }

  /** Wraps a physical result set so {@code getStatement()} returns this logical statement. */
  final ResultSet wrap(ResultSet physical) {
    if (physical == null) {
      return null;
    }
    if (physical != lastPhysicalResult) {
      lastPhysicalResult = physical;
      lastResult = new RoutingResultSet(this, physical);
    }
    return lastResult;
  }

  @Override
  final void checkOpen() throws SQLException {
    if (closed || completed()) {
      throw new SQLException("This statement has been closed.", "55000");
    }
  }

  /**
   * Closes this statement when {@code closeOnCompletion} applies and pgJDBC closed the physical one
   * because its results were all closed: the logical statement completes with it, or a later
   * execute would quietly open a new physical statement.
   *
   * @return whether this statement was closed now
   */
  private boolean completed() throws SQLException {
    if (closed || !settings.closeOnCompletion()) {
      return false;
    }
    Statement statement = current;
    if (statement == null || !statement.isClosed()) {
      return false;
    }
    close();
    return true;
  }

  final Statement currentOrThrow() throws SQLException {
    checkOpen();
    Statement statement = current;
    if (statement == null) {
      throw new SQLException("No statement has been executed yet.", "HY010");
    }
    return statement;
  }

  // ---- execution ---------------------------------------------------------------------------

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    ResultSet result = null;
    try {
      result = wrap(statement.executeQuery(sql));
      return result;
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(result == null ? NO_RESULTS : QUERY);
    }
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeUpdate(sql);
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(UPDATE_COUNT);
    }
  }

  @Override
  public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeUpdate(sql, autoGeneratedKeys);
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(ExecutionResults.keysOutcome(autoGeneratedKeys));
    }
  }

  @Override
  public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeUpdate(sql, columnIndexes);
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(RESULTS);
    }
  }

  @Override
  public int executeUpdate(String sql, String[] columnNames) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeUpdate(sql, columnNames);
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(RESULTS);
    }
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeLargeUpdate(sql);
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(UPDATE_COUNT);
    }
  }

  @Override
  public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeLargeUpdate(sql, autoGeneratedKeys);
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(ExecutionResults.keysOutcome(autoGeneratedKeys));
    }
  }

  @Override
  public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeLargeUpdate(sql, columnIndexes);
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(RESULTS);
    }
  }

  @Override
  public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeLargeUpdate(sql, columnNames);
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(RESULTS);
    }
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    boolean results = false;
    try {
      results = statement.execute(sql);
      return results;
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(results ? RESULTS : UPDATE_COUNT);
    }
  }

  @Override
  public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    boolean results = false;
    try {
      results = statement.execute(sql, autoGeneratedKeys);
      return results;
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(results ? RESULTS : ExecutionResults.keysOutcome(autoGeneratedKeys));
    }
  }

  @Override
  public boolean execute(String sql, int[] columnIndexes) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.execute(sql, columnIndexes);
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(RESULTS);
    }
  }

  @Override
  public boolean execute(String sql, String[] columnNames) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.execute(sql, columnNames);
    } catch (SQLException | RuntimeException e) {
      failed(e);
      throw e;
    } finally {
      end(RESULTS);
    }
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    checkOpen();
    if (batch == null) {
      batch = new ArrayList<>();
    }
    batch.add(sql);
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
    long[] counts = executeLargeBatch();
    int[] result = new int[counts.length];
    for (int i = 0; i < counts.length; i++) {
      result[i] = (int) Math.min(Integer.MAX_VALUE, counts[i]);
    }
    return result;
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    checkOpen();
    if (batch == null || batch.isEmpty()) {
      return new long[0];
    }
    // The whole batch runs on one session: the one its strongest statement needs.
    Route route = Route.POOLED;
    for (String sql : batch) {
      route = route.strongerOf(SqlClassifier.classify(sql));
    }
    Statement statement = begin(route, batch.get(0), batch);
    try {
      for (String sql : batch) {
        statement.addBatch(sql);
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

  // ---- results -----------------------------------------------------------------------------

  @Override
  public ResultSet getResultSet() throws SQLException {
    checkOpen();
    if (!results.isLive()) {
      return null; // the first result was an update count
    }
    return wrap(currentOrThrow().getResultSet());
  }

  @Override
  public int getUpdateCount() throws SQLException {
    return (int) Math.min(Integer.MAX_VALUE, getLargeUpdateCount());
  }

  @Override
  public long getLargeUpdateCount() throws SQLException {
    checkOpen();
    if (!results.isLive()) {
      return results.count();
    }
    return currentOrThrow().getLargeUpdateCount();
  }

  @Override
  public boolean getMoreResults() throws SQLException {
    return getMoreResults(Statement.CLOSE_CURRENT_RESULT);
  }

  @Override
  public boolean getMoreResults(int current) throws SQLException {
    checkOpen();
    if (!results.isLive()) {
      if (!results.advance()) {
        return false;
      }
      // The physical statement already stands on the second result.
      return currentOrThrow().getResultSet() != null;
    }
    Statement statement = currentOrThrow();
    boolean more = statement.getMoreResults(current);
    if (!more && statement.getLargeUpdateCount() == -1) {
      connection.resultsClosed(this);
    }
    return more;
  }

  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    checkOpen();
    if (results.isDetached()) {
      throw ExecutionResults.gone();
    }
    return wrap(currentOrThrow().getGeneratedKeys());
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    if (results.warningsFromSnapshot()) {
      return results.warningsIfSnapshot();
    }
    Statement statement = current;
    return statement == null ? null : statement.getWarnings();
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
    results.clearWarnings();
    Statement statement = current;
    if (statement != null) {
      statement.clearWarnings();
    }
  }

  @Override
  public void cancel() throws SQLException {
    checkOpen();
    Statement statement = current;
    if (statement != null) {
      statement.cancel();
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    checkOpen();
    return connection;
  }

  // ---- result set shape ------------------------------------------------------------------

  @Override
  public int getResultSetConcurrency() throws SQLException {
    checkOpen();
    return shape.concurrency();
  }

  @Override
  public int getResultSetType() throws SQLException {
    checkOpen();
    return shape.resultSetType();
  }

  @Override
  public int getResultSetHoldability() throws SQLException {
    checkOpen();
    return shape.holdabilityOr(connection.getHoldability());
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    connection.unregister(this);
    closePhysical();
    connection.resultsClosed(this);
  }

  /** Closes the physical statements (also used when the connection closes). */
  final void closePhysical() throws SQLException {
    closed = true;
    physicalStatements.closeAll();
  }

  @Override
  public boolean isClosed() throws SQLException {
    completed();
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    return currentOrThrow().unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return true;
    }
    Statement statement = current;
    return statement != null && statement.isWrapperFor(iface);
  }
}

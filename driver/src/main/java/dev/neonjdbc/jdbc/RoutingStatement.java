package dev.neonjdbc.jdbc;

import dev.neonjdbc.routing.Route;
import dev.neonjdbc.routing.SqlClassifier;
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
 */
class RoutingStatement implements Statement {
  final RoutingConnection connection;
  final StatementShape shape;

  // Up to two physical statements, one per physical session they belong to.
  private Statement first;
  private Connection firstOwner;
  private Statement second;
  private Connection secondOwner;

  /** The physical statement that ran last (or is running: {@link #cancel} reads it). */
  volatile Statement current;

  private Connection runningOn;
  private Route runningRoute;
  private ResultSet lastPhysicalResult;
  private RoutingResultSet lastResult;
  private List<String> batch;
  private boolean closed;

  private int fetchSize;
  private int fetchDirection = ResultSet.FETCH_FORWARD;
  private long maxRows;
  private int maxFieldSize;
  private int queryTimeout;
  private boolean escapeProcessing = true;
  private boolean poolable;
  private boolean closeOnCompletion;
  private String cursorName;

  RoutingStatement(RoutingConnection connection, StatementShape shape) {
    this.connection = connection;
    this.shape = shape;
    connection.register(this);
  }

  // ---- routing -----------------------------------------------------------------------------

  /** Chooses the session for {@code sql} and returns the physical statement to run it on. */
  final Statement begin(Route route, String sql) throws SQLException {
    checkOpen();
    Connection physical = connection.beginStatement(route, sql);
    Statement statement = statementOn(physical);
    runningOn = physical;
    runningRoute = route;
    current = statement;
    return statement;
  }

  /** Records what the statement left behind on its session (transaction state, unpin). */
  final void end() throws SQLException {
    connection.endStatement(runningOn, runningRoute);
  }

  /** The physical statement of this logical one on {@code physical}, created on first use. */
  final Statement statementOn(Connection physical) throws SQLException {
    if (firstOwner == physical && !first.isClosed()) {
      return first;
    }
    if (secondOwner == physical && !second.isClosed()) {
      return second;
    }
    Statement created = create(physical);
    applySettings(created);
    if (firstOwner == null || firstOwner == physical || first.isClosed()) {
      closeQuietly(firstOwner == physical ? first : null);
      first = created;
      firstOwner = physical;
    } else {
      closeQuietly(second);
      second = created;
      secondOwner = physical;
    }
    return created;
  }

  /** Creates the physical statement; prepared and callable statements override this. */
  Statement create(Connection physical) throws SQLException {
    return shape.createOn(physical);
  }

  private void applySettings(Statement statement) throws SQLException {
    if (fetchSize != 0) {
      statement.setFetchSize(fetchSize);
    }
    if (fetchDirection != ResultSet.FETCH_FORWARD) {
      statement.setFetchDirection(fetchDirection);
    }
    if (maxRows != 0) {
      statement.setLargeMaxRows(maxRows);
    }
    if (maxFieldSize != 0) {
      statement.setMaxFieldSize(maxFieldSize);
    }
    if (queryTimeout != 0) {
      statement.setQueryTimeout(queryTimeout);
    }
    if (!escapeProcessing) {
      statement.setEscapeProcessing(false);
    }
    if (poolable) {
      statement.setPoolable(true);
    }
    if (closeOnCompletion) {
      statement.closeOnCompletion();
    }
    if (cursorName != null) {
      statement.setCursorName(cursorName);
    }
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

  final void checkOpen() throws SQLException {
    if (closed) {
      throw new SQLException("This statement has been closed.", "55000");
    }
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
    try {
      return wrap(statement.executeQuery(sql));
    } finally {
      end();
    }
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeUpdate(sql);
    } finally {
      end();
    }
  }

  @Override
  public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeUpdate(sql, autoGeneratedKeys);
    } finally {
      end();
    }
  }

  @Override
  public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeUpdate(sql, columnIndexes);
    } finally {
      end();
    }
  }

  @Override
  public int executeUpdate(String sql, String[] columnNames) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeUpdate(sql, columnNames);
    } finally {
      end();
    }
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeLargeUpdate(sql);
    } finally {
      end();
    }
  }

  @Override
  public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeLargeUpdate(sql, autoGeneratedKeys);
    } finally {
      end();
    }
  }

  @Override
  public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeLargeUpdate(sql, columnIndexes);
    } finally {
      end();
    }
  }

  @Override
  public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.executeLargeUpdate(sql, columnNames);
    } finally {
      end();
    }
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.execute(sql);
    } finally {
      end();
    }
  }

  @Override
  public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.execute(sql, autoGeneratedKeys);
    } finally {
      end();
    }
  }

  @Override
  public boolean execute(String sql, int[] columnIndexes) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.execute(sql, columnIndexes);
    } finally {
      end();
    }
  }

  @Override
  public boolean execute(String sql, String[] columnNames) throws SQLException {
    Statement statement = begin(SqlClassifier.classify(sql), sql);
    try {
      return statement.execute(sql, columnNames);
    } finally {
      end();
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
    Statement statement = begin(route, batch.get(0));
    try {
      for (String sql : batch) {
        statement.addBatch(sql);
      }
      return statement.executeLargeBatch();
    } finally {
      batch.clear();
      end();
    }
  }

  // ---- results -----------------------------------------------------------------------------

  @Override
  public ResultSet getResultSet() throws SQLException {
    return wrap(currentOrThrow().getResultSet());
  }

  @Override
  public int getUpdateCount() throws SQLException {
    return currentOrThrow().getUpdateCount();
  }

  @Override
  public long getLargeUpdateCount() throws SQLException {
    return currentOrThrow().getLargeUpdateCount();
  }

  @Override
  public boolean getMoreResults() throws SQLException {
    return currentOrThrow().getMoreResults();
  }

  @Override
  public boolean getMoreResults(int current) throws SQLException {
    return currentOrThrow().getMoreResults(current);
  }

  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    return wrap(currentOrThrow().getGeneratedKeys());
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    Statement statement = current;
    return statement == null ? null : statement.getWarnings();
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
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

  // ---- settings ----------------------------------------------------------------------------

  @Override
  public int getMaxFieldSize() throws SQLException {
    checkOpen();
    return maxFieldSize;
  }

  @Override
  public void setMaxFieldSize(int max) throws SQLException {
    checkOpen();
    if (max < 0) {
      throw new SQLException(
          "The maximum field size must be a value greater than or equal to 0.", "22023");
    }
    maxFieldSize = max;
    forEachPhysical(Setting.MAX_FIELD_SIZE);
  }

  @Override
  public int getMaxRows() throws SQLException {
    checkOpen();
    return (int) Math.min(Integer.MAX_VALUE, maxRows);
  }

  @Override
  public void setMaxRows(int max) throws SQLException {
    setLargeMaxRows(max);
  }

  @Override
  public long getLargeMaxRows() throws SQLException {
    checkOpen();
    return maxRows;
  }

  @Override
  public void setLargeMaxRows(long max) throws SQLException {
    checkOpen();
    if (max < 0) {
      throw new SQLException(
          "Maximum number of rows must be a value greater than or equal to 0.", "22023");
    }
    maxRows = max;
    forEachPhysical(Setting.MAX_ROWS);
  }

  @Override
  public void setEscapeProcessing(boolean enable) throws SQLException {
    checkOpen();
    escapeProcessing = enable;
    forEachPhysical(Setting.ESCAPE_PROCESSING);
  }

  @Override
  public int getQueryTimeout() throws SQLException {
    checkOpen();
    return queryTimeout;
  }

  @Override
  public void setQueryTimeout(int seconds) throws SQLException {
    checkOpen();
    if (seconds < 0) {
      throw new SQLException("Query timeout must be a value greater than or equals to 0.", "22023");
    }
    queryTimeout = seconds;
    forEachPhysical(Setting.QUERY_TIMEOUT);
  }

  @Override
  public void setCursorName(String name) throws SQLException {
    checkOpen();
    cursorName = name;
    forEachPhysical(Setting.CURSOR_NAME);
  }

  @Override
  public void setFetchDirection(int direction) throws SQLException {
    checkOpen();
    if (direction != ResultSet.FETCH_FORWARD
        && direction != ResultSet.FETCH_REVERSE
        && direction != ResultSet.FETCH_UNKNOWN) {
      throw new SQLException("Invalid fetch direction constant: " + direction + ".", "22023");
    }
    fetchDirection = direction;
    forEachPhysical(Setting.FETCH_DIRECTION);
  }

  @Override
  public int getFetchDirection() throws SQLException {
    checkOpen();
    return fetchDirection;
  }

  @Override
  public void setFetchSize(int rows) throws SQLException {
    checkOpen();
    if (rows < 0) {
      throw new SQLException("Fetch size must be a value greater to or equal to 0.", "22023");
    }
    fetchSize = rows;
    forEachPhysical(Setting.FETCH_SIZE);
  }

  @Override
  public int getFetchSize() throws SQLException {
    checkOpen();
    return fetchSize;
  }

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

  @Override
  public void setPoolable(boolean value) throws SQLException {
    checkOpen();
    poolable = value;
    forEachPhysical(Setting.POOLABLE);
  }

  @Override
  public boolean isPoolable() throws SQLException {
    checkOpen();
    return poolable;
  }

  @Override
  public void closeOnCompletion() throws SQLException {
    checkOpen();
    closeOnCompletion = true;
    forEachPhysical(Setting.CLOSE_ON_COMPLETION);
  }

  @Override
  public boolean isCloseOnCompletion() throws SQLException {
    checkOpen();
    return closeOnCompletion;
  }

  /** The settings that are applied to every physical statement when they change. */
  private enum Setting {
    MAX_FIELD_SIZE,
    MAX_ROWS,
    ESCAPE_PROCESSING,
    QUERY_TIMEOUT,
    CURSOR_NAME,
    FETCH_DIRECTION,
    FETCH_SIZE,
    POOLABLE,
    CLOSE_ON_COMPLETION
  }

  private void forEachPhysical(Setting setting) throws SQLException {
    if (first != null && !first.isClosed()) {
      apply(first, setting);
    }
    if (second != null && !second.isClosed()) {
      apply(second, setting);
    }
  }

  private void apply(Statement statement, Setting setting) throws SQLException {
    switch (setting) {
      case MAX_FIELD_SIZE:
        statement.setMaxFieldSize(maxFieldSize);
        break;
      case MAX_ROWS:
        statement.setLargeMaxRows(maxRows);
        break;
      case ESCAPE_PROCESSING:
        statement.setEscapeProcessing(escapeProcessing);
        break;
      case QUERY_TIMEOUT:
        statement.setQueryTimeout(queryTimeout);
        break;
      case CURSOR_NAME:
        statement.setCursorName(cursorName);
        break;
      case FETCH_DIRECTION:
        statement.setFetchDirection(fetchDirection);
        break;
      case FETCH_SIZE:
        statement.setFetchSize(fetchSize);
        break;
      case POOLABLE:
        statement.setPoolable(poolable);
        break;
      default:
        statement.closeOnCompletion();
        break;
    }
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    connection.unregister(this);
    closePhysical();
  }

  /** Closes the physical statements (also used when the connection closes). */
  final void closePhysical() throws SQLException {
    closed = true;
    SQLException failure = null;
    for (Statement statement : new Statement[] {first, second}) {
      if (statement != null) {
        try {
          statement.close();
        } catch (SQLException e) {
          failure = e;
        }
      }
    }
    first = null;
    second = null;
    firstOwner = null;
    secondOwner = null;
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public boolean isClosed() throws SQLException {
    if (!closed && closeOnCompletion && current != null && current.isClosed()) {
      close();
    }
    return closed;
  }

  private static void closeQuietly(Statement statement) {
    if (statement != null) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // The replaced statement belonged to a session this statement no longer uses.
      }
    }
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

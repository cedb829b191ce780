package dev.neonjdbc.internal.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The settings of a logical statement (fetch size, maximum rows, timeouts...), validated as pgJDBC
 * validates them and applied to each physical statement: all of them when one is created, one at a
 * time when the application changes it. The logical statement may run on several physical sessions
 * (one per endpoint), so the values live here rather than on either pgJDBC statement.
 */
final class StatementSettings {

  /** One setting, so that a change is applied to the physical statements by a plain switch. */
  enum Setting {
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

  private int fetchSize;
  private int fetchDirection = ResultSet.FETCH_FORWARD;
  private long maxRows;
  private int maxFieldSize;
  private int queryTimeout;
  private boolean escapeProcessing = true;
  private boolean poolable;
  private boolean closeOnCompletion;
  private String cursorName;

  int maxFieldSize() {
    return maxFieldSize;
  }

  void maxFieldSize(int max) throws SQLException {
    if (max < 0) {
      throw new SQLException(
          "The maximum field size must be a value greater than or equal to 0.", "22023");
    }
    maxFieldSize = max;
  }

  long maxRows() {
    return maxRows;
  }

  void maxRows(long max) throws SQLException {
    if (max < 0) {
      throw new SQLException(
          "Maximum number of rows must be a value greater than or equal to 0.", "22023");
    }
    maxRows = max;
  }

  boolean escapeProcessing() {
    return escapeProcessing;
  }

  void escapeProcessing(boolean enable) {
    escapeProcessing = enable;
  }

  int queryTimeout() {
    return queryTimeout;
  }

  void queryTimeout(int seconds) throws SQLException {
    if (seconds < 0) {
      throw new SQLException("Query timeout must be a value greater than or equals to 0.", "22023");
    }
    queryTimeout = seconds;
  }

  void cursorName(String name) {
    cursorName = name;
  }

  int fetchDirection() {
    return fetchDirection;
  }

  void fetchDirection(int direction) throws SQLException {
    if (direction != ResultSet.FETCH_FORWARD
        && direction != ResultSet.FETCH_REVERSE
        && direction != ResultSet.FETCH_UNKNOWN) {
      throw new SQLException("Invalid fetch direction constant: " + direction + ".", "22023");
    }
    fetchDirection = direction;
  }

  int fetchSize() {
    return fetchSize;
  }

  void fetchSize(int rows) throws SQLException {
    if (rows < 0) {
      throw new SQLException("Fetch size must be a value greater to or equal to 0.", "22023");
    }
    fetchSize = rows;
  }

  boolean poolable() {
    return poolable;
  }

  void poolable(boolean value) {
    poolable = value;
  }

  boolean closeOnCompletion() {
    return closeOnCompletion;
  }

  void closeOnCompletion(boolean value) {
    closeOnCompletion = value;
  }

  /** Brings a new physical statement to these settings; defaults are left alone (no calls). */
  void applyAll(Statement statement) throws SQLException {
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

  /** Applies the current value of one setting to an existing physical statement. */
  void apply(Statement statement, Setting setting) throws SQLException {
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
}

package dev.neonjdbc.internal.jdbc;

import dev.neonjdbc.internal.jdbc.StatementSettings.Setting;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The settings a logical statement remembers (fetch size, timeouts, row limits, ...): each is kept
 * in {@link StatementSettings} and applied at once to every physical statement already created, and
 * to each one created later.
 */
abstract class StatementSettingMethods implements Statement {
  final PhysicalStatements physicalStatements = new PhysicalStatements();
  final StatementSettings settings = new StatementSettings();

  /** Refused with SQLState 55000 once the statement is closed. */
  abstract void checkOpen() throws SQLException;

  @Override
  public int getMaxFieldSize() throws SQLException {
    checkOpen();
    return settings.maxFieldSize();
  }

  @Override
  public void setMaxFieldSize(int max) throws SQLException {
    checkOpen();
    settings.maxFieldSize(max);
    physicalStatements.apply(settings, Setting.MAX_FIELD_SIZE);
  }

  @Override
  public int getMaxRows() throws SQLException {
    checkOpen();
    return (int) Math.min(Integer.MAX_VALUE, settings.maxRows());
  }

  @Override
  public void setMaxRows(int max) throws SQLException {
    setLargeMaxRows(max);
  }

  @Override
  public long getLargeMaxRows() throws SQLException {
    checkOpen();
    return settings.maxRows();
  }

  @Override
  public void setLargeMaxRows(long max) throws SQLException {
    checkOpen();
    settings.maxRows(max);
    physicalStatements.apply(settings, Setting.MAX_ROWS);
  }

  @Override
  public void setEscapeProcessing(boolean enable) throws SQLException {
    checkOpen();
    settings.escapeProcessing(enable);
    physicalStatements.apply(settings, Setting.ESCAPE_PROCESSING);
  }

  @Override
  public int getQueryTimeout() throws SQLException {
    checkOpen();
    return settings.queryTimeout();
  }

  @Override
  public void setQueryTimeout(int seconds) throws SQLException {
    checkOpen();
    settings.queryTimeout(seconds);
    physicalStatements.apply(settings, Setting.QUERY_TIMEOUT);
  }

  @Override
  public void setCursorName(String name) throws SQLException {
    checkOpen();
    settings.cursorName(name);
    physicalStatements.apply(settings, Setting.CURSOR_NAME);
  }

  @Override
  public void setFetchDirection(int direction) throws SQLException {
    checkOpen();
    settings.fetchDirection(direction);
    physicalStatements.apply(settings, Setting.FETCH_DIRECTION);
  }

  @Override
  public int getFetchDirection() throws SQLException {
    checkOpen();
    return settings.fetchDirection();
  }

  @Override
  public void setFetchSize(int rows) throws SQLException {
    checkOpen();
    settings.fetchSize(rows);
    physicalStatements.apply(settings, Setting.FETCH_SIZE);
  }

  @Override
  public int getFetchSize() throws SQLException {
    checkOpen();
    return settings.fetchSize();
  }

  @Override
  public void setPoolable(boolean value) throws SQLException {
    checkOpen();
    settings.poolable(value);
    physicalStatements.apply(settings, Setting.POOLABLE);
  }

  @Override
  public boolean isPoolable() throws SQLException {
    checkOpen();
    return settings.poolable();
  }

  @Override
  public void closeOnCompletion() throws SQLException {
    checkOpen();
    settings.closeOnCompletion(true);
    physicalStatements.apply(settings, Setting.CLOSE_ON_COMPLETION);
  }

  @Override
  public boolean isCloseOnCompletion() throws SQLException {
    checkOpen();
    return settings.closeOnCompletion();
  }
}

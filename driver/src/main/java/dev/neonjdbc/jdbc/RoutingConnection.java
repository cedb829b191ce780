package dev.neonjdbc.jdbc;

import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.config.EndpointKind;
import dev.neonjdbc.routing.PhysicalConnector;
import dev.neonjdbc.routing.Route;
import dev.neonjdbc.routing.Router;
import dev.neonjdbc.routing.RoutingEvents;
import dev.neonjdbc.routing.SessionSource;
import dev.neonjdbc.routing.SqlClassifier;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.PgConnection;

/**
 * The logical connection an application holds: one {@link Connection} over up to two physical
 * pgJDBC sessions (pooled and direct), chosen per statement by {@link Router}.
 *
 * <p>Everything it hands out points back at it: statements, their result sets, metadata.
 *
 * <p>When the session source lends direct sessions per statement, a direct session goes back as
 * soon as nothing needs it: at the end of a statement that left no results to read, when the
 * results are closed (or the statement that holds them is closed), at the start of the next
 * statement, at the end of the direct transaction, or when the pin ends.
 */
public final class RoutingConnection implements Connection, NeonConnection {
  private final Router router;
  private final OpenStatements openStatements;
  private boolean closed;
  private String catalog;
  // The session of the last statement, whose warnings getWarnings() reports.
  private Connection lastUsed;

  private RoutingConnection(Router router) {
    this.router = router;
    this.openStatements = new OpenStatements(router);
  }

  /**
   * A logical connection over the endpoints that {@code connector} opens. The session that
   * statements start on (pooled, or direct when pinned from the start) is opened now, so bad
   * credentials or an unreachable endpoint fail here and not at the first statement.
   */
  public static RoutingConnection open(PhysicalConnector connector) throws SQLException {
    return open(connector, SessionSource.opening(connector), RoutingEvents.NONE);
  }

  /**
   * A logical connection over the endpoints {@code connector} knows, whose physical sessions come
   * from {@code source} (a data source's pools) and whose routing is reported to {@code events}.
   * The session that statements start on is acquired now, as with {@link #open(PhysicalConnector)}.
   */
  public static RoutingConnection open(
      PhysicalConnector connector, SessionSource source, RoutingEvents events) throws SQLException {
    RoutingConnection connection = new RoutingConnection(new Router(connector, source, events));
    try {
      connection.router.current();
    } catch (SQLException | RuntimeException e) {
      try {
        connection.router.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return connection;
  }

  Router router() {
    return router;
  }

  /** Chooses the session for a statement; see {@link Router#beginStatement}. */
  Connection beginStatement(Route route, String sql) throws SQLException {
    checkOpen();
    // A new statement ends the results of the previous one as far as a lent session goes.
    released(openStatements.statementStarting());
    Connection physical = router.beginStatement(route, sql);
    lastUsed = physical;
    return physical;
  }

  /**
   * Records what a statement left behind (see {@link Router#endStatement}) and gives a lent session
   * back when nothing needs it.
   *
   * @param outcome what remains to be read, one of {@link ExecutionResults#NO_RESULTS}, {@code
   *     UPDATE_COUNT}, {@code RESULTS}, {@code QUERY}
   */
  void endStatement(RoutingStatement statement, Connection physical, Route route, int outcome)
      throws SQLException {
    released(openStatements.statementEnded(statement, physical, route, outcome));
  }

  /** The results {@code statement} held are closed (or it is): a lent session may go back. */
  void resultsClosed(RoutingStatement statement) throws SQLException {
    released(openStatements.resultsClosed(statement));
  }

  private void releaseIdleSession() throws SQLException {
    released(openStatements.releaseIdle());
  }

  private void released(Connection session) {
    if (session != null && lastUsed == session) {
      lastUsed = null;
    }
  }

  void register(RoutingStatement statement) {
    openStatements.add(statement);
  }

  void unregister(RoutingStatement statement) {
    openStatements.remove(statement);
  }

  void checkOpen() throws SQLException {
    if (closed) {
      throw new SQLException("This connection has been closed.", "08003");
    }
  }

  // ---- NeonConnection ----------------------------------------------------------------------

  @Override
  public EndpointKind endpointFor(String sql) {
    return router.endpointFor(SqlClassifier.classify(sql));
  }

  @Override
  public boolean isPinned() {
    return router.isPinned();
  }

  @Override
  public Optional<String> pinReason() {
    return Optional.ofNullable(router.pinReason());
  }

  @Override
  public Map<String, String> sessionParameters() {
    return router.sessionParameters();
  }

  @Override
  public void pinDirect() throws SQLException {
    checkOpen();
    router.pinDirect();
  }

  @Override
  public boolean isRouting() {
    return router.isRouting();
  }

  @Override
  public Optional<Connection> pooledSession() {
    return Optional.ofNullable(router.pooledIfOpen());
  }

  @Override
  public Optional<Connection> directSession() {
    return Optional.ofNullable(router.directIfOpen());
  }

  // ---- statements --------------------------------------------------------------------------

  @Override
  public Statement createStatement() throws SQLException {
    return createStatement(
        ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, defaultHoldability());
  }

  @Override
  public Statement createStatement(int resultSetType, int resultSetConcurrency)
      throws SQLException {
    return createStatement(resultSetType, resultSetConcurrency, defaultHoldability());
  }

  @Override
  public Statement createStatement(
      int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
    checkOpen();
    return new RoutingStatement(
        this, StatementShape.of(resultSetType, resultSetConcurrency, resultSetHoldability));
  }

  @Override
  public PreparedStatement prepareStatement(String sql) throws SQLException {
    return prepare(sql, StatementShape.DEFAULT);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
      throws SQLException {
    return prepare(
        sql, StatementShape.of(resultSetType, resultSetConcurrency, defaultHoldability()));
  }

  @Override
  public PreparedStatement prepareStatement(
      String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
      throws SQLException {
    return prepare(
        sql, StatementShape.of(resultSetType, resultSetConcurrency, resultSetHoldability));
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
    return prepare(sql, StatementShape.generatedKeys(autoGeneratedKeys));
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
    return prepare(sql, StatementShape.generatedKeys(columnIndexes));
  }

  @Override
  public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
    return prepare(sql, StatementShape.generatedKeys(columnNames));
  }

  private PreparedStatement prepare(String sql, StatementShape shape) throws SQLException {
    checkOpen();
    return new RoutingPreparedStatement(this, sql, shape);
  }

  @Override
  public CallableStatement prepareCall(String sql) throws SQLException {
    return call(sql, StatementShape.DEFAULT);
  }

  @Override
  public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
      throws SQLException {
    return call(sql, StatementShape.of(resultSetType, resultSetConcurrency, defaultHoldability()));
  }

  @Override
  public CallableStatement prepareCall(
      String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
      throws SQLException {
    return call(sql, StatementShape.of(resultSetType, resultSetConcurrency, resultSetHoldability));
  }

  private CallableStatement call(String sql, StatementShape shape) throws SQLException {
    checkOpen();
    return new RoutingCallableStatement(this, sql, shape);
  }

  private int defaultHoldability() {
    int holdability = router.getHoldabilityIfSet();
    return holdability == -1 ? ResultSet.HOLD_CURSORS_OVER_COMMIT : holdability;
  }

  @Override
  public String nativeSQL(String sql) throws SQLException {
    checkOpen();
    return router.current().nativeSQL(sql);
  }

  // ---- transactions ------------------------------------------------------------------------

  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    checkOpen();
    router.setAutoCommit(autoCommit);
    releaseIdleSession();
  }

  @Override
  public boolean getAutoCommit() throws SQLException {
    checkOpen();
    return router.getAutoCommit();
  }

  @Override
  public void commit() throws SQLException {
    checkOpen();
    try {
      router.commit();
    } finally {
      releaseIdleSession();
    }
  }

  @Override
  public void rollback() throws SQLException {
    checkOpen();
    try {
      router.rollback();
    } finally {
      releaseIdleSession();
    }
  }

  @Override
  public Savepoint setSavepoint() throws SQLException {
    checkOpen();
    Connection physical = router.forTransactionControl();
    try {
      return physical.setSavepoint();
    } finally {
      router.afterTransactionControl(physical);
      releaseIdleSession();
    }
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    checkOpen();
    Connection physical = router.forTransactionControl();
    try {
      return physical.setSavepoint(name);
    } finally {
      router.afterTransactionControl(physical);
      releaseIdleSession();
    }
  }

  @Override
  public void rollback(Savepoint savepoint) throws SQLException {
    checkOpen();
    Connection physical = router.forTransactionControl();
    try {
      physical.rollback(savepoint);
    } finally {
      router.afterTransactionControl(physical);
      releaseIdleSession();
    }
  }

  @Override
  public void releaseSavepoint(Savepoint savepoint) throws SQLException {
    checkOpen();
    Connection physical = router.forTransactionControl();
    try {
      physical.releaseSavepoint(savepoint);
    } finally {
      router.afterTransactionControl(physical);
      releaseIdleSession();
    }
  }

  @Override
  public void setTransactionIsolation(int level) throws SQLException {
    checkOpen();
    router.setTransactionIsolation(level);
  }

  @Override
  public int getTransactionIsolation() throws SQLException {
    checkOpen();
    int level = router.getTransactionIsolation();
    return level == -1 ? router.current().getTransactionIsolation() : level;
  }

  // ---- session state -----------------------------------------------------------------------

  @Override
  public void setReadOnly(boolean readOnly) throws SQLException {
    checkOpen();
    router.setReadOnly(readOnly);
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    checkOpen();
    return router.isReadOnly();
  }

  @Override
  public void setCatalog(String catalog) throws SQLException {
    // PostgreSQL has no catalogs to switch to; pgJDBC ignores the call too.
    checkOpen();
    this.catalog = catalog;
  }

  @Override
  public String getCatalog() throws SQLException {
    checkOpen();
    return catalog != null ? catalog : router.current().getCatalog();
  }

  @Override
  public void setSchema(String schema) throws SQLException {
    checkOpen();
    router.setSchema(schema);
  }

  @Override
  public String getSchema() throws SQLException {
    checkOpen();
    String schema = router.getSchemaIfSet();
    return schema != null ? schema : router.current().getSchema();
  }

  @Override
  public Map<String, Class<?>> getTypeMap() throws SQLException {
    checkOpen();
    return router.current().getTypeMap();
  }

  @Override
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    checkOpen();
    router.setTypeMap(map);
  }

  @Override
  public void setHoldability(int holdability) throws SQLException {
    checkOpen();
    router.setHoldability(holdability);
  }

  @Override
  public int getHoldability() throws SQLException {
    checkOpen();
    return defaultHoldability();
  }

  @Override
  public void setClientInfo(String name, String value) throws SQLClientInfoException {
    router.setClientInfo(name, value);
  }

  @Override
  public void setClientInfo(Properties properties) throws SQLClientInfoException {
    for (String name : properties.stringPropertyNames()) {
      router.setClientInfo(name, properties.getProperty(name));
    }
  }

  @Override
  public String getClientInfo(String name) throws SQLException {
    checkOpen();
    return router.current().getClientInfo(name);
  }

  @Override
  public Properties getClientInfo() throws SQLException {
    checkOpen();
    return router.current().getClientInfo();
  }

  @Override
  public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    checkOpen();
    router.setNetworkTimeout(executor, milliseconds);
  }

  @Override
  public int getNetworkTimeout() throws SQLException {
    checkOpen();
    int timeout = router.getNetworkTimeoutIfSet();
    return timeout == -1 ? 0 : timeout;
  }

  // ---- metadata, warnings, factories ------------------------------------------------------

  @Override
  public DatabaseMetaData getMetaData() throws SQLException {
    checkOpen();
    return new RoutingDatabaseMetaData(this, router.current().getMetaData());
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    return lastUsed == null ? null : lastUsed.getWarnings();
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
    Connection pooled = router.pooledIfOpen();
    Connection direct = router.directIfOpen();
    if (pooled != null) {
      pooled.clearWarnings();
    }
    if (direct != null) {
      direct.clearWarnings();
    }
  }

  @Override
  public Clob createClob() throws SQLException {
    checkOpen();
    return router.current().createClob();
  }

  @Override
  public Blob createBlob() throws SQLException {
    checkOpen();
    return router.current().createBlob();
  }

  @Override
  public NClob createNClob() throws SQLException {
    checkOpen();
    return router.current().createNClob();
  }

  @Override
  public SQLXML createSQLXML() throws SQLException {
    checkOpen();
    return router.current().createSQLXML();
  }

  @Override
  public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
    checkOpen();
    return router.current().createArrayOf(typeName, elements);
  }

  @Override
  public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
    checkOpen();
    return router.current().createStruct(typeName, attributes);
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /**
   * A client pool hands this connection out (JDBC 4.3 request boundary). A connection still pinned
   * here is reported once at WARN with what pinned it.
   */
  @Override
  public void beginRequest() throws SQLException {
    checkOpen();
    router.beginRequest();
  }

  /**
   * A client pool takes this connection back (JDBC 4.3 request boundary): outside a transaction the
   * pin ends and the direct session is reset, so the next user starts with no session state.
   * HikariCP calls it when {@code com.zaxxer.hikari.enableRequestBoundaries=true}.
   */
  @Override
  public void endRequest() throws SQLException {
    checkOpen();
    router.endRequest();
    releaseIdleSession();
  }

  @Override
  public boolean isValid(int timeout) throws SQLException {
    if (timeout < 0) {
      throw new SQLException("Invalid timeout (" + timeout + "<0).", "22023");
    }
    if (closed) {
      return false;
    }
    Connection pooled = router.pooledIfOpen();
    Connection direct = router.directIfOpen();
    return (pooled == null || pooled.isValid(timeout))
        && (direct == null || direct.isValid(timeout));
  }

  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    lastUsed = null;
    SQLException failure = null;
    try {
      openStatements.closeAll();
    } catch (SQLException e) {
      failure = e;
    }
    try {
      router.close();
    } catch (SQLException e) {
      if (failure != null) {
        e.addSuppressed(failure);
      }
      throw e;
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public boolean isClosed() {
    // A session that pgJDBC closed after a fatal error (server gone, socket timeout) leaves the
    // logical connection unusable too: pools and frameworks ask isClosed() to find out.
    return closed || isBroken(router.pooledIfOpen()) || isBroken(router.directIfOpen());
  }

  private static boolean isBroken(Connection session) {
    try {
      return session != null && session.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  @Override
  public void abort(Executor executor) throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    router.abort(executor);
  }

  /**
   * {@link NeonConnection} and this class unwrap to this connection. pgJDBC's interfaces ({@link
   * PGConnection} and others) unwrap to the direct session when the connection is pinned (LISTEN
   * users read notifications there), else to the pooled one.
   */
  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    checkOpen();
    return router.current().unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return true;
    }
    return iface.isAssignableFrom(PgConnection.class);
  }

  @Override
  public String toString() {
    return "jdbc:neon: connection (" + (router.isPinned() ? "pinned to direct" : "routing") + ")";
  }
}

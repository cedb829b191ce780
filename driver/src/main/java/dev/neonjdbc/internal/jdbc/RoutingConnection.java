package dev.neonjdbc.internal.jdbc;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.internal.jdbc.ExecutionResults.Outcome;
import dev.neonjdbc.internal.routing.EventReporter;
import dev.neonjdbc.internal.routing.PhysicalConnector;
import dev.neonjdbc.internal.routing.Route;
import dev.neonjdbc.internal.routing.Router;
import dev.neonjdbc.internal.routing.SqlClassifier;
import dev.neonjdbc.internal.routing.StatementKeywords;
import dev.neonjdbc.spi.RoutingEvents;
import dev.neonjdbc.spi.SessionSource;
import dev.neonjdbc.spi.StatementKind;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logical connection an application holds: one {@link Connection} over physical pgJDBC sessions
 * (one per endpoint kind: pooled, direct), chosen per statement by {@link Router}.
 *
 * <p>Everything it hands out points back at it: statements, their result sets, metadata.
 *
 * <p>When the session source lends direct sessions per statement, {@link DirectSessionLease}
 * decides when the direct session goes back; this class tells it what happened.
 */
public final class RoutingConnection extends ConnectionOverloads implements NeonConnection {
  private static final Logger LOG = LoggerFactory.getLogger(RoutingConnection.class);

  /** SQLState for the use of a connection the application closed (pgJDBC's too). */
  static final String CONNECTION_CLOSED = "08003";

  /** SQLState for a physical session that ended under the logical connection. */
  static final String CONNECTION_FAILURE = "08006";

  private static final EndpointKind[] KINDS = EndpointKind.values();

  private final Router router;
  private final OpenStatements openStatements = new OpenStatements();
  private final DirectSessionLease lease;
  private boolean closed;
  // The session of the last statement, whose warnings getWarnings() reports.
  private Connection lastUsed;

  private RoutingConnection(Router router) {
    this.router = router;
    this.lease = new DirectSessionLease(router, openStatements);
  }

  /**
   * A logical connection over the endpoints that {@code connector} opens. One session is opened
   * now, so that bad credentials, an unknown database or a wholly unreachable server fail here and
   * not at the first statement: see {@link #open(PhysicalConnector, SessionSource, RoutingEvents)}.
   */
  public static RoutingConnection open(PhysicalConnector connector) throws SQLException {
    return open(connector, connector.openingSource(), RoutingEvents.NONE);
  }

  /**
   * A logical connection over the endpoints {@code connector} knows, whose physical sessions come
   * from {@code source} (a data source's pools) and whose routing is reported to {@code events}.
   *
   * <p>Each physical session opens on first need. One is opened now all the same: the one
   * statements start on (pooled, or direct when pinned from the start or not routing), because
   * callers and pools take a returned connection to mean that the credentials and the database are
   * right, and because that session would be opened by the first statement anyway. When that is the
   * pooled endpoint and nothing answers there (refused, no route, timed out; or 57P03), the direct
   * session is opened instead, so that work that needs only the direct endpoint (migrations, DDL)
   * goes on while PgBouncer is down; the pooled session is tried again when a statement needs it.
   * An endpoint that answers with a refusal (wrong password, channel binding it cannot offer) fails
   * {@code getConnection} as before.
   */
  public static RoutingConnection open(
      PhysicalConnector connector, SessionSource source, RoutingEvents events) throws SQLException {
    RoutingConnection connection = new RoutingConnection(new Router(connector, source, events));
    try {
      connection.openFirstSession();
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

  private void openFirstSession() throws SQLException {
    try {
      router.current();
    } catch (SQLException pooledFailure) {
      if (!router.isRouting()
          || router.isPinned()
          || !SessionFailures.isUnreachable(pooledFailure)) {
        throw pooledFailure;
      }
      try {
        router.physical(EndpointKind.DIRECT);
      } catch (SQLException directFailure) {
        // Both unreachable: the endpoint statements start on is the one to report. Otherwise the
        // direct endpoint's answer (a wrong password, say) is the real problem.
        SQLException first =
            SessionFailures.isUnreachable(directFailure) ? pooledFailure : directFailure;
        first.addSuppressed(first == pooledFailure ? directFailure : pooledFailure);
        throw first;
      }
      LOG.debug(
          "pooled endpoint unreachable ({}); the connection was checked on direct and opens the"
              + " pooled session when a statement needs it",
          pooledFailure.getSQLState());
      // A lent direct session goes back to its pool until a statement needs it.
      giveBackLentSession();
    }
  }

  Router router() {
    return router;
  }

  /** Where this connection's events go (see {@link EventReporter}). */
  EventReporter events() {
    return router.events();
  }

  /**
   * Chooses the session for a statement; see {@link Router#beginStatement}.
   *
   * @param started when the statement began, for its events (0: nobody listens)
   */
  Connection beginStatement(Route route, String sql, long started) throws SQLException {
    checkOpen();
    // A new statement ends the results of the previous one as far as a lent session goes.
    released(lease.statementStarting());
    Connection physical;
    try {
      physical = router.beginStatement(route, sql);
    } catch (SQLException e) {
      throw translate(e);
    }
    if (physical.isClosed()) {
      // A session that ended under an earlier statement (the server terminated it, the network
      // failed) cannot run this one; HikariCP's proxy of it would answer without an SQLState.
      SQLException lost = SessionFailures.lostSession(router, physical, null);
      if (started != 0) {
        reportStatement(physical, sql, started, true, lost.getSQLState());
      }
      router.endStatement(physical, route);
      throw lost;
    }
    lastUsed = physical;
    return physical;
  }

  /**
   * Reports the end of a routed statement that began at {@code started} ({@link
   * EventReporter#start}, not 0) on {@code physical}: finished, or failed with {@code sqlState}.
   */
  void reportStatement(
      Connection physical, String sql, long started, boolean failed, String sqlState) {
    EndpointKind kind = router.kindOf(physical);
    if (kind == null) {
      return; // given back under the statement: it was reported where it ran
    }
    long elapsed = System.nanoTime() - started;
    StatementKind statement = StatementKeywords.kind(sql);
    EventReporter events = router.events();
    if (failed) {
      events.statementFailed(kind, statement, elapsed, sqlState);
    } else {
      events.statementFinished(kind, statement, elapsed);
    }
  }

  /**
   * Records what a statement left behind (see {@link Router#endStatement}) and gives a lent session
   * back when nothing needs it.
   *
   * @param outcome what remains to be read from the statement
   */
  void endStatement(RoutingStatement statement, Connection physical, Route route, Outcome outcome)
      throws SQLException {
    router.endStatement(physical, route);
    released(lease.statementEnded(statement, physical, outcome));
  }

  /** The results {@code statement} held are closed (or it is): a lent session may go back. */
  void resultsClosed(RoutingStatement statement) throws SQLException {
    released(lease.resultsClosed(statement));
  }

  private void giveBackLentSession() throws SQLException {
    released(lease.giveBackIfIdle());
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

  @Override
  void checkOpen() throws SQLException {
    if (closed) {
      throw new SQLException("This connection has been closed.", CONNECTION_CLOSED);
    }
  }

  /**
   * The session JDBC-level calls use ({@link Router#current()}), refused with SQLState 08006 when
   * it has ended under this connection.
   */
  @Override
  Connection session() throws SQLException {
    Connection session;
    try {
      session = router.current();
    } catch (SQLException e) {
      throw translate(e);
    }
    if (session.isClosed()) {
      throw SessionFailures.lostSession(router, session, null);
    }
    return session;
  }

  /**
   * An exception from a physical session, restated as 08006 when that session has ended under this
   * connection (see {@link SessionFailures#translate}).
   */
  SQLException translate(SQLException e) {
    return closed ? e : SessionFailures.translate(router, e);
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
    routed(() -> router.pinDirect());
  }

  @Override
  public boolean isRouting() {
    return router.isRouting();
  }

  @Override
  public Optional<Connection> session(EndpointKind kind) {
    return Optional.ofNullable(router.sessionIfOpen(kind));
  }

  // ---- statements ------------------------------------------------------------------------

  @Override
  public Statement createStatement(
      int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
    checkOpen();
    return new RoutingStatement(
        this, StatementShape.of(resultSetType, resultSetConcurrency, resultSetHoldability));
  }

  @Override
  PreparedStatement prepare(String sql, StatementShape shape) throws SQLException {
    checkOpen();
    return new RoutingPreparedStatement(this, sql, shape);
  }

  @Override
  CallableStatement call(String sql, StatementShape shape) throws SQLException {
    checkOpen();
    return new RoutingCallableStatement(this, sql, shape);
  }

  @Override
  int defaultHoldability() {
    int holdability = router.getHoldabilityIfSet();
    return holdability == -1 ? ResultSet.HOLD_CURSORS_OVER_COMMIT : holdability;
  }

  // ---- transactions ------------------------------------------------------------------------

  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    checkOpen();
    routed(() -> router.setAutoCommit(autoCommit));
    giveBackLentSession();
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
      routed(() -> router.commit());
    } finally {
      giveBackLentSession();
    }
  }

  @Override
  public void rollback() throws SQLException {
    checkOpen();
    try {
      routed(() -> router.rollback());
    } finally {
      giveBackLentSession();
    }
  }

  @Override
  public Savepoint setSavepoint() throws SQLException {
    return inTransactionControl(session -> session.setSavepoint());
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    return inTransactionControl(session -> session.setSavepoint(name));
  }

  @Override
  public void rollback(Savepoint savepoint) throws SQLException {
    inTransactionControl(
        session -> {
          session.rollback(savepoint);
          return null;
        });
  }

  @Override
  public void releaseSavepoint(Savepoint savepoint) throws SQLException {
    inTransactionControl(
        session -> {
          session.releaseSavepoint(savepoint);
          return null;
        });
  }

  /**
   * Runs a savepoint call on the session that holds the transaction ({@link
   * Router#forTransactionControl}), then lets the router see what it did.
   */
  private <T> T inTransactionControl(SessionCall<T> call) throws SQLException {
    checkOpen();
    Connection physical;
    try {
      physical = router.forTransactionControl();
    } catch (SQLException e) {
      throw translate(e);
    }
    if (physical.isClosed()) {
      throw SessionFailures.lostSession(router, physical, null);
    }
    try {
      return call.on(physical);
    } catch (SQLException e) {
      throw translate(e);
    } finally {
      router.afterTransactionControl(physical);
      giveBackLentSession();
    }
  }

  /** A call on the router whose failure is restated by {@link #translate}. */
  private void routed(RouterCall call) throws SQLException {
    try {
      call.run();
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** A call on the router that may fail as pgJDBC's calls do. */
  @FunctionalInterface
  private interface RouterCall {
    void run() throws SQLException;
  }

  /** A call on one physical session. */
  @FunctionalInterface
  private interface SessionCall<T> {
    T on(Connection session) throws SQLException;
  }

  @Override
  public void setTransactionIsolation(int level) throws SQLException {
    checkOpen();
    routed(() -> router.setTransactionIsolation(level));
  }

  @Override
  public int getTransactionIsolation() throws SQLException {
    checkOpen();
    int level = router.getTransactionIsolation();
    return level == -1 ? session().getTransactionIsolation() : level;
  }

  // ---- session state -----------------------------------------------------------------------

  @Override
  public void setReadOnly(boolean readOnly) throws SQLException {
    checkOpen();
    routed(() -> router.setReadOnly(readOnly));
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    checkOpen();
    return router.isReadOnly();
  }

  @Override
  public void setSchema(String schema) throws SQLException {
    checkOpen();
    routed(() -> router.setSchema(schema));
  }

  @Override
  public String getSchema() throws SQLException {
    checkOpen();
    String schema = router.getSchemaIfSet();
    return schema != null ? schema : session().getSchema();
  }

  @Override
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    checkOpen();
    routed(() -> router.setTypeMap(map));
  }

  @Override
  public void setHoldability(int holdability) throws SQLException {
    checkOpen();
    routed(() -> router.setHoldability(holdability));
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
  public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    checkOpen();
    routed(() -> router.setNetworkTimeout(executor, milliseconds));
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
    return new RoutingDatabaseMetaData(this, session().getMetaData());
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    return lastUsed == null ? null : lastUsed.getWarnings();
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
    router.forEachOpenSession((kind, session) -> session.clearWarnings());
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
    routed(() -> router.endRequest());
    giveBackLentSession();
  }

  @Override
  public boolean isValid(int timeout) throws SQLException {
    if (timeout < 0) {
      throw new SQLException("Invalid timeout (" + timeout + "<0).", "22023");
    }
    if (closed) {
      return false;
    }
    // A loop, not forEach: a client pool may ask on every borrow.
    for (EndpointKind kind : KINDS) {
      Connection session = router.sessionIfOpen(kind);
      if (session != null && !session.isValid(timeout)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    lastUsed = null;
    SQLException failure = null;
    lease.connectionClosing();
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
    return closed || SessionFailures.brokenSession(router) != null;
  }

  @Override
  public void abort(Executor executor) throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    router.abort(executor);
  }

  @Override
  public String toString() {
    return "jdbc:neon: connection (" + (router.isPinned() ? "pinned to direct" : "routing") + ")";
  }
}

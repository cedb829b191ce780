package dev.neonjdbc.routing;

import dev.neonjdbc.config.EndpointKind;
import dev.neonjdbc.config.RouteMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.Executor;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing state of one logical connection: its two lazily opened physical pgJDBC sessions, the
 * pin, the transaction that owns a physical session, and the session state that must never reach
 * the pooler.
 *
 * <p>Rules (DESIGN.md, Routing): a pinning statement moves everything after it to the direct
 * session until {@code DISCARD ALL}; a transaction stays on the physical session its first
 * statement chose; a pinning statement inside a pooled transaction is refused before anything is
 * sent; transaction isolation and schema are applied per transaction on the pooler (or by pinning
 * when no transaction carries them). Not thread-safe, like a JDBC connection.
 *
 * <p>Physical sessions come from a {@link SessionSource}. The driver's opens them on first need and
 * closes them on close; a data source's may lend the direct session per statement, in which case
 * the router gives it back as soon as no pin, no transaction and no open result needs it (see
 * {@link #idleLentSession()}).
 */
public final class Router {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  /** SQLState for a statement the router refuses to run (feature not supported). */
  public static final String REFUSED = "0A000";

  private final SessionSource source;
  private final RoutingEvents events;
  private final boolean routing;
  private final boolean lendsDirect;
  private final EndpointKind forcedEndpoint;
  // Startup parameters (currentSchema, options) that only the direct session carries: DISCARD ALL
  // resets to them, so it cannot end this pin.
  private final boolean pinnedAtStartup;

  private Connection pooled;
  private Connection direct;
  private boolean pinned;
  private Connection transactionOwner;
  // Whether state a pool does not reset by itself was placed on the session (see SessionSource).
  private boolean pooledNeedsReset;
  private boolean directNeedsReset;

  // Logical session state, applied to physical sessions as they open.
  private boolean autoCommit = true;
  private int isolation = -1;
  private String schema;
  private final ClientSideSettings settings = new ClientSideSettings();

  /** A router over the endpoints {@code connector} knows, opening sessions as the driver does. */
  public Router(PhysicalConnector connector) {
    this(connector, SessionSource.opening(connector), RoutingEvents.NONE);
  }

  /**
   * A router over the endpoints {@code connector} knows, taking its sessions from {@code source}
   * and reporting to {@code events}.
   */
  public Router(PhysicalConnector connector, SessionSource source, RoutingEvents events) {
    this.source = source;
    this.events = events;
    RouteMode mode = connector.settings().routeMode();
    this.routing = mode == RouteMode.AUTO && connector.settings().hasBothEndpoints();
    // Without per-statement routing there is no transaction tracking to tell when a lent session
    // is free again: the one session is held until close.
    this.lendsDirect = routing && source.lendsPerStatement(EndpointKind.DIRECT);
    this.forcedEndpoint = mode == RouteMode.DIRECT ? EndpointKind.DIRECT : EndpointKind.POOLED;
    this.pinnedAtStartup = routing && connector.startupStateForcesPin();
    if (pinnedAtStartup) {
      LOG.debug("startup options or currentSchema set: connection pinned to direct");
      pin();
    }
  }

  /** Whether statements are routed one by one. */
  public boolean isRouting() {
    return routing;
  }

  /** Whether the connection is pinned to its direct session. */
  public boolean isPinned() {
    return pinned;
  }

  /** The pooled physical session if open. */
  public Connection pooledIfOpen() {
    return pooled;
  }

  /** The direct physical session if open. */
  public Connection directIfOpen() {
    return direct;
  }

  /** The endpoint a statement of {@code route} would take now. */
  public EndpointKind endpointFor(Route route) {
    if (!routing) {
      return forcedEndpoint;
    }
    if (transactionOwner != null) {
      return transactionOwner == direct ? EndpointKind.DIRECT : EndpointKind.POOLED;
    }
    return pinned || route != Route.POOLED ? EndpointKind.DIRECT : EndpointKind.POOLED;
  }

  /**
   * Chooses (opening if needed) the physical session for a statement of {@code route}, refusing a
   * pinning statement inside a pooled transaction, and starting a pooled transaction with the
   * logical isolation level and schema when one begins here.
   *
   * @param sql the statement, used only for the message of a refusal and DEBUG logs
   */
  public Connection beginStatement(Route route, String sql) throws SQLException {
    if (!routing) {
      events.statementRouted(forcedEndpoint);
      return physical(forcedEndpoint);
    }
    Connection target;
    boolean adopted = transactionOwner == null && !autoCommit && adoptOpenTransaction();
    if (transactionOwner != null) {
      if (route == Route.PIN && transactionOwner == pooled) {
        events.refused();
        throw SessionSql.refusal(StatementKeywords.first(sql));
      }
      if (adopted && transactionOwner == pooled) {
        // Give it the logical isolation level and schema, as if the router had begun it. After a
        // query the server refuses the isolation level: an error rather than a transaction that
        // silently runs without it.
        startPooledTransaction(pooled);
      }
      target = transactionOwner;
      if (route == Route.PIN) {
        pin();
      }
    } else if (pinned || route != Route.POOLED) {
      if (route == Route.PIN) {
        pin();
      }
      target = physical(EndpointKind.DIRECT);
    } else {
      target = physical(EndpointKind.POOLED);
      if (!autoCommit) {
        startPooledTransaction(target);
      }
    }
    events.statementRouted(target == direct ? EndpointKind.DIRECT : EndpointKind.POOLED);
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} -> {}", StatementKeywords.first(sql), target == direct ? "direct" : "pooled");
    }
    return target;
  }

  /**
   * Takes as the transaction's session one whose transaction began without a statement of the
   * router: pgJDBC's own metadata queries open one when auto-commit is off, and so does a {@code
   * BEGIN} sent in auto-commit mode before auto-commit was switched off. Later statements, commit
   * and rollback must go there too. Sends nothing.
   *
   * @return whether such a transaction was found
   */
  private boolean adoptOpenTransaction() throws SQLException {
    if (pooled != null && inTransaction(pooled)) {
      transactionOwner = pooled;
      return true;
    }
    if (direct != null && inTransaction(direct)) {
      transactionOwner = direct;
      return true;
    }
    return false;
  }

  /**
   * Records what the statement left behind: whether its physical session is now inside a
   * transaction, and whether {@code DISCARD ALL} ended the pin.
   */
  public void endStatement(Connection physical, Route route) throws SQLException {
    if (!routing) {
      return;
    }
    boolean inTransaction = inTransaction(physical);
    if (inTransaction) {
      transactionOwner = physical;
    } else if (transactionOwner == physical) {
      transactionOwner = null;
    }
    if (route == Route.UNPIN && physical == direct && !inTransaction) {
      // DISCARD ALL reset the direct session to its defaults: the logical state goes with it.
      pinned = pinnedAtStartup;
      schema = null;
      isolation = -1;
    }
  }

  /**
   * The session JDBC-level calls that need a server (metadata, {@code unwrap}, savepoints) use: the
   * transaction's, else the direct one when pinned, else the pooled one.
   */
  public Connection current() throws SQLException {
    if (!routing) {
      return physical(forcedEndpoint);
    }
    if (transactionOwner != null) {
      return transactionOwner;
    }
    return physical(pinned ? EndpointKind.DIRECT : EndpointKind.POOLED);
  }

  /** Pins to direct, as a pinning statement would. */
  public void pinDirect() throws SQLException {
    if (!routing) {
      return;
    }
    if (transactionOwner != null && transactionOwner == pooled) {
      events.refused();
      throw SessionSql.refusal("pinDirect()");
    }
    pin();
  }

  private void pin() {
    if (!pinned) {
      pinned = true;
      events.pinned();
    }
    if (direct != null) {
      directNeedsReset = true;
    }
  }

  // ---- lending -----------------------------------------------------------------------------

  /**
   * The direct session if it is lent per statement and nothing holds it any more (no pin, no
   * transaction on it), else {@code null}. The caller gives it back with {@link #releaseLent} once
   * no open result needs it.
   */
  public Connection idleLentSession() {
    if (lendsDirect && direct != null && !pinned && transactionOwner != direct) {
      return direct;
    }
    return null;
  }

  /** The direct session if it is open and lent per statement, else {@code null}. */
  public Connection lentDirectSession() {
    return lendsDirect ? direct : null;
  }

  /** Gives back the session {@link #idleLentSession()} returned. */
  public void releaseLent(Connection session) throws SQLException {
    if (session != direct) {
      throw new IllegalStateException("not the lent direct session");
    }
    direct = null;
    boolean needsReset = directNeedsReset;
    directNeedsReset = false;
    source.release(session, EndpointKind.DIRECT, needsReset);
  }

  // ---- transactions ------------------------------------------------------------------------

  /** Logical auto-commit. */
  public boolean getAutoCommit() {
    return autoCommit;
  }

  /** Sets auto-commit on every open session (pgJDBC commits an open transaction, as JDBC says). */
  public void setAutoCommit(boolean value) throws SQLException {
    if (value == autoCommit) {
      return;
    }
    if (pooled != null) {
      pooled.setAutoCommit(value);
    }
    if (direct != null) {
      direct.setAutoCommit(value);
    }
    autoCommit = value;
    transactionOwner = null;
    pinForSchemaIfNeeded();
  }

  /** Commits the open transaction, wherever it runs. */
  public void commit() throws SQLException {
    if (autoCommit) {
      throw new SQLException("Cannot commit when autoCommit is enabled.", "25P01");
    }
    Connection owner = transactionToEnd();
    if (owner != null) {
      owner.commit();
    }
  }

  /** Rolls back the open transaction, wherever it runs. */
  public void rollback() throws SQLException {
    if (autoCommit) {
      throw new SQLException("Cannot rollback when autoCommit is enabled.", "25P01");
    }
    Connection owner = transactionToEnd();
    if (owner != null) {
      owner.rollback();
    }
  }

  /**
   * The session whose transaction commit or rollback ends, forgotten as the owner: without routing
   * the one session (pgJDBC tracks its transaction itself), else the tracked or adopted owner.
   */
  private Connection transactionToEnd() throws SQLException {
    if (!routing) {
      return forcedEndpoint == EndpointKind.DIRECT ? direct : pooled;
    }
    if (transactionOwner == null) {
      adoptOpenTransaction();
    }
    Connection owner = transactionOwner;
    transactionOwner = null;
    return owner;
  }

  /**
   * The session a savepoint call goes to: the open transaction's, or the one a new transaction
   * would start on (pooled unless pinned).
   */
  public Connection forTransactionControl() throws SQLException {
    Connection target = current();
    if (routing && transactionOwner == null && target == pooled && !autoCommit) {
      startPooledTransaction(target);
    }
    return target;
  }

  /** Called after a savepoint call so the transaction is tracked. */
  public void afterTransactionControl(Connection physical) throws SQLException {
    endStatement(physical, Route.POOLED);
  }

  // ---- session state -----------------------------------------------------------------------

  /** Logical isolation level (-1 when never set). */
  public int getTransactionIsolation() {
    return isolation;
  }

  /**
   * Sets the isolation level: on the direct session as pgJDBC does it (session level), on the
   * pooler per transaction ({@code SET TRANSACTION ISOLATION LEVEL} as its first statement).
   */
  public void setTransactionIsolation(int level) throws SQLException {
    SessionSql.isolation(level); // validates
    if (!routing) {
      physical(forcedEndpoint).setTransactionIsolation(level);
      isolation = level;
      return;
    }
    if (transactionOwner != null) {
      throw new SQLException(
          "Cannot change transaction isolation level in the middle of a transaction.", "25001");
    }
    if (direct != null) {
      direct.setTransactionIsolation(level);
    }
    isolation = level;
  }

  /** Logical schema, or {@code null} when never set. */
  public String getSchemaIfSet() {
    return schema;
  }

  /**
   * Sets the schema: on the direct session as pgJDBC does it; on the pooler with {@code SET LOCAL
   * search_path} at the start of each transaction. In auto-commit mode no transaction carries it,
   * so the connection pins to direct.
   */
  public void setSchema(String value) throws SQLException {
    if (!routing) {
      physical(forcedEndpoint).setSchema(value);
      schema = value;
      return;
    }
    if (direct != null) {
      direct.setSchema(value);
      directNeedsReset = true;
    }
    if (transactionOwner != null && transactionOwner == pooled) {
      try (Statement statement = pooled.createStatement()) {
        statement.execute(SessionSql.setLocalSearchPath(value));
      }
    }
    schema = value;
    pinForSchemaIfNeeded();
  }

  private void pinForSchemaIfNeeded() {
    if (routing && schema != null && autoCommit && !pinned) {
      LOG.debug("schema set in auto-commit mode: connection pinned to direct");
      pin();
    }
  }

  /** Logical read-only flag. */
  public boolean isReadOnly() {
    return settings.readOnly;
  }

  /** Read-only applies per transaction in pgJDBC ({@code BEGIN READ ONLY}): safe on both. */
  public void setReadOnly(boolean value) throws SQLException {
    // pgJDBC refuses the change inside a transaction: ask the transaction's session first, so that
    // a refusal leaves the other session as it was.
    Connection first = transactionOwner == direct ? direct : pooled;
    Connection second = first == direct ? pooled : direct;
    if (first != null) {
      first.setReadOnly(value);
    }
    if (second != null) {
      second.setReadOnly(value);
    }
    settings.readOnly = value;
  }

  /** Sets the holdability on every session, now and when opened. */
  public void setHoldability(int value) throws SQLException {
    if (pooled != null) {
      pooled.setHoldability(value);
      pooledNeedsReset = true;
    }
    if (direct != null) {
      direct.setHoldability(value);
      directNeedsReset = true;
    }
    settings.holdability = value;
  }

  /** Logical holdability, or -1 when never set. */
  public int getHoldabilityIfSet() {
    return settings.holdability;
  }

  /** Sets the type map on every session, now and when opened. */
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    if (pooled != null) {
      pooled.setTypeMap(map);
      pooledNeedsReset = true;
    }
    if (direct != null) {
      direct.setTypeMap(map);
      directNeedsReset = true;
    }
    settings.typeMap = map;
  }

  /**
   * Client info ({@code ApplicationName}) is applied on both sessions: PgBouncer tracks {@code
   * application_name} per client and restores it on whichever server connection it uses.
   */
  public void setClientInfo(String name, String value) throws java.sql.SQLClientInfoException {
    if (pooled != null) {
      pooled.setClientInfo(name, value);
      pooledNeedsReset = true;
    }
    if (direct != null) {
      direct.setClientInfo(name, value);
      directNeedsReset = true;
    }
    settings.clientInfo(name, value);
  }

  /** Sets the network timeout on every session, now and when opened. */
  public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    if (pooled != null) {
      pooled.setNetworkTimeout(executor, milliseconds);
    }
    if (direct != null) {
      direct.setNetworkTimeout(executor, milliseconds);
    }
    settings.networkTimeoutExecutor = executor;
    settings.networkTimeout = milliseconds;
  }

  /** Logical network timeout, or -1 when never set. */
  public int getNetworkTimeoutIfSet() {
    return settings.networkTimeout;
  }

  // ---- physical sessions -------------------------------------------------------------------

  /**
   * The physical session for {@code kind}, opened and brought to the logical state on first use.
   */
  public Connection physical(EndpointKind kind) throws SQLException {
    if (kind == EndpointKind.DIRECT) {
      if (direct == null) {
        direct = open(EndpointKind.DIRECT);
      }
      return direct;
    }
    if (pooled == null) {
      pooled = open(EndpointKind.POOLED);
    }
    return pooled;
  }

  private Connection open(EndpointKind kind) throws SQLException {
    Connection connection = source.acquire(kind);
    boolean sessionStateAllowed = !routing || kind == EndpointKind.DIRECT;
    boolean needsReset =
        settings.needReset()
            || (sessionStateAllowed && schema != null)
            || (kind == EndpointKind.DIRECT && pinned);
    try {
      if (!autoCommit) {
        connection.setAutoCommit(false);
      }
      settings.applyTo(connection);
      if (sessionStateAllowed && isolation != -1) {
        connection.setTransactionIsolation(isolation);
      }
      if (sessionStateAllowed && schema != null) {
        connection.setSchema(schema);
      }
    } catch (SQLException | RuntimeException e) {
      try {
        source.release(connection, kind, true);
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    if (kind == EndpointKind.DIRECT) {
      directNeedsReset = needsReset;
    } else {
      pooledNeedsReset = needsReset;
    }
    return connection;
  }

  /**
   * Gives both physical sessions back to their source (the driver's closes them); the first failure
   * is thrown after both were tried.
   */
  public void close() throws SQLException {
    SQLException failure = null;
    Connection pooledSession = pooled;
    Connection directSession = direct;
    pooled = null;
    direct = null;
    transactionOwner = null;
    if (pooledSession != null) {
      failure = release(pooledSession, EndpointKind.POOLED, pooledNeedsReset, failure);
    }
    if (directSession != null) {
      failure = release(directSession, EndpointKind.DIRECT, directNeedsReset, failure);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private SQLException release(
      Connection session, EndpointKind kind, boolean needsReset, SQLException failure) {
    try {
      source.release(session, kind, needsReset);
      return failure;
    } catch (SQLException e) {
      if (failure == null) {
        return e;
      }
      failure.addSuppressed(e);
      return failure;
    }
  }

  /** Aborts both physical sessions. */
  public void abort(Executor executor) throws SQLException {
    Connection pooledSession = pooled;
    Connection directSession = direct;
    pooled = null;
    direct = null;
    transactionOwner = null;
    if (pooledSession != null) {
      source.abort(pooledSession, EndpointKind.POOLED, executor);
    }
    if (directSession != null) {
      source.abort(directSession, EndpointKind.DIRECT, executor);
    }
  }

  private void startPooledTransaction(Connection target) throws SQLException {
    if (isolation == -1 && schema == null) {
      return;
    }
    StringBuilder sql = new StringBuilder();
    if (isolation != -1) {
      sql.append("SET TRANSACTION ISOLATION LEVEL ").append(SessionSql.isolation(isolation));
    }
    if (schema != null) {
      if (sql.length() > 0) {
        sql.append("; ");
      }
      sql.append(SessionSql.setLocalSearchPath(schema));
    }
    try (Statement statement = target.createStatement()) {
      statement.execute(sql.toString());
    }
    transactionOwner = target;
  }

  private static boolean inTransaction(Connection physical) throws SQLException {
    if (physical instanceof BaseConnection) {
      return ((BaseConnection) physical).getTransactionState() != TransactionState.IDLE;
    }
    BaseConnection base = physical.unwrap(BaseConnection.class);
    return base.getTransactionState() != TransactionState.IDLE;
  }
}

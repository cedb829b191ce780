package dev.neonjdbc.routing;

import dev.neonjdbc.config.EndpointKind;
import dev.neonjdbc.config.RouteMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
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
 */
public final class Router {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  /** SQLState for a statement the router refuses to run (feature not supported). */
  public static final String REFUSED = "0A000";

  private final PhysicalConnector connector;
  private final boolean routing;
  private final EndpointKind forcedEndpoint;

  private Connection pooled;
  private Connection direct;
  private boolean pinned;
  private Connection transactionOwner;

  // Logical session state, applied to physical sessions as they open.
  private boolean autoCommit = true;
  private boolean readOnly;
  private int isolation = -1;
  private String schema;
  private int holdability = -1;
  private Map<String, Class<?>> typeMap;
  private final Properties clientInfo = new Properties();
  private Executor networkTimeoutExecutor;
  private int networkTimeout = -1;

  /** A router over the endpoints {@code connector} knows. */
  public Router(PhysicalConnector connector) {
    this.connector = connector;
    RouteMode mode = connector.settings().routeMode();
    this.routing = mode == RouteMode.AUTO && connector.settings().hasBothEndpoints();
    this.forcedEndpoint = mode == RouteMode.DIRECT ? EndpointKind.DIRECT : EndpointKind.POOLED;
    if (routing && connector.startupStateForcesPin()) {
      LOG.debug("startup options or currentSchema set: connection pinned to direct");
      pinned = true;
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
      return physical(forcedEndpoint);
    }
    Connection target;
    if (transactionOwner != null) {
      if (route == Route.PIN && transactionOwner == pooled) {
        throw refusal(StatementKeywords.first(sql));
      }
      target = transactionOwner;
      if (route == Route.PIN) {
        pinned = true;
      }
    } else if (pinned || route != Route.POOLED) {
      if (route == Route.PIN) {
        pinned = true;
      }
      target = physical(EndpointKind.DIRECT);
    } else {
      target = physical(EndpointKind.POOLED);
      if (!autoCommit) {
        startPooledTransaction(target);
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} -> {}", StatementKeywords.first(sql), target == direct ? "direct" : "pooled");
    }
    return target;
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
      pinned = false;
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
      throw refusal("pinDirect()");
    }
    pinned = true;
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
    Connection owner = transactionOwner;
    transactionOwner = null;
    if (owner != null) {
      owner.commit();
    }
  }

  /** Rolls back the open transaction, wherever it runs. */
  public void rollback() throws SQLException {
    if (autoCommit) {
      throw new SQLException("Cannot rollback when autoCommit is enabled.", "25P01");
    }
    Connection owner = transactionOwner;
    transactionOwner = null;
    if (owner != null) {
      owner.rollback();
    }
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
    isolationSql(level); // validates
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
    }
    if (transactionOwner != null && transactionOwner == pooled) {
      try (Statement statement = pooled.createStatement()) {
        statement.execute("SET LOCAL search_path TO " + quoteIdentifier(value));
      }
    }
    schema = value;
    pinForSchemaIfNeeded();
  }

  private void pinForSchemaIfNeeded() {
    if (routing && schema != null && autoCommit && !pinned) {
      LOG.debug("schema set in auto-commit mode: connection pinned to direct");
      pinned = true;
    }
  }

  /** Logical read-only flag. */
  public boolean isReadOnly() {
    return readOnly;
  }

  /** Read-only applies per transaction in pgJDBC ({@code BEGIN READ ONLY}): safe on both. */
  public void setReadOnly(boolean value) throws SQLException {
    if (pooled != null) {
      pooled.setReadOnly(value);
    }
    if (direct != null) {
      direct.setReadOnly(value);
    }
    readOnly = value;
  }

  /** Sets the holdability on every session, now and when opened. */
  public void setHoldability(int value) throws SQLException {
    if (pooled != null) {
      pooled.setHoldability(value);
    }
    if (direct != null) {
      direct.setHoldability(value);
    }
    holdability = value;
  }

  /** Logical holdability, or -1 when never set. */
  public int getHoldabilityIfSet() {
    return holdability;
  }

  /** Sets the type map on every session, now and when opened. */
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    if (pooled != null) {
      pooled.setTypeMap(map);
    }
    if (direct != null) {
      direct.setTypeMap(map);
    }
    typeMap = map;
  }

  /**
   * Client info ({@code ApplicationName}) is applied on both sessions: PgBouncer tracks {@code
   * application_name} per client and restores it on whichever server connection it uses.
   */
  public void setClientInfo(String name, String value) throws java.sql.SQLClientInfoException {
    if (pooled != null) {
      pooled.setClientInfo(name, value);
    }
    if (direct != null) {
      direct.setClientInfo(name, value);
    }
    if (value == null) {
      clientInfo.remove(name);
    } else {
      clientInfo.setProperty(name, value);
    }
  }

  /** Sets the network timeout on every session, now and when opened. */
  public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    if (pooled != null) {
      pooled.setNetworkTimeout(executor, milliseconds);
    }
    if (direct != null) {
      direct.setNetworkTimeout(executor, milliseconds);
    }
    networkTimeoutExecutor = executor;
    networkTimeout = milliseconds;
  }

  /** Logical network timeout, or -1 when never set. */
  public int getNetworkTimeoutIfSet() {
    return networkTimeout;
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
    Connection connection = connector.open(kind);
    try {
      if (!autoCommit) {
        connection.setAutoCommit(false);
      }
      if (readOnly) {
        connection.setReadOnly(true);
      }
      if (holdability != -1) {
        connection.setHoldability(holdability);
      }
      if (typeMap != null) {
        connection.setTypeMap(typeMap);
      }
      if (!clientInfo.isEmpty()) {
        connection.setClientInfo(clientInfo);
      }
      if (networkTimeout != -1) {
        connection.setNetworkTimeout(networkTimeoutExecutor, networkTimeout);
      }
      boolean sessionStateAllowed = !routing || kind == EndpointKind.DIRECT;
      if (sessionStateAllowed && isolation != -1) {
        connection.setTransactionIsolation(isolation);
      }
      if (sessionStateAllowed && schema != null) {
        connection.setSchema(schema);
      }
      return connection;
    } catch (SQLException | RuntimeException e) {
      try {
        connection.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Closes both physical sessions; the first failure is thrown after both were tried. */
  public void close() throws SQLException {
    SQLException failure = null;
    for (Connection connection : new Connection[] {pooled, direct}) {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    }
    pooled = null;
    direct = null;
    transactionOwner = null;
    if (failure != null) {
      throw failure;
    }
  }

  /** Aborts both physical sessions. */
  public void abort(Executor executor) throws SQLException {
    if (pooled != null) {
      pooled.abort(executor);
    }
    if (direct != null) {
      direct.abort(executor);
    }
  }

  private void startPooledTransaction(Connection target) throws SQLException {
    if (isolation == -1 && schema == null) {
      return;
    }
    StringBuilder sql = new StringBuilder();
    if (isolation != -1) {
      sql.append("SET TRANSACTION ISOLATION LEVEL ").append(isolationSql(isolation));
    }
    if (schema != null) {
      if (sql.length() > 0) {
        sql.append("; ");
      }
      sql.append("SET LOCAL search_path TO ").append(quoteIdentifier(schema));
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

  private static SQLException refusal(String keyword) {
    return new SQLException(
        keyword
            + " creates session state, which needs the direct endpoint, but this transaction"
            + " is open on the pooled endpoint (PgBouncer would hand its server connection to"
            + " another client). Start such a transaction on the direct endpoint: make its first"
            + " statement carry the hint /* neon:direct */, or call"
            + " connection.unwrap(NeonConnection.class).pinDirect() before it begins.",
        REFUSED);
  }

  private static String isolationSql(int level) throws SQLException {
    switch (level) {
      case Connection.TRANSACTION_READ_UNCOMMITTED:
        return "READ UNCOMMITTED";
      case Connection.TRANSACTION_READ_COMMITTED:
        return "READ COMMITTED";
      case Connection.TRANSACTION_REPEATABLE_READ:
        return "REPEATABLE READ";
      case Connection.TRANSACTION_SERIALIZABLE:
        return "SERIALIZABLE";
      default:
        throw new SQLException("Transaction isolation level " + level + " not supported.", "HY024");
    }
  }

  /** Quotes a schema name for {@code search_path}, as pgJDBC's setSchema does. */
  static String quoteIdentifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}

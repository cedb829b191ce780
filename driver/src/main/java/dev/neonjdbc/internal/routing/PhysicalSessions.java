package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.SessionSource;
import java.sql.Connection;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Executor;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The physical pgJDBC sessions of one logical connection, pooled and direct, taken from a {@link
 * SessionSource} on first need and given back to it, and the JDBC settings every one of them gets
 * alike: auto-commit, read-only, holdability, type map, client info and network timeout (see {@link
 * ClientSideSettings}), applied to the open sessions when set and to each session as it opens.
 *
 * <p>It also remembers, per session, whether state its pool does not reset by itself was placed on
 * it, and says so when it gives the session back ({@link SessionSource#release}). Which session a
 * statement takes is the {@link Router}'s decision; the isolation level, schema and session
 * parameters are {@link SessionStateCarrier}'s. Not thread-safe, like a JDBC connection.
 */
final class PhysicalSessions {
  private final SessionSource source;

  private Connection pooled;
  private Connection direct;
  // Whether state a pool does not reset by itself was placed on the session (see SessionSource).
  private boolean pooledNeedsReset;
  private boolean directNeedsReset;

  private boolean autoCommit = true;
  private final ClientSideSettings settings = new ClientSideSettings();

  /** Sessions taken from {@code source}; none is open yet. */
  PhysicalSessions(SessionSource source) {
    this.source = source;
  }

  /** The pooled session if open, else {@code null}. */
  Connection pooled() {
    return pooled;
  }

  /** The direct session if open, else {@code null}. */
  Connection direct() {
    return direct;
  }

  /**
   * Takes a session of {@code kind} from the source and brings it to the logical settings:
   * auto-commit, the client-side settings, then the isolation level and schema given (pgJDBC's
   * session-level setters). A session that fails to take them goes back to the source at once, to
   * be reset.
   *
   * @param isolation the isolation level to set at session level, or -1 for none
   * @param schema the schema to set at session level, or {@code null} for none
   * @param stateNeedsReset whether the logical session state placed on it (a schema, a pin,
   *     parameters) needs a reset before anyone else uses it
   * @return the session, now open
   */
  Connection open(EndpointKind kind, int isolation, String schema, boolean stateNeedsReset)
      throws SQLException {
    Connection connection = source.acquire(kind);
    boolean needsReset = settings.needReset() || stateNeedsReset;
    try {
      if (!autoCommit) {
        connection.setAutoCommit(false);
      }
      settings.applyTo(connection);
      if (isolation != -1) {
        connection.setTransactionIsolation(isolation);
      }
      if (schema != null) {
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
      direct = connection;
      directNeedsReset = needsReset;
    } else {
      pooled = connection;
      pooledNeedsReset = needsReset;
    }
    return connection;
  }

  /** Notes that state a pool does not reset by itself was placed on the direct session, if open. */
  void markDirectNeedsReset() {
    if (direct != null) {
      directNeedsReset = true;
    }
  }

  /** Gives the direct session back to the source (a lent one, when nothing needs it any more). */
  void releaseDirect() throws SQLException {
    Connection session = direct;
    direct = null;
    boolean needsReset = directNeedsReset;
    directNeedsReset = false;
    source.release(session, EndpointKind.DIRECT, needsReset);
  }

  /**
   * Gives both sessions back to the source (the driver's closes them); the first failure is thrown
   * after both were tried.
   */
  void close() throws SQLException {
    SQLException failure = null;
    Connection pooledSession = pooled;
    Connection directSession = direct;
    pooled = null;
    direct = null;
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

  /** Gives one session back; returns the first failure so far, later ones added as suppressed. */
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

  /** Aborts both sessions. */
  void abort(Executor executor) throws SQLException {
    Connection pooledSession = pooled;
    Connection directSession = direct;
    pooled = null;
    direct = null;
    if (pooledSession != null) {
      source.abort(pooledSession, EndpointKind.POOLED, executor);
    }
    if (directSession != null) {
      source.abort(directSession, EndpointKind.DIRECT, executor);
    }
  }

  // ---- auto-commit ---------------------------------------------------------------------------

  /** Logical auto-commit. */
  boolean autoCommit() {
    return autoCommit;
  }

  /**
   * Sets auto-commit on every open session (pgJDBC commits an open transaction, as JDBC says), and
   * on each session as it opens.
   */
  void setAutoCommit(boolean value) throws SQLException {
    if (pooled != null) {
      pooled.setAutoCommit(value);
    }
    if (direct != null) {
      direct.setAutoCommit(value);
    }
    autoCommit = value;
  }

  /**
   * Lets a query run on {@code session} without beginning a transaction when auto-commit is off
   * (pgJDBC sends nothing to switch it while no transaction is open).
   *
   * @return whether auto-commit must be switched off again with {@link #restoreAutoCommit}
   */
  boolean outsideTransaction(Connection session) throws SQLException {
    if (autoCommit || inTransaction(session)) {
      return false;
    }
    session.setAutoCommit(true);
    return true;
  }

  /** Undoes {@link #outsideTransaction} when it switched auto-commit on. */
  static void restoreAutoCommit(Connection session, boolean restore) throws SQLException {
    if (restore) {
      session.setAutoCommit(false);
    }
  }

  // ---- settings mirrored onto every session --------------------------------------------------

  /** Logical read-only flag. */
  boolean isReadOnly() {
    return settings.readOnly;
  }

  /**
   * Sets read-only on both sessions, now and when opened: it applies per transaction in pgJDBC
   * ({@code BEGIN READ ONLY}), so it is safe on both.
   *
   * @param transactionOwner the session of the open transaction, or {@code null}
   */
  void setReadOnly(boolean value, Connection transactionOwner) throws SQLException {
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
  void setHoldability(int value) throws SQLException {
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
  int holdabilityIfSet() {
    return settings.holdability;
  }

  /** Sets the type map on every session, now and when opened. */
  void setTypeMap(Map<String, Class<?>> map) throws SQLException {
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
  void setClientInfo(String name, String value) throws SQLClientInfoException {
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
  void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
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
  int networkTimeoutIfSet() {
    return settings.networkTimeout;
  }

  // ---- what pgJDBC knows of a session's transaction ------------------------------------------

  /** Whether {@code physical} is inside a transaction (open or failed), by pgJDBC's tracking. */
  static boolean inTransaction(Connection physical) throws SQLException {
    if (physical instanceof BaseConnection) {
      return ((BaseConnection) physical).getTransactionState() != TransactionState.IDLE;
    }
    BaseConnection base = physical.unwrap(BaseConnection.class);
    return base.getTransactionState() != TransactionState.IDLE;
  }

  /** Whether the session's transaction failed: nothing more runs there before it ends. */
  static boolean transactionFailed(Connection physical) throws SQLException {
    BaseConnection base =
        physical instanceof BaseConnection
            ? (BaseConnection) physical
            : physical.unwrap(BaseConnection.class);
    return base.getTransactionState() == TransactionState.FAILED;
  }
}

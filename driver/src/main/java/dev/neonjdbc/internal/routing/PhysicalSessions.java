package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.routing.RouterSessionSource.TransactionStatus;
import dev.neonjdbc.spi.SessionSource;
import java.sql.Connection;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The physical pgJDBC sessions of one logical connection, one per endpoint kind, taken from a
 * {@link SessionSource} on first need and given back to it, and the JDBC settings every one of them
 * gets alike: auto-commit, read-only, holdability, type map, client info and network timeout (see
 * {@link ClientSideSettings}), applied to the open sessions when set and to each session as it
 * opens.
 *
 * <p>It also remembers, per session, whether state its pool does not reset by itself was placed on
 * it, and says so when it gives the session back ({@link SessionSource#release}). Which session a
 * statement takes is the {@link Router}'s decision; the isolation level, schema and session
 * parameters are {@link SessionStateCarrier}'s. Not thread-safe, like a JDBC connection.
 */
final class PhysicalSessions {
  private static final EndpointKind[] KINDS = EndpointKind.values();

  private final RouterSessionSource source;

  private final EndpointSlots<Connection> open = new EndpointSlots<>();
  // The kinds whose session got state a pool does not reset by itself (see SessionSource).
  private final EnumSet<EndpointKind> needsReset = EnumSet.noneOf(EndpointKind.class);

  private boolean autoCommit = true;
  private final ClientSideSettings settings = new ClientSideSettings();

  /** Sessions taken from {@code source}; none is open yet. */
  PhysicalSessions(RouterSessionSource source) {
    this.source = source;
  }

  /** The session of {@code kind} if open, else {@code null}. */
  Connection get(EndpointKind kind) {
    return open.get(kind);
  }

  /** The kind of the open session {@code session}, or {@code null} when it is none of them. */
  EndpointKind kindOf(Connection session) {
    return open.kindOf(session);
  }

  /** Calls {@code action} for each open session, in the kinds' declaration order. */
  <E extends Exception> void forEachOpen(EndpointSlots.SlotAction<? super Connection, E> action)
      throws E {
    open.forEach(action);
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
    boolean reset = settings.needReset() || stateNeedsReset;
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
    open.set(kind, connection);
    if (reset) {
      needsReset.add(kind);
    } else {
      needsReset.remove(kind);
    }
    return connection;
  }

  /** Notes that state a pool does not reset by itself was placed on the session of {@code kind}. */
  void markNeedsReset(EndpointKind kind) {
    if (open.get(kind) != null) {
      needsReset.add(kind);
    }
  }

  /** Gives the session of {@code kind} back to the source (a lent one, when nothing needs it). */
  void release(EndpointKind kind) throws SQLException {
    Connection session = open.remove(kind);
    boolean reset = needsReset.remove(kind);
    source.release(session, kind, reset);
  }

  /**
   * Gives every open session back to the source (the driver's closes them); the first failure is
   * thrown after all were tried.
   */
  void close() throws SQLException {
    EndpointSlots<Connection> sessions = open.removeAll();
    EnumSet<EndpointKind> reset = EnumSet.copyOf(needsReset);
    needsReset.clear();
    SQLException[] failure = new SQLException[1];
    sessions.forEach(
        (kind, session) -> {
          try {
            source.release(session, kind, reset.contains(kind));
          } catch (SQLException e) {
            if (failure[0] == null) {
              failure[0] = e;
            } else {
              failure[0].addSuppressed(e);
            }
          }
        });
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  /** Aborts every open session. */
  void abort(Executor executor) throws SQLException {
    EndpointSlots<Connection> sessions = open.removeAll();
    needsReset.clear();
    sessions.forEach((kind, session) -> source.abort(session, kind, executor));
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
    // A loop, not forEach: frameworks switch auto-commit around every transaction.
    for (EndpointKind kind : KINDS) {
      Connection session = open.get(kind);
      if (session != null) {
        session.setAutoCommit(value);
      }
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
   * Sets read-only on every session, now and when opened: it applies per transaction in pgJDBC
   * ({@code BEGIN READ ONLY}), so it is safe on all of them.
   *
   * @param transactionOwner the session of the open transaction, or {@code null}
   */
  void setReadOnly(boolean value, Connection transactionOwner) throws SQLException {
    // pgJDBC refuses the change inside a transaction: ask the transaction's session first, so that
    // a refusal leaves the others as they were.
    if (transactionOwner != null && open.contains(transactionOwner)) {
      transactionOwner.setReadOnly(value);
    }
    open.forEach(
        (kind, session) -> {
          if (session != transactionOwner) {
            session.setReadOnly(value);
          }
        });
    settings.readOnly = value;
  }

  /** Sets the holdability on every session, now and when opened. */
  void setHoldability(int value) throws SQLException {
    open.forEach(
        (kind, session) -> {
          session.setHoldability(value);
          needsReset.add(kind);
        });
    settings.holdability = value;
  }

  /** Logical holdability, or -1 when never set. */
  int holdabilityIfSet() {
    return settings.holdability;
  }

  /** Sets the type map on every session, now and when opened. */
  void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    open.forEach(
        (kind, session) -> {
          session.setTypeMap(map);
          needsReset.add(kind);
        });
    settings.typeMap = map;
  }

  /**
   * Client info ({@code ApplicationName}) is applied on every open session: PgBouncer tracks {@code
   * application_name} per client and restores it on whichever server connection it uses.
   */
  void setClientInfo(String name, String value) throws SQLClientInfoException {
    open.forEach(
        (kind, session) -> {
          session.setClientInfo(name, value);
          needsReset.add(kind);
        });
    settings.clientInfo(name, value);
  }

  /** Sets the network timeout on every session, now and when opened. */
  void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    open.forEach((kind, session) -> session.setNetworkTimeout(executor, milliseconds));
    settings.networkTimeoutExecutor = executor;
    settings.networkTimeout = milliseconds;
  }

  /** Logical network timeout, or -1 when never set. */
  int networkTimeoutIfSet() {
    return settings.networkTimeout;
  }

  /** The first open session (in the kinds' order) that is inside a transaction, or {@code null}. */
  Connection firstInTransaction() throws SQLException {
    for (EndpointKind kind : KINDS) {
      Connection session = open.get(kind);
      if (session != null && inTransaction(session)) {
        return session;
      }
    }
    return null;
  }

  // ---- what the source says of a session ----------------------------------------------------

  /** Whether {@code physical} is inside a transaction (open or failed). Sends nothing. */
  boolean inTransaction(Connection physical) throws SQLException {
    return source.transactionStatus(physical) != TransactionStatus.IDLE;
  }

  /** Whether the session's transaction failed: nothing more runs there before it ends. */
  boolean transactionFailed(Connection physical) throws SQLException {
    return source.transactionStatus(physical) == TransactionStatus.FAILED;
  }

  /** Asks the open pooled transaction whether it may move to direct ({@link ServerChecks}). */
  ServerChecks.MoveCheck moveCheck(Connection pooled, SessionParameters parameters)
      throws SQLException {
    return source.moveCheck(pooled, parameters);
  }

  /** Asks the direct session whether anything still needs the pin ({@link ServerChecks}). */
  ServerChecks.PinCheck pinCheck(Connection direct, SessionParameters parameters)
      throws SQLException {
    return source.pinCheck(direct, parameters);
  }

  /** Runs a {@link SessionParameters} capture query on {@code session}: what it reports. */
  Map<String, String> readParameters(Connection session, String query) throws SQLException {
    return source.readParameters(session, query);
  }
}

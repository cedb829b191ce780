package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.RoutingEvents;
import dev.neonjdbc.spi.SessionSource;
import dev.neonjdbc.spi.StatementKind;
import java.sql.Connection;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing of one logical connection: which of its lazily opened physical pgJDBC sessions (one
 * per endpoint kind, see {@link EndpointSlots}) each statement takes, and which transaction owns a
 * physical session.
 *
 * <p>Rules (DESIGN.md, Routing): a pinning statement moves everything after it to the direct
 * session until the server holds nothing for it any more, {@code DISCARD ALL} or {@code endRequest}
 * ({@link Pin}); session parameters, the isolation level and the schema are logical state, carried
 * into every pooled transaction by a prelude and set on the direct session, where auto-commit
 * statements run while they differ from the defaults ({@link SessionStateCarrier}); a transaction
 * stays on the physical session its first statement chose, except that a pooled transaction which
 * has written nothing moves to direct when a statement needs it ({@link ServerChecks}); a pinning
 * statement in a pooled transaction that cannot move is refused before anything is sent. Not
 * thread-safe, like a JDBC connection.
 *
 * <p>Physical sessions come from a {@link SessionSource} ({@link PhysicalSessions}). The driver's
 * opens them on first need and closes them on close; a data source's may lend the direct session
 * per statement, in which case the logical connection gives it back as soon as no pin, no
 * transaction ({@link #holdsDirect}) and no open result needs it.
 */
public final class Router {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  /** SQLState for a statement the router refuses to run (feature not supported). */
  public static final String REFUSED = "0A000";

  /** How {@code pinDirect()} names itself as a pin's reason. */
  static final String PIN_DIRECT_CALL = "pinDirect()";

  private final EventReporter events;
  private final boolean routing;
  private final boolean lendsDirect;
  private final EndpointKind forcedEndpoint;

  private final PhysicalSessions sessions;
  private final SessionStateCarrier state;
  private final Pin pin;
  // Read replicas (README, "Read replicas"): asked where work begins, told when statements end.
  private final ReplicaRouting replicas;

  private final OpenTransaction transaction;

  // The statement being routed: endStatement needs its text, never kept past it.
  private String currentSql;
  // What the session-parameter statement being routed sets, or null for any other statement.
  private SessionStatement currentSession;

  /**
   * A router over the endpoints {@code connector} knows, taking its sessions from {@code source}
   * and reporting to {@code events}.
   */
  public Router(PhysicalConnector connector, SessionSource source, RoutingEvents events) {
    this(
        RouterOptions.of(connector),
        RouterSessionSource.overPgJdbc(source),
        events,
        ReplicaRouting.forConnector(connector, RouterOptions.of(connector).routing()));
  }

  /**
   * A router with {@code options}, taking its sessions from {@code source} and asking it about
   * them, and reporting to {@code events}: the seam the router's unit tests use.
   */
  Router(RouterOptions options, RouterSessionSource source, RoutingEvents events) {
    this(options, source, events, ReplicaRouting.NONE);
  }

  /** The seam's router with read-replica rules ({@link ReplicaRouting#NONE} for none). */
  Router(
      RouterOptions options,
      RouterSessionSource source,
      RoutingEvents events,
      ReplicaRouting replicas) {
    this.events = EventReporter.of(events);
    this.routing = options.routing();
    // Without per-statement routing there is no transaction tracking to tell when a lent session
    // is free again: the one session is held until close.
    this.lendsDirect = routing && source.lendsPerStatement(EndpointKind.DIRECT);
    this.forcedEndpoint = options.forcedEndpoint();
    this.replicas = replicas;
    this.sessions = new PhysicalSessions(replicas.wrap(source));
    this.state = new SessionStateCarrier(sessions, routing);
    this.pin = new Pin(sessions, state, this.events, routing && options.pinnedAtStartup());
    this.transaction = new OpenTransaction(sessions, state);
  }

  /** Where this connection reports its events: its own listener, the registered ones, the log. */
  public EventReporter events() {
    return events;
  }

  /** Whether statements are routed one by one. */
  public boolean isRouting() {
    return routing;
  }

  /** Whether the connection is pinned to its direct session. */
  public boolean isPinned() {
    return pin.isPinned();
  }

  /** What pinned the connection (the first keyword of the statement, or the call), if pinned. */
  public String pinReason() {
    return pin.reason();
  }

  /** The logical session parameters that differ from the defaults, by name (a copy). */
  public Map<String, String> sessionParameters() {
    return Map.copyOf(state.parameters().current());
  }

  /** The physical session of {@code kind} if open, else {@code null}. */
  public Connection sessionIfOpen(EndpointKind kind) {
    return sessions.get(kind);
  }

  /** The endpoint kind of the open physical session {@code session}, or {@code null}. */
  public EndpointKind kindOf(Connection session) {
    return sessions.kindOf(session);
  }

  /** Calls {@code action} for each open physical session, in the kinds' declaration order. */
  public <E extends Exception> void forEachOpenSession(
      EndpointSlots.SlotAction<? super Connection, E> action) throws E {
    sessions.forEachOpen(action);
  }

  /** The endpoint a statement of {@code route} would take now. */
  public EndpointKind endpointFor(Route route) {
    if (!routing) {
      return forcedEndpoint;
    }
    if (transaction.isOpen()) {
      return sessions.kindOf(transaction.owner());
    }
    if (!pin.isPinned() && replicas.wouldTake(route, sessions.isReadOnly())) {
      return EndpointKind.REPLICA;
    }
    return pin.isPinned() || route != Route.POOLED ? EndpointKind.DIRECT : EndpointKind.POOLED;
  }

  // ---- statements --------------------------------------------------------------------------

  /**
   * Chooses (opening if needed) the physical session for a statement of {@code route}: moves a
   * pooled transaction that has written nothing to direct when the statement needs direct (refusing
   * a pinning statement when it cannot move), starts a pooled transaction with the logical session
   * state when one begins here, and brings the direct session to that state before it is used.
   *
   * @param sql the statement: its text is read by {@link #endStatement} (whether it may have
   *     released what a pin holds, which parameter it set) and its first keyword is logged
   */
  public Connection beginStatement(Route route, String sql) throws SQLException {
    if (!routing) {
      events.statementRouted(forcedEndpoint);
      return physical(forcedEndpoint);
    }
    currentSql = sql;
    // A session-parameter string is read once: which names it sets decides where it may run.
    currentSession = route == Route.SESSION ? SessionStatement.of(sql) : null;
    boolean carried = currentSession != null && currentSession.carriedInPooledTransaction();
    boolean pinsForGood = false;
    if (currentSession != null && currentSession.pins()) {
      route = Route.PIN; // a role, the encoding, or a name the router cannot read back
      pinsForGood = currentSession.pinsForGood();
    }
    boolean autoCommit = sessions.autoCommit();
    boolean adopted = !transaction.isOpen() && !autoCommit && transaction.adopt();
    if (!transaction.isOpen()
        && pin.isCheckDue()
        && !StatementKeywords.mayReleasePinnedState(sql)) {
      pin.endIfNothingHeld(); // else the check follows the statement
    }
    transaction.statementStarting();
    // Work that begins here may belong on a read replica (null: it runs on the primary).
    Connection replica =
        !transaction.isOpen()
                && !pin.isPinned()
                && state.isolation() != Connection.TRANSACTION_SERIALIZABLE
                && replicas.wantsReplica(route, sql, sessions.isReadOnly())
            ? replicaSession()
            : null;
    Connection target;
    if (transaction.isOpen()) {
      if (transaction.isOn(EndpointKind.REPLICA)) {
        ReplicaRouting.checkInReplicaTransaction(route, sql);
      }
      if (adopted && transaction.isOn(EndpointKind.POOLED)) {
        // Give it the logical session state, as if the router had begun it. After a query the
        // server refuses the isolation level: an error rather than a transaction that silently
        // runs without it.
        transaction.startPooled(transaction.owner());
      }
      if (transaction.isOn(EndpointKind.POOLED)
          && route != Route.POOLED
          && !carried
          && !moveToDirect(route != Route.DIRECT)) {
        // DDL in a pooled transaction that has written runs there, with the transaction.
        events.statementRouted(EndpointKind.POOLED);
        return sessions.get(EndpointKind.POOLED);
      }
      target = transaction.owner();
      if (route == Route.PIN) {
        pinFor(sql, pinsForGood);
      }
    } else if (replica != null) {
      target = replica;
      if (!autoCommit) {
        transaction.startPooled(target);
      } else if (state.hasStateToCarry()) {
        state.carryIntoAutoCommitStatement(target, sql);
      }
    } else if (carried && !pin.isPinned() && !autoCommit) {
      // A SET that begins a transaction begins it pooled: the transaction carries the change.
      target = physical(EndpointKind.POOLED);
      transaction.startPooled(target);
    } else if (pin.isPinned()
        || route != Route.POOLED
        || (autoCommit && state.hasStateToCarry() && StatementKeywords.mayCommitInside(sql))) {
      if (route == Route.PIN) {
        pinFor(sql, pinsForGood);
      }
      target = physical(EndpointKind.DIRECT);
      state.syncDirect();
    } else {
      target = physical(EndpointKind.POOLED);
      if (!autoCommit) {
        if (StatementKeywords.setsTransactionCharacteristics(sql)) {
          // SET TRANSACTION must come first in its transaction: the parameters follow it.
          state.carryAfterStatement();
        } else {
          transaction.startPooled(target);
        }
      } else if (state.hasStateToCarry()) {
        state.carryIntoAutoCommitStatement(target, sql);
      }
    }
    EndpointKind kind = sessions.kindOf(target);
    if (kind != EndpointKind.REPLICA) {
      replicas.beforePrimaryStatement(target, sessions, autoCommit, sql);
    }
    events.statementRouted(kind);
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} -> {}", StatementKeywords.first(sql), kind.label());
    }
    return target;
  }

  /**
   * Records what the statement left behind: whether its physical session is now inside a
   * transaction (and whether one ended), the session parameters it changed, whether {@code DISCARD
   * ALL} ended the pin, and whether the pin may have nothing left to protect.
   */
  public void endStatement(Connection physical, Route route) throws SQLException {
    if (!routing) {
      return;
    }
    String sql = currentSql;
    currentSql = null;
    if (physical == null || physical.isClosed()) {
      state.statementAbandoned();
      return;
    }
    state.statementRan(physical);
    replicas.afterStatement(physical, sessions);
    boolean inTransaction = sessions.inTransaction(physical);
    boolean ended = transaction.statementRan(physical, inTransaction, sql);
    if (route == Route.UNPIN && physical == sessions.get(EndpointKind.DIRECT) && !inTransaction) {
      // DISCARD ALL reset the direct session to its defaults: the logical state goes with it.
      pin.end();
      state.directSessionDiscarded();
    }
    if (route.changesParameters() && !sessions.transactionFailed(physical)) {
      state.recordParameters(physical, inTransaction, currentSession, pin.isPinned());
    }
    state.resetRoleIfDue(physical, inTransaction);
    if (ended) {
      transaction.endedByStatement(physical, sql);
    }
    pin.afterStatement(physical, inTransaction, ended, sql);
  }

  /**
   * The session JDBC-level calls that need a server (metadata, {@code unwrap}, savepoints) use: the
   * transaction's, else the direct one when pinned, else the pooled one.
   */
  public Connection current() throws SQLException {
    if (!routing) {
      return physical(forcedEndpoint);
    }
    if (transaction.isOpen()) {
      return transaction.owner();
    }
    return physical(pin.isPinned() ? EndpointKind.DIRECT : EndpointKind.POOLED);
  }

  /**
   * Pins to direct, as a pinning statement would, until {@code DISCARD ALL}, {@link #endRequest} or
   * close. A pooled transaction that has written nothing moves to direct first.
   */
  public void pinDirect() throws SQLException {
    if (!routing) {
      return;
    }
    if (!transaction.isOpen() && !sessions.autoCommit()) {
      transaction.adopt();
    }
    if (transaction.isOn(EndpointKind.POOLED)) {
      currentSql = PIN_DIRECT_CALL;
      moveToDirect(true);
    }
    pin.begin(PIN_DIRECT_CALL, true, transaction.isOpenOrBegins());
  }

  private void pinFor(String sql, boolean forGood) {
    if (forGood) {
      pin.begin(StatementKeywords.first(sql), true, transaction.isOpenOrBegins());
    } else {
      pin.beginFor(sql, transaction.isOpenOrBegins());
    }
  }

  /**
   * Moves the open pooled transaction to direct (DESIGN.md, Routing, rule 3) when the server says
   * it has written nothing, runs at READ COMMITTED and holds no lock: it ends on the pooler and
   * continues on the direct session with the same parameters.
   *
   * @param refuseIfNot whether a transaction that cannot move is refused (a pinning statement)
   *     rather than kept pooled (DDL runs in the transaction that has written)
   * @return whether the transaction is now on direct
   */
  private boolean moveToDirect(boolean refuseIfNot) throws SQLException {
    Connection pooled = sessions.get(EndpointKind.POOLED);
    ServerChecks.MoveCheck check =
        transaction.staysOnPooler()
            ? ServerChecks.MoveCheck.refused(
                "it has sent a NOTIFY, set a savepoint or deferred constraints, which would be lost")
            : sessions.moveCheck(pooled, state.parameters());
    if (!check.movable()) {
      if (refuseIfNot && currentSql != null && check.setsLoginRole(currentSql)) {
        // SET ROLE back to the login's own role (Flyway restores its original role this way, in
        // the transaction that holds its lock) changes nothing: it runs in the pooled
        // transaction and the session-level value is reset right after (endStatement).
        state.resetRoleAfterStatement();
        return false;
      }
      if (refuseIfNot) {
        events.refused(
            PIN_DIRECT_CALL.equals(currentSql)
                ? StatementKind.PIN_DIRECT
                : StatementKeywords.kind(currentSql));
        throw SessionSql.refusal(StatementKeywords.first(currentSql), check.reason());
      }
      return false;
    }
    pooled.rollback(); // nothing written: rolling back loses nothing
    transaction.ownedBy(null);
    Connection session = physical(EndpointKind.DIRECT);
    state.syncDirect();
    state.carryIntoMovedTransaction(session, check.parameters());
    transaction.ownedBy(session);
    if (state.isolation() != -1) {
      LOG.debug("moved transaction keeps isolation {}", state.isolation());
    }
    events.moved();
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: transaction moved from pooled to direct", StatementKeywords.first(currentSql));
    }
    return true;
  }

  // ---- transactions (see OpenTransaction) --------------------------------------------------

  /** Logical auto-commit. */
  public boolean getAutoCommit() {
    return sessions.autoCommit();
  }

  /** Sets auto-commit on every open session (pgJDBC commits an open transaction, as JDBC says). */
  public void setAutoCommit(boolean value) throws SQLException {
    if (value == sessions.autoCommit()) {
      return;
    }
    boolean ends = transaction.isOpen();
    transaction.setAutoCommit(value);
    if (ends) {
      replicas.transactionEnded();
    }
  }

  /**
   * The read replica's session for work that belongs there, opened on first need on the next
   * replica in turn; {@code null} when the work runs on the primary instead because every replica
   * is down or the chosen one did not answer (it is then marked down, see {@link ReplicaRouting}).
   * A replica session that ended under the connection is given up and a new one opened.
   */
  private Connection replicaSession() throws SQLException {
    Connection open = sessions.get(EndpointKind.REPLICA);
    if (open != null) {
      if (!open.isClosed()) {
        return open;
      }
      sessions.release(EndpointKind.REPLICA);
    }
    if (!replicas.chooseReplica()) {
      return null;
    }
    try {
      return physical(EndpointKind.REPLICA);
    } catch (SQLException e) {
      if (replicas.openFailed(e)) {
        return null;
      }
      throw e;
    }
  }

  /** Commits the open transaction, wherever it runs. */
  public void commit() throws SQLException {
    if (sessions.autoCommit()) {
      throw new SQLException("Cannot commit when autoCommit is enabled.", "25P01");
    }
    Connection owner = transactionToEnd();
    if (owner != null) {
      transaction.commit(owner);
      pin.afterTransactionEnd();
    }
  }

  /** Rolls back the open transaction, wherever it runs. */
  public void rollback() throws SQLException {
    if (sessions.autoCommit()) {
      throw new SQLException("Cannot rollback when autoCommit is enabled.", "25P01");
    }
    Connection owner = transactionToEnd();
    if (owner != null) {
      transaction.rollback(owner);
      pin.afterTransactionEnd();
    }
  }

  /**
   * The session whose transaction commit or rollback ends, forgotten as the owner: without routing
   * the one session (pgJDBC tracks its transaction itself), else the tracked or adopted owner.
   */
  private Connection transactionToEnd() throws SQLException {
    Connection owner = routing ? transaction.take() : sessions.get(forcedEndpoint);
    replicas.transactionEnded();
    return owner;
  }

  /**
   * The session a savepoint call goes to: the open transaction's, or the one a new transaction
   * would start on (pooled unless pinned).
   */
  public Connection forTransactionControl() throws SQLException {
    Connection target = current();
    if (routing
        && !transaction.isOpen()
        && target == sessions.get(EndpointKind.POOLED)
        && !sessions.autoCommit()) {
      transaction.startPooled(target);
    }
    return target;
  }

  /** Called after a savepoint call so the transaction is tracked. */
  public void afterTransactionControl(Connection physical) throws SQLException {
    endStatement(physical, Route.POOLED);
    transaction.keepOnPooler(physical); // a savepoint: moving would lose it
  }

  // ---- session state -----------------------------------------------------------------------

  /** Logical isolation level (-1 when never set). */
  public int getTransactionIsolation() {
    return state.isolation();
  }

  /**
   * Sets the isolation level: on the direct session as pgJDBC does it (session level), on the
   * pooler per transaction ({@code SET TRANSACTION ISOLATION LEVEL} as its first statement).
   */
  public void setTransactionIsolation(int level) throws SQLException {
    SessionSql.isolation(level); // validates
    if (!routing) {
      physical(forcedEndpoint).setTransactionIsolation(level);
      state.rememberIsolation(level);
      return;
    }
    if (transaction.isOpen()) {
      throw new SQLException(
          "Cannot change transaction isolation level in the middle of a transaction.", "25001");
    }
    state.setTransactionIsolation(level);
  }

  /** Logical schema, or {@code null} when never set. */
  public String getSchemaIfSet() {
    return state.schemaIfSet();
  }

  /**
   * Sets the schema: a session parameter ({@code search_path}) like any other, on the direct
   * session as pgJDBC does it and in every pooled transaction's prelude; an open pooled transaction
   * gets {@code SET LOCAL search_path} at once.
   */
  public void setSchema(String value) throws SQLException {
    if (!routing) {
      physical(forcedEndpoint).setSchema(value);
      state.rememberSchema(value);
      return;
    }
    state.setSchema(value, transaction.isOn(EndpointKind.POOLED));
  }

  // ---- settings mirrored onto every session (see PhysicalSessions) -------------------------

  /** Logical read-only flag. */
  public boolean isReadOnly() {
    return sessions.isReadOnly();
  }

  /** Read-only applies per transaction in pgJDBC ({@code BEGIN READ ONLY}): safe on both. */
  public void setReadOnly(boolean value) throws SQLException {
    sessions.setReadOnly(value, transaction.owner());
  }

  /** Sets the holdability on every session, now and when opened. */
  public void setHoldability(int value) throws SQLException {
    sessions.setHoldability(value);
  }

  /** Logical holdability, or -1 when never set. */
  public int getHoldabilityIfSet() {
    return sessions.holdabilityIfSet();
  }

  /** Sets the type map on every session, now and when opened. */
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    sessions.setTypeMap(map);
  }

  /**
   * Client info ({@code ApplicationName}) is applied on both sessions: PgBouncer tracks {@code
   * application_name} per client and restores it on whichever server connection it uses.
   */
  public void setClientInfo(String name, String value) throws SQLClientInfoException {
    sessions.setClientInfo(name, value);
  }

  /** Sets the network timeout on every session, now and when opened. */
  public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    sessions.setNetworkTimeout(executor, milliseconds);
  }

  /** Logical network timeout, or -1 when never set. */
  public int getNetworkTimeoutIfSet() {
    return sessions.networkTimeoutIfSet();
  }

  // ---- physical sessions -------------------------------------------------------------------

  /**
   * The physical session for {@code kind}, opened and brought to the logical state on first use.
   */
  public Connection physical(EndpointKind kind) throws SQLException {
    Connection session = sessions.get(kind);
    if (session == null) {
      session = state.open(kind, pin.isPinned());
    }
    return session;
  }

  /**
   * Gives every physical session back to its source (the driver's closes them); the first failure
   * is thrown after all were tried.
   */
  public void close() throws SQLException {
    transaction.ownedBy(null);
    sessions.close();
  }

  /** Aborts every physical session. */
  public void abort(Executor executor) throws SQLException {
    transaction.ownedBy(null);
    sessions.abort(executor);
  }

  // ---- request boundaries ------------------------------------------------------------------

  /**
   * A client pool hands the connection out ({@code Connection.beginRequest}). A connection still
   * pinned at this point keeps its direct session for the next user: reported once at WARN, naming
   * what pinned it.
   */
  public void beginRequest() {
    pin.warnIfHandedOutPinned();
  }

  /**
   * The client pool takes the connection back ({@code Connection.endRequest}): outside a
   * transaction, the direct session is reset ({@code DISCARD ALL}, or given back to its pool for a
   * reset), the pin ends and the session parameters are forgotten, so that the next user starts
   * clean. The JDBC-level settings (auto-commit, isolation, read-only, schema) are the pool's to
   * reset and stay.
   */
  public void endRequest() throws SQLException {
    if (!routing || transaction.isOpen()) {
      return;
    }
    boolean hadState = pin.isPinnedByUse() || !state.parameters().isEmpty();
    pin.end();
    state.forgetParameters();
    if (sessions.get(EndpointKind.DIRECT) != null && hadState) {
      if (lendsDirect) {
        sessions.markNeedsReset(EndpointKind.DIRECT);
      } else {
        state.resetDirect();
      }
    }
  }

  // ---- lending (see the data source's SessionSource.lendsPerStatement) ----------------------

  /**
   * Whether the direct session is lent per statement: the caller gives it back ({@link
   * #giveBackDirect}) whenever {@link #holdsDirect} says nothing here holds it and no open result
   * needs it.
   */
  public boolean lendsDirectPerStatement() {
    return lendsDirect;
  }

  /** Whether a pin or the open transaction holds the direct session. */
  public boolean holdsDirect() {
    return pin.isPinned() || transaction.isOn(EndpointKind.DIRECT);
  }

  /**
   * Gives the open direct session back to its source, with whether state was placed on it; the next
   * statement that needs direct takes another.
   */
  public void giveBackDirect() throws SQLException {
    if (sessions.get(EndpointKind.DIRECT) == null || holdsDirect()) {
      throw new IllegalStateException("the direct session is not free to give back");
    }
    state.directGivenBack();
    sessions.release(EndpointKind.DIRECT);
  }
}

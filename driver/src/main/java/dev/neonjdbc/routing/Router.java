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
 * session until the server holds nothing for it any more (asked after a statement that can release
 * such state and after a transaction ends), {@code DISCARD ALL} or {@code endRequest}; session
 * parameters, the isolation level and the schema are logical state ({@link SessionParameters}),
 * carried into every pooled transaction by a prelude and set on the direct session, where
 * auto-commit statements run while they differ from the defaults; a transaction stays on the
 * physical session its first statement chose, except that a pooled transaction which has written
 * nothing moves to direct when a statement needs it ({@link ServerChecks}); a pinning statement in
 * a pooled transaction that cannot move is refused before anything is sent. Not thread-safe, like a
 * JDBC connection.
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
  // What pinned the connection (a statement's first keyword), for logs and the WARN below.
  private String pinReason;
  // A pin no query can see the end of (LOAD, SESSION AUTHORIZATION, a hint, pinDirect()).
  private boolean pinnedForGood;
  // Whether to ask the direct session if the pin still holds anything, before the next statement.
  private boolean pinCheckDue;
  // The pin began in the open transaction: its end (rollback, ON COMMIT DROP) may undo the state.
  private boolean pinnedInTransaction;
  private boolean warnedPinnedReuse;
  private Connection transactionOwner;
  // The statement being routed: endStatement needs its text, never kept past it.
  private String currentSql;
  // A role statement ran in a pooled transaction: its session-level value goes back at once.
  private boolean resetRoleAfterStatement;
  // The pooled auto-commit statement running now is wrapped in a transaction the router began.
  private boolean autoCommitTransaction;
  // A BEGIN sent as SQL while session state is carried: the prelude follows it.
  private boolean preludeAfterBegin;
  // Whether state a pool does not reset by itself was placed on the session (see SessionSource).
  private boolean pooledNeedsReset;
  private boolean directNeedsReset;

  // Logical session state, applied to physical sessions as they open.
  private boolean autoCommit = true;
  private int isolation = -1;
  private String schema;
  private final SessionParameters parameters = new SessionParameters();
  // Whether the open direct session holds exactly the committed parameters at session level.
  private boolean directInSync = true;
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
      pin("startup options or currentSchema", true);
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

  /** What pinned the connection (the first keyword of the statement, or the call), if pinned. */
  public String pinReason() {
    return pinned ? pinReason : null;
  }

  /** The logical session parameters that differ from the defaults, by name (a copy). */
  public Map<String, String> sessionParameters() {
    return Map.copyOf(parameters.current());
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
   * Whether the logical session differs from the defaults, so that a pooled auto-commit statement
   * runs in a transaction of its own that carries the state ({@link #beginAutoCommitTransaction}).
   * READ COMMITTED is taken to be the server's default, as it is on Neon.
   */
  private boolean sessionStateToCarry() {
    return parameters.requireDirect()
        || (isolation != -1 && isolation != Connection.TRANSACTION_READ_COMMITTED);
  }

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
    boolean adopted = transactionOwner == null && !autoCommit && adoptOpenTransaction();
    if (transactionOwner == null && pinCheckDue && !StatementKeywords.mayReleasePinnedState(sql)) {
      endPinIfNothingHeld(); // else the check follows the statement
    }
    Connection target;
    if (transactionOwner != null) {
      if (adopted && transactionOwner == pooled) {
        // Give it the logical session state, as if the router had begun it. After a query the
        // server refuses the isolation level: an error rather than a transaction that silently
        // runs without it.
        startPooledTransaction(pooled);
      }
      if (transactionOwner == pooled
          && route.isDirect()
          && route != Route.SESSION
          && !moveToDirect(route != Route.DIRECT)) {
        // DDL in a pooled transaction that has written runs there, with the transaction.
        events.statementRouted(EndpointKind.POOLED);
        return pooled;
      }
      target = transactionOwner;
      if (route == Route.PIN) {
        pin(sql);
      }
    } else if (route == Route.SESSION && !pinned && !autoCommit) {
      // A SET that begins a transaction begins it pooled: the transaction carries the change.
      target = physical(EndpointKind.POOLED);
      startPooledTransaction(target);
    } else if (pinned
        || route != Route.POOLED
        || (autoCommit && sessionStateToCarry() && StatementKeywords.mayCommitInside(sql))) {
      if (route == Route.PIN) {
        pin(sql);
      }
      target = physical(EndpointKind.DIRECT);
      syncDirect();
    } else {
      target = physical(EndpointKind.POOLED);
      if (!autoCommit) {
        startPooledTransaction(target);
      } else if (sessionStateToCarry()) {
        if (StatementKeywords.controlsTransaction(sql)) {
          preludeAfterBegin = true; // a BEGIN sent as SQL gets the prelude once it has run
        } else {
          beginAutoCommitTransaction(target);
        }
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
      autoCommitTransaction = false;
      preludeAfterBegin = false;
      return;
    }
    if (autoCommitTransaction) {
      autoCommitTransaction = false;
      endAutoCommitTransaction(physical);
    }
    if (preludeAfterBegin) {
      preludeAfterBegin = false;
      if (physical == pooled && inTransaction(pooled) && !transactionFailed(pooled)) {
        String local = SessionParameters.localValues(parameters.current());
        if (local != null) {
          try (Statement statement = pooled.createStatement()) {
            statement.execute(local);
          }
        }
      }
    }
    boolean inTransaction = inTransaction(physical);
    boolean ended = !inTransaction && transactionOwner == physical;
    if (inTransaction) {
      transactionOwner = physical;
    } else if (ended) {
      transactionOwner = null;
    }
    if (route == Route.UNPIN && physical == direct && !inTransaction) {
      // DISCARD ALL reset the direct session to its defaults: the logical state goes with it.
      unpin();
      isolation = -1;
      parameters.clear();
      directInSync = true;
    }
    if (route.changesParameters() && !transactionFailed(physical)) {
      recordParameters(physical, inTransaction, sql);
    }
    if (resetRoleAfterStatement) {
      resetRoleAfterStatement = false;
      if (physical == pooled && inTransaction && !transactionFailed(pooled)) {
        try (Statement statement = pooled.createStatement()) {
          statement.execute("RESET ROLE"); // current_user stays the login's; nothing leaks
        }
      }
    }
    if (ended) {
      transactionEnded(physical, sql != null && endsByCommit(sql));
    }
    boolean pinBeganInEndedTransaction = ended && pinnedInTransaction;
    if (ended) {
      pinnedInTransaction = false;
    }
    if (pinned && !pinnedForGood && physical == direct) {
      if (pinBeganInEndedTransaction
          || (sql != null && StatementKeywords.mayReleasePinnedState(sql))) {
        pinCheckDue = true;
      }
      if (pinCheckDue && !inTransaction) {
        endPinIfNothingHeld();
      }
    }
  }

  private static boolean endsByCommit(String sql) {
    String keyword = StatementKeywords.first(sql);
    return keyword.equals("COMMIT") || keyword.equals("END");
  }

  /**
   * Reads back what a {@link Route#changesParameters} statement did. On a pooled transaction the
   * change is also made transaction-local there (see {@link
   * SessionParameters#CAPTURE_AND_LOCALIZE}) and stays pending until commit. On the direct session
   * outside a transaction the server's answer is the whole logical state, unless a pin is in force:
   * the pin's end reads it then.
   */
  private void recordParameters(Connection physical, boolean inTransaction, String sql)
      throws SQLException {
    if (sql != null) {
      parameters.noteCustomName(sql);
    }
    if (physical == pooled) {
      Map<String, String> reported =
          SessionParameters.query(pooled, parameters.captureAndLocalize());
      parameters.recordInTransaction(reported, parameterName(sql));
      return;
    }
    directNeedsReset = true;
    if (pinned) {
      // The direct session holds the truth while pinned; the pin's end reads it back. Nothing may
      // sync over it in between.
      return;
    }
    if (inTransaction) {
      Map<String, String> reported = SessionParameters.query(direct, parameters.capture());
      parameters.recordInTransaction(reported, parameterName(sql));
    } else {
      boolean restore = outsideTransaction(direct);
      try {
        adoptCommittedParameters(SessionParameters.query(direct, parameters.capture()));
      } finally {
        restoreAutoCommit(direct, restore);
      }
    }
  }

  private static String parameterName(String sql) {
    return sql == null ? null : StatementKeywords.parameterName(sql);
  }

  /**
   * Takes the direct session's parameters, read outside a transaction, as the logical state: the
   * session now holds exactly them.
   */
  private void adoptCommittedParameters(Map<String, String> reported) {
    if (isolation != -1) {
      // pgJDBC's setTransactionIsolation put it there; the isolation field owns it.
      reported.remove("default_transaction_isolation");
    }
    if (schema != null
        && !SessionSql.quoteIdentifier(schema)
            .equals(reported.get(SessionParameters.SEARCH_PATH))) {
      schema = null; // a SET search_path replaced what setSchema set
    }
    parameters.replaceCommitted(reported);
    directInSync = true;
  }

  /**
   * After commit or rollback a pin that began in the transaction is checked at the connection's
   * next use (a rollback or {@code ON COMMIT DROP} may have undone its state); at once when a
   * statement in the transaction may have released what it protects. A pin from before the
   * transaction costs nothing more.
   */
  private void afterTransactionEnd() throws SQLException {
    boolean releasedSomething = pinCheckDue;
    pinCheckDue = pinned && !pinnedForGood && pinnedInTransaction;
    pinnedInTransaction = false;
    if (releasedSomething) {
      endPinIfNothingHeld();
    }
  }

  /** A transaction ended, by commit or not: its parameter changes are kept or dropped. */
  private void transactionEnded(Connection owner, boolean committed) {
    if (committed) {
      if (parameters.commit() && owner != direct) {
        directInSync = false;
      }
    } else {
      parameters.rollback();
      if (owner == direct) {
        directInSync = false; // a sync inside the rolled-back transaction is undone too
      }
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

  /**
   * Pins to direct, as a pinning statement would, until {@code DISCARD ALL}, {@link #endRequest} or
   * close. A pooled transaction that has written nothing moves to direct first.
   */
  public void pinDirect() throws SQLException {
    if (!routing) {
      return;
    }
    if (transactionOwner == null && !autoCommit) {
      adoptOpenTransaction();
    }
    if (transactionOwner != null && transactionOwner == pooled) {
      currentSql = "pinDirect()";
      moveToDirect(true);
    }
    pin("pinDirect()", true);
  }

  private void pin(String sql) {
    pin(StatementKeywords.first(sql), StatementKeywords.pinsForGood(sql));
  }

  private void pin(String reason, boolean forGood) {
    if (!pinned) {
      pinned = true;
      pinReason = reason;
      events.pinned();
      if (LOG.isDebugEnabled()) {
        LOG.debug("pinned to direct by {}", reason);
      }
    }
    pinnedForGood |= forGood;
    pinCheckDue = false;
    pinnedInTransaction |= !autoCommit || transactionOwner != null;
    if (direct != null) {
      directNeedsReset = true;
    }
  }

  private void unpin() {
    pinned = pinnedAtStartup;
    pinnedForGood = pinnedAtStartup;
    pinReason = pinnedAtStartup ? pinReason : null;
    pinCheckDue = false;
    pinnedInTransaction = false;
  }

  /**
   * Asks the direct session whether anything a pin protects is left; when nothing is, the pin ends
   * and the session's parameters become the logical state (one query for both).
   */
  private void endPinIfNothingHeld() throws SQLException {
    pinCheckDue = false;
    if (!pinned || pinnedForGood || direct == null) {
      return;
    }
    ServerChecks.PinCheck check;
    boolean restore = outsideTransaction(direct);
    try {
      check = ServerChecks.pinHolds(direct, parameters);
    } finally {
      restoreAutoCommit(direct, restore);
    }
    if (!check.holds()) {
      if (LOG.isDebugEnabled()) {
        LOG.debug("pin by {} ended: the direct session holds nothing for it", pinReason);
      }
      unpin();
      adoptCommittedParameters(check.parameters());
      events.unpinned();
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
    ServerChecks.MoveCheck check = ServerChecks.mayMove(pooled, parameters);
    if (!check.movable()) {
      if (refuseIfNot && currentSql != null && isLoginRole(check, currentSql)) {
        // SET ROLE back to the login's own role (Flyway restores its original role this way, in
        // the transaction that holds its lock) changes nothing: it runs in the pooled
        // transaction and the session-level value is reset right after (endStatement).
        resetRoleAfterStatement = true;
        return false;
      }
      if (refuseIfNot) {
        events.refused();
        throw SessionSql.refusal(StatementKeywords.first(currentSql), check.reason());
      }
      return false;
    }
    pooled.rollback(); // nothing written: rolling back loses nothing
    transactionOwner = null;
    Connection session = physical(EndpointKind.DIRECT);
    syncDirect();
    // The direct session holds the committed parameters already: carry only what differs.
    Map<String, String> carried = new java.util.LinkedHashMap<>(check.parameters());
    carried.entrySet().removeIf(e -> e.getValue().equals(parameters.committed().get(e.getKey())));
    String local = SessionParameters.localValues(carried);
    if (local != null) {
      try (Statement statement = session.createStatement()) {
        // Begins the direct transaction (auto-commit is off) with the values the pooled one saw.
        statement.execute(local);
      }
    }
    // Without values to carry, pgJDBC's BEGIN goes out with the statement that moved it.
    transactionOwner = session;
    if (isolation != -1) {
      LOG.debug("moved transaction keeps isolation {}", isolation);
    }
    events.moved();
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: transaction moved from pooled to direct", StatementKeywords.first(currentSql));
    }
    return true;
  }

  /** Whether {@code sql} sets the role to the login's own (or resets it), by the server's word. */
  private static boolean isLoginRole(ServerChecks.MoveCheck check, String sql) {
    String target = StatementKeywords.roleTarget(sql);
    return target != null && (target.equals("none") || target.equals(check.sessionUser()));
  }

  /**
   * The isolation level a pooled transaction's prelude sets, or {@code null}: READ COMMITTED is
   * taken to be the server's default (as on Neon), so setting it explicitly costs no round trip.
   */
  private String preludeIsolation() throws SQLException {
    return isolation == -1 || isolation == Connection.TRANSACTION_READ_COMMITTED
        ? null
        : SessionSql.isolation(isolation);
  }

  /**
   * Runs a pooled auto-commit statement in a transaction of its own that carries the logical
   * session state: {@code BEGIN} and the prelude in one round trip before it, {@code COMMIT} after
   * it (JDBC: each auto-commit statement is a transaction). pgJDBC stays in auto-commit mode, so
   * results are read whole, as they would be without the transaction.
   */
  private void beginAutoCommitTransaction(Connection session) throws SQLException {
    String prelude = parameters.prelude(preludeIsolation());
    try (Statement statement = session.createStatement()) {
      statement.execute("BEGIN; " + prelude);
    }
    autoCommitTransaction = true;
  }

  /**
   * Commits the transaction {@link #beginAutoCommitTransaction} began (rolls back a failed one).
   */
  private void endAutoCommitTransaction(Connection session) throws SQLException {
    if (!inTransaction(session)) {
      return; // the statement ended it itself
    }
    try (Statement statement = session.createStatement()) {
      statement.execute(transactionFailed(session) ? "ROLLBACK" : "COMMIT");
    }
  }

  /**
   * Lets a query run on {@code session} without beginning a transaction when auto-commit is off
   * (pgJDBC sends nothing to switch it while no transaction is open).
   *
   * @return whether auto-commit must be switched off again with {@link #restoreAutoCommit}
   */
  private boolean outsideTransaction(Connection session) throws SQLException {
    if (autoCommit || inTransaction(session)) {
      return false;
    }
    session.setAutoCommit(true);
    return true;
  }

  private static void restoreAutoCommit(Connection session, boolean restore) throws SQLException {
    if (restore) {
      session.setAutoCommit(false);
    }
  }

  /**
   * Brings the direct session to the committed parameters when it may differ (opened or lent since,
   * or the parameters changed in a pooled transaction). One round trip, only then.
   */
  private void syncDirect() throws SQLException {
    if (directInSync || direct == null) {
      return;
    }
    try (Statement statement = direct.createStatement()) {
      statement.execute(parameters.syncDirect(isolation != -1));
    }
    directNeedsReset = true;
    directInSync = true;
  }

  // ---- request boundaries ------------------------------------------------------------------

  /**
   * A client pool hands the connection out ({@code Connection.beginRequest}). A connection still
   * pinned at this point keeps its direct session for the next user: reported once at WARN, naming
   * what pinned it.
   */
  public void beginRequest() {
    if (pinned && !pinnedAtStartup && !warnedPinnedReuse) {
      warnedPinnedReuse = true;
      LOG.warn(
          "a pooled jdbc:neon: connection is handed out again while pinned to the direct endpoint"
              + " by {}; its statements keep running there until the pin ends (release what {}"
              + " holds, DISCARD ALL, or let the pool call endRequest)",
          pinReason,
          pinReason);
    }
  }

  /**
   * The client pool takes the connection back ({@code Connection.endRequest}): outside a
   * transaction, the direct session is reset ({@code DISCARD ALL}, or given back to its pool for a
   * reset), the pin ends and the session parameters are forgotten, so that the next user starts
   * clean. The JDBC-level settings (auto-commit, isolation, read-only, schema) are the pool's to
   * reset and stay.
   */
  public void endRequest() throws SQLException {
    if (!routing || transactionOwner != null) {
      return;
    }
    boolean hadState = pinned && !pinnedAtStartup || !parameters.isEmpty();
    unpin();
    parameters.clear();
    if (schema != null) {
      parameters.put(SessionParameters.SEARCH_PATH, SessionSql.quoteIdentifier(schema));
    }
    if (direct != null && hadState && !lendsDirect) {
      try (Statement statement = direct.createStatement()) {
        statement.execute("DISCARD ALL");
      }
      if (isolation != -1) {
        direct.setTransactionIsolation(isolation);
      }
      directInSync = parameters.isEmpty();
    } else if (direct != null && hadState) {
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
    directInSync = parameters.committed().isEmpty();
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
    if (transactionOwner != null) {
      transactionEnded(transactionOwner, true); // pgJDBC commits when auto-commit is switched on
    }
    transactionOwner = null;
  }

  /** Commits the open transaction, wherever it runs. */
  public void commit() throws SQLException {
    if (autoCommit) {
      throw new SQLException("Cannot commit when autoCommit is enabled.", "25P01");
    }
    Connection owner = transactionToEnd();
    if (owner != null) {
      owner.commit();
      transactionEnded(owner, true);
      afterTransactionEnd();
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
      transactionEnded(owner, false);
      afterTransactionEnd();
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
    // The JDBC setter owns the isolation from now on (SET SESSION CHARACTERISTICS recorded it).
    parameters.remove("default_transaction_isolation");
  }

  /** Logical schema, or {@code null} when never set. */
  public String getSchemaIfSet() {
    return schema;
  }

  /**
   * Sets the schema: a session parameter ({@code search_path}) like any other, on the direct
   * session as pgJDBC does it and in every pooled transaction's prelude; an open pooled transaction
   * gets {@code SET LOCAL search_path} at once.
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
    parameters.put(
        SessionParameters.SEARCH_PATH, value == null ? null : SessionSql.quoteIdentifier(value));
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
            || (kind == EndpointKind.DIRECT && (pinned || !parameters.isEmpty()));
    try {
      if (!autoCommit) {
        connection.setAutoCommit(false);
      }
      settings.applyTo(connection);
      if (sessionStateAllowed && isolation != -1) {
        connection.setTransactionIsolation(isolation);
      }
      if (!routing && schema != null) {
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
      // A new or reset session holds no parameters: the committed ones go there before its use.
      directInSync = routing && parameters.committed().isEmpty();
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

  /**
   * Begins a pooled transaction in the logical session state: its prelude (isolation level, then
   * the parameters as {@code set_config(…, true)}) goes out with pgJDBC's {@code BEGIN}, one round
   * trip, only when the state differs from the defaults.
   */
  private void startPooledTransaction(Connection target) throws SQLException {
    String prelude = parameters.prelude(preludeIsolation());
    if (prelude == null) {
      return;
    }
    try (Statement statement = target.createStatement()) {
      statement.execute(prelude);
    }
    transactionOwner = target;
  }

  /** Whether the session's transaction failed: nothing more runs there before it ends. */
  private static boolean transactionFailed(Connection physical) throws SQLException {
    BaseConnection base =
        physical instanceof BaseConnection
            ? (BaseConnection) physical
            : physical.unwrap(BaseConnection.class);
    return base.getTransactionState() == TransactionState.FAILED;
  }

  private static boolean inTransaction(Connection physical) throws SQLException {
    if (physical instanceof BaseConnection) {
      return ((BaseConnection) physical).getTransactionState() != TransactionState.IDLE;
    }
    BaseConnection base = physical.unwrap(BaseConnection.class);
    return base.getTransactionState() != TransactionState.IDLE;
  }
}

package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The logical session state of one connection and the statements that carry it (DESIGN.md, Routing,
 * rules 2 and 4): the isolation level and schema set through JDBC and the session parameters
 * ({@link SessionParameters}). They are set at session level on the direct session and carried into
 * every pooled transaction by a prelude ({@code SET TRANSACTION …}, {@code set_config(…, true)}),
 * so that no session state reaches the pooler.
 *
 * <p>Which session a statement takes, and which transaction owns it, is the {@link Router}'s
 * decision; this class is told what happened and does the carrying: the prelude of a pooled
 * transaction, the transaction of its own that a pooled auto-commit statement runs in while the
 * state differs from the defaults, reading back what a statement set, keeping or dropping it when
 * the transaction ends, and bringing the direct session to it before use. Not thread-safe, like a
 * JDBC connection.
 */
final class SessionStateCarrier {
  private final PhysicalSessions sessions;
  private final boolean routing;

  // Logical session state, applied to physical sessions as they open.
  private int isolation = -1;
  private String schema;
  private final SessionParameters parameters = new SessionParameters();
  // Whether the open direct session holds exactly the committed parameters at session level.
  private boolean directInSync = true;

  // The pooled auto-commit statement running now is wrapped in a transaction begun here.
  private boolean autoCommitTransaction;
  // A BEGIN sent as SQL while session state is carried: the prelude follows it.
  // The open direct transaction moved from the pooler: its parameters are local there.
  private boolean movedTransaction;
  private boolean preludeAfterBegin;
  // A role statement ran in a pooled transaction: its session-level value goes back at once.
  private boolean resetRoleAfterStatement;

  /**
   * The state of a connection over {@code sessions}; with {@code routing} off there is one session,
   * which takes every setting at session level as pgJDBC sets it.
   */
  SessionStateCarrier(PhysicalSessions sessions, boolean routing) {
    this.sessions = sessions;
    this.routing = routing;
  }

  /** The session parameters: what differs from the defaults, committed and pending. */
  SessionParameters parameters() {
    return parameters;
  }

  /** Logical isolation level (-1 when never set). */
  int isolation() {
    return isolation;
  }

  /** Logical schema, or {@code null} when never set. */
  String schemaIfSet() {
    return schema;
  }

  /**
   * Whether the logical session differs from the defaults, so that a pooled auto-commit statement
   * runs in a transaction of its own that carries the state ({@link #beginAutoCommitTransaction}).
   * READ COMMITTED is taken to be the server's default, as it is on Neon.
   */
  boolean hasStateToCarry() {
    return parameters.requireDirect()
        || (isolation != -1 && isolation != Connection.TRANSACTION_READ_COMMITTED);
  }

  /**
   * Opens the session of {@code kind} in the logical state: session-level state (isolation, and the
   * schema without routing) goes only where it may live, the direct session or the one session
   * without routing. A new direct session holds no parameters: the committed ones go there before
   * its use ({@link #syncDirect}).
   *
   * @param pinned whether the connection is pinned: the direct session then needs a reset when
   *     given back
   */
  Connection open(EndpointKind kind, boolean pinned) throws SQLException {
    boolean sessionStateAllowed = !routing || kind == EndpointKind.DIRECT;
    boolean stateNeedsReset =
        (sessionStateAllowed && schema != null)
            || (kind == EndpointKind.DIRECT && (pinned || !parameters.isEmpty()));
    Connection connection =
        sessions.open(
            kind, sessionStateAllowed ? isolation : -1, routing ? null : schema, stateNeedsReset);
    if (kind == EndpointKind.DIRECT) {
      directInSync = routing && parameters.committed().isEmpty();
    }
    return connection;
  }

  // ---- JDBC setters --------------------------------------------------------------------------

  /** Without routing: the one session took the isolation level itself; only remembered here. */
  void rememberIsolation(int level) {
    isolation = level;
  }

  /**
   * Sets the isolation level: on the direct session as pgJDBC does it (session level), on the
   * pooler per transaction ({@code SET TRANSACTION ISOLATION LEVEL} as its first statement).
   */
  void setTransactionIsolation(int level) throws SQLException {
    Connection direct = sessions.get(EndpointKind.DIRECT);
    if (direct != null) {
      direct.setTransactionIsolation(level);
    }
    isolation = level;
    // The JDBC setter owns the isolation from now on (SET SESSION CHARACTERISTICS recorded it).
    parameters.remove("default_transaction_isolation");
  }

  /** Without routing: the one session took the schema itself; only remembered here. */
  void rememberSchema(String value) {
    schema = value;
  }

  /**
   * Sets the schema: a session parameter ({@code search_path}) like any other, on the direct
   * session as pgJDBC does it and in every pooled transaction's prelude.
   *
   * @param inPooledTransaction whether a transaction is open on the pooled session: it gets {@code
   *     SET LOCAL search_path} at once
   */
  void setSchema(String value, boolean inPooledTransaction) throws SQLException {
    Connection direct = sessions.get(EndpointKind.DIRECT);
    if (direct != null) {
      direct.setSchema(value);
      sessions.markNeedsReset(EndpointKind.DIRECT);
    }
    if (inPooledTransaction) {
      try (Statement statement = sessions.get(EndpointKind.POOLED).createStatement()) {
        statement.execute(SessionSql.setLocalSearchPath(value));
      }
    }
    schema = value;
    parameters.put(
        SessionParameters.SEARCH_PATH, value == null ? null : SessionSql.quoteIdentifier(value));
  }

  // ---- around a statement ------------------------------------------------------------------

  /**
   * Begins a pooled transaction in the logical session state: its prelude (isolation level, then
   * the parameters as {@code set_config(…, true)}) goes out with pgJDBC's {@code BEGIN}, one round
   * trip, only when the state differs from the defaults.
   *
   * @return whether a transaction was begun (the prelude was sent)
   */
  boolean startPooledTransaction(Connection target) throws SQLException {
    String prelude = parameters.prelude(preludeIsolation());
    if (prelude == null) {
      return false;
    }
    try (Statement statement = target.createStatement()) {
      statement.execute(prelude);
    }
    return true;
  }

  /**
   * Carries the state into a pooled auto-commit statement about to run on {@code session}, when
   * {@link #hasStateToCarry} says there is some: a transaction of its own around it, or, for a
   * {@code BEGIN} sent as SQL, the prelude once it has run.
   */
  void carryIntoAutoCommitStatement(Connection session, String sql) throws SQLException {
    if (StatementKeywords.controlsTransaction(sql)) {
      preludeAfterBegin = true; // a BEGIN sent as SQL gets the prelude once it has run
    } else {
      beginAutoCommitTransaction(session);
    }
  }

  /**
   * The statement about to run begins a pooled transaction and must come first in it ({@code SET
   * TRANSACTION}): the parameters are carried once it has run.
   */
  void carryAfterStatement() {
    preludeAfterBegin = !parameters.isEmpty();
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

  /** The statement did not run to an answer (no session, or a closed one): nothing follows it. */
  void statementAbandoned() {
    autoCommitTransaction = false;
    preludeAfterBegin = false;
  }

  /**
   * Finishes what was begun around the statement that just ran on {@code physical}: commits the
   * transaction {@link #beginAutoCommitTransaction} began, or sends the prelude after a {@code
   * BEGIN} sent as SQL.
   */
  void statementRan(Connection physical) throws SQLException {
    if (autoCommitTransaction) {
      autoCommitTransaction = false;
      endAutoCommitTransaction(physical);
    }
    if (preludeAfterBegin) {
      preludeAfterBegin = false;
      Connection pooled = sessions.get(EndpointKind.POOLED);
      if (physical == pooled
          && sessions.inTransaction(pooled)
          && !sessions.transactionFailed(pooled)) {
        String local = SessionParameters.localValues(parameters.current());
        if (local != null) {
          try (Statement statement = pooled.createStatement()) {
            statement.execute(local);
          }
        }
      }
    }
  }

  /**
   * Commits the transaction {@link #beginAutoCommitTransaction} began (rolls back a failed one).
   */
  private void endAutoCommitTransaction(Connection session) throws SQLException {
    if (!sessions.inTransaction(session)) {
      return; // the statement ended it itself
    }
    try (Statement statement = session.createStatement()) {
      statement.execute(sessions.transactionFailed(session) ? "ROLLBACK" : "COMMIT");
    }
  }

  /**
   * Keeps a role set inside a pooled transaction off the pooler: the statement's session-level
   * value goes back right after it ({@link #resetRoleIfDue}).
   */
  void resetRoleAfterStatement() {
    resetRoleAfterStatement = true;
  }

  /**
   * Sends {@code RESET ROLE} in the pooled transaction if {@link #resetRoleAfterStatement} asked.
   */
  void resetRoleIfDue(Connection physical, boolean inTransaction) throws SQLException {
    if (resetRoleAfterStatement) {
      resetRoleAfterStatement = false;
      Connection pooled = sessions.get(EndpointKind.POOLED);
      if (physical == pooled && inTransaction && !sessions.transactionFailed(pooled)) {
        try (Statement statement = pooled.createStatement()) {
          statement.execute("RESET ROLE"); // current_user stays the login's; nothing leaks
        }
      }
    }
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

  // ---- recording what the server holds -----------------------------------------------------

  /**
   * Reads back what a {@link Route#changesParameters} statement did. On a pooled transaction the
   * change is also made transaction-local there (see {@link SessionParameters#captureAndLocalize})
   * and stays pending until commit. On the direct session outside a transaction the server's answer
   * is the whole logical state, unless a pin is in force: the pin's end reads it then.
   */
  void recordParameters(
      Connection physical, boolean inTransaction, SessionStatement statement, boolean pinned)
      throws SQLException {
    Set<String> names = statement == null ? null : statement.names;
    parameters.noteCustomNames(names);
    Connection pooled = sessions.get(EndpointKind.POOLED);
    if (physical == pooled) {
      Map<String, String> reported =
          sessions.readParameters(pooled, parameters.captureAndLocalize());
      parameters.recordInTransaction(reported, names);
      return;
    }
    Connection direct = sessions.get(EndpointKind.DIRECT);
    sessions.markNeedsReset(EndpointKind.DIRECT);
    if (pinned) {
      // The direct session holds the truth while pinned; the pin's end reads it back. Nothing may
      // sync over it in between.
      return;
    }
    if (inTransaction) {
      Map<String, String> reported = sessions.readParameters(direct, parameters.capture());
      parameters.recordInTransaction(reported, names);
    } else {
      boolean restore = sessions.outsideTransaction(direct);
      try {
        adoptCommittedParameters(sessions.readParameters(direct, parameters.capture()));
      } finally {
        PhysicalSessions.restoreAutoCommit(direct, restore);
      }
    }
  }

  /**
   * Takes the direct session's parameters, read outside a transaction, as the logical state: the
   * session now holds exactly them.
   */
  void adoptCommittedParameters(Map<String, String> reported) {
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

  /** A transaction ended, by commit or not: its parameter changes are kept or dropped. */
  void transactionEnded(Connection owner, boolean committed) {
    boolean moved = movedTransaction;
    movedTransaction = false;
    if (committed) {
      if (parameters.commit() && (owner != sessions.get(EndpointKind.DIRECT) || moved)) {
        directInSync = false;
      }
    } else {
      parameters.rollback();
      if (owner == sessions.get(EndpointKind.DIRECT)) {
        directInSync = false; // a sync inside the rolled-back transaction is undone too
      }
    }
  }

  /**
   * Brings the direct session to the committed parameters when it may differ (opened or lent since,
   * or the parameters changed in a pooled transaction). One round trip, only then.
   */
  void syncDirect() throws SQLException {
    Connection direct = sessions.get(EndpointKind.DIRECT);
    if (directInSync || direct == null) {
      return;
    }
    try (Statement statement = direct.createStatement()) {
      statement.execute(parameters.syncDirect(isolation != -1));
    }
    sessions.markNeedsReset(EndpointKind.DIRECT);
    directInSync = true;
  }

  /**
   * Begins the transaction that moved from the pooler on the direct session with the parameter
   * values the pooled one saw: only those that differ from the committed ones, which the direct
   * session holds already. Without values to carry nothing is sent (pgJDBC's {@code BEGIN} goes out
   * with the statement that moved it).
   *
   * @param seen the parameters the pooled transaction's statements saw
   */
  void carryIntoMovedTransaction(Connection session, Map<String, String> seen) throws SQLException {
    Map<String, String> carried = new LinkedHashMap<>(seen);
    carried.entrySet().removeIf(e -> e.getValue().equals(parameters.committed().get(e.getKey())));
    String local = SessionParameters.localValues(carried);
    // Whatever the moved transaction commits, the direct session holds it only transaction-locally.
    movedTransaction = true;
    if (local != null) {
      try (Statement statement = session.createStatement()) {
        // Begins the direct transaction (auto-commit is off) with the values the pooled one saw.
        statement.execute(local);
      }
    }
  }

  // ---- resets ------------------------------------------------------------------------------

  /**
   * {@code DISCARD ALL} reset the direct session to its defaults: the logical state goes with it.
   */
  void directSessionDiscarded() {
    isolation = -1;
    parameters.clear();
    directInSync = true;
  }

  /**
   * A request ends ({@code endRequest}): the session parameters are forgotten, except the schema,
   * which belongs to its JDBC setter like the isolation level.
   */
  void forgetParameters() {
    parameters.clear();
    if (schema != null) {
      parameters.put(SessionParameters.SEARCH_PATH, SessionSql.quoteIdentifier(schema));
    }
  }

  /**
   * Resets the open direct session for the next user ({@code DISCARD ALL}) and gives it back the
   * JDBC-level isolation level, which the pool owns and resets itself.
   */
  void resetDirect() throws SQLException {
    Connection direct = sessions.get(EndpointKind.DIRECT);
    // DISCARD ALL cannot run in a transaction block: with auto-commit off pgJDBC would open one.
    boolean restore = sessions.outsideTransaction(direct);
    try (Statement statement = direct.createStatement()) {
      statement.execute("DISCARD ALL");
    } finally {
      PhysicalSessions.restoreAutoCommit(direct, restore);
    }
    if (isolation != -1) {
      direct.setTransactionIsolation(isolation);
    }
    directInSync = parameters.isEmpty();
  }

  /** The direct session goes back to its source: the next one holds no parameters yet. */
  void directGivenBack() {
    directInSync = parameters.committed().isEmpty();
  }
}

package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Which physical session holds the open transaction of a routing connection (DESIGN.md, Routing,
 * rule 3: a transaction never splits), and what the {@link Router} must know of it: whether it had
 * failed before the statement now running, and whether a pooled one holds something a move to
 * direct would lose. Commit, rollback and auto-commit end it here, so that the logical session
 * state ({@link SessionStateCarrier}) keeps or drops what it changed. Not thread-safe, like a JDBC
 * connection.
 */
final class OpenTransaction {
  private final PhysicalSessions sessions;
  private final SessionStateCarrier state;

  private Connection owner;
  // The open pooled transaction holds what a move would lose (a NOTIFY, a savepoint).
  private boolean staysOnPooler;
  // Whether the transaction the statement runs in had already failed (its COMMIT rolls back).
  private boolean failedBefore;

  OpenTransaction(PhysicalSessions sessions, SessionStateCarrier state) {
    this.sessions = sessions;
    this.state = state;
  }

  /** The session of the open transaction, or {@code null}. */
  Connection owner() {
    return owner;
  }

  /** Whether a transaction is open (known to the router). */
  boolean isOpen() {
    return owner != null;
  }

  /** Whether the open transaction runs on the session of {@code kind}. */
  boolean isOn(EndpointKind kind) {
    return owner != null && owner == sessions.get(kind);
  }

  /**
   * Whether what happens now happens in a transaction: one is open, or auto-commit is off and the
   * next statement begins one.
   */
  boolean isOpenOrBegins() {
    return owner != null || !sessions.autoCommit();
  }

  /**
   * Takes as the transaction's session one whose transaction began without a statement of the
   * router: pgJDBC's own metadata queries open one when auto-commit is off, and so does a {@code
   * BEGIN} sent in auto-commit mode before auto-commit was switched off. Later statements, commit
   * and rollback must go there too. Sends nothing.
   *
   * @return whether such a transaction was found
   */
  boolean adopt() throws SQLException {
    owner = sessions.firstInTransaction();
    return owner != null;
  }

  /**
   * Begins a pooled transaction in the logical session state ({@link
   * SessionStateCarrier#startPooledTransaction}); the session owns the transaction once its prelude
   * began it.
   */
  void startPooled(Connection target) throws SQLException {
    if (state.startPooledTransaction(target)) {
      owner = target;
    }
  }

  /** The open transaction moved to {@code session} (or ended: {@code null}). */
  void ownedBy(Connection session) {
    if (session == null) {
      forget();
    } else {
      owner = session;
    }
  }

  /** No transaction is open any more: nothing holds the next one on the pooler either. */
  private void forget() {
    owner = null;
    staysOnPooler = false;
  }

  /** Whether the open pooled transaction holds what a move would lose. */
  boolean staysOnPooler() {
    return staysOnPooler;
  }

  /** The open pooled transaction set a savepoint: moving would lose it. */
  void keepOnPooler(Connection physical) {
    if (physical == sessions.get(EndpointKind.POOLED) && owner == physical) {
      staysOnPooler = true;
    }
  }

  /** A statement is about to run: notes whether its transaction had failed already. */
  void statementStarting() throws SQLException {
    failedBefore = owner != null && sessions.transactionFailed(owner);
  }

  /**
   * A statement ran on {@code physical}: it owns the transaction if one is open there now, and a
   * statement that a pooled transaction cannot lose by moving ({@code NOTIFY}, a savepoint) keeps
   * it on the pooler.
   *
   * @return whether the statement ended the transaction {@code physical} owned
   */
  boolean statementRan(Connection physical, boolean inTransaction, String sql) {
    boolean ended = !inTransaction && owner == physical;
    if (inTransaction) {
      owner = physical;
      if (physical == sessions.get(EndpointKind.POOLED)
          && !staysOnPooler
          && sql != null
          && StatementKeywords.keepsTransactionOnPooler(sql)) {
        staysOnPooler = true;
      }
    } else if (ended) {
      forget();
    }
    return ended;
  }

  /** The statement {@code sql} ended the transaction on {@code physical}: by commit or not. */
  void endedByStatement(Connection physical, String sql) {
    state.transactionEnded(
        physical, !failedBefore && sql != null && StatementKeywords.endsByCommit(sql));
  }

  /** Sets auto-commit on every open session (pgJDBC commits an open transaction, as JDBC says). */
  void setAutoCommit(boolean value) throws SQLException {
    // pgJDBC commits when auto-commit is switched on; the server rolls a failed transaction back.
    boolean failed = owner != null && sessions.transactionFailed(owner);
    sessions.setAutoCommit(value);
    if (owner != null) {
      state.transactionEnded(owner, !failed);
    }
    forget();
  }

  /** The session whose transaction commit or rollback ends (adopted if need be), forgotten. */
  Connection take() throws SQLException {
    if (owner == null) {
      adopt();
    }
    Connection taken = owner;
    forget();
    return taken;
  }

  /** Commits the transaction of {@code session}. */
  void commit(Connection session) throws SQLException {
    // A failed transaction's COMMIT is a rollback on the server: its SETs are gone there too.
    boolean committed = !sessions.transactionFailed(session);
    try {
      session.commit();
    } catch (SQLException e) {
      committed = false;
      throw e;
    } finally {
      state.transactionEnded(session, committed);
    }
  }

  /** Rolls back the transaction of {@code session}. */
  void rollback(Connection session) throws SQLException {
    session.rollback();
    state.transactionEnded(session, false);
  }
}

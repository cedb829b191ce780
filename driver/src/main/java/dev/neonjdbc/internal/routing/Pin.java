package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.RoutingEvents;
import dev.neonjdbc.spi.StatementKind;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pin of one logical connection to its direct session (DESIGN.md, Routing, rule 1): whether it
 * is pinned, by what, and when to ask the direct session whether anything the pin protects is left.
 *
 * <p>A pin protects state that lives on the server session (LISTEN channels, temporary tables,
 * session advisory locks, SQL-level prepared statements, WITH HOLD cursors, a role). It ends with
 * {@code DISCARD ALL}, {@code endRequest} or close, or when the server holds nothing for it any
 * more: after a statement that can release such state, and after the transaction it began in ends
 * (a rollback or {@code ON COMMIT DROP} may have undone it), the direct session is asked in one
 * query ({@link ServerChecks#pinHolds}). A pin no query can see the end of ({@code LOAD}, {@code
 * SESSION AUTHORIZATION}, a hint, {@code pinDirect()}) holds until reset. Not thread-safe, like a
 * JDBC connection.
 */
final class Pin {
  // The router's category: README names it as the one that logs routing decisions.
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  // What a pin from the startup parameters names as its reason.
  private static final String STARTUP_REASON = "startup options or currentSchema";

  private final PhysicalSessions sessions;
  private final SessionStateCarrier state;
  private final RoutingEvents events;
  // Startup parameters (currentSchema, options) that only the direct session carries: DISCARD ALL
  // resets to them, so it cannot end this pin.
  private final boolean atStartup;

  private boolean pinned;
  // What pinned the connection (a statement's first keyword), for logs and the WARN below.
  private String reason;
  // A pin no query can see the end of (LOAD, SESSION AUTHORIZATION, a hint, pinDirect()).
  private boolean forGood;
  // Whether to ask the direct session if the pin still holds anything, before the next statement.
  private boolean checkDue;
  // The pin began in the open transaction: its end (rollback, ON COMMIT DROP) may undo the state.
  private boolean beganInTransaction;
  private boolean warnedReuse;

  /**
   * The pin of a connection over {@code sessions}, whose parameters {@code state} records.
   *
   * @param atStartup whether startup parameters only the direct session carries pin it for good
   */
  Pin(
      PhysicalSessions sessions,
      SessionStateCarrier state,
      RoutingEvents events,
      boolean atStartup) {
    this.sessions = sessions;
    this.state = state;
    this.events = events;
    this.atStartup = atStartup;
    if (atStartup) {
      LOG.debug("startup options or currentSchema set: connection pinned to direct");
      begin(STARTUP_REASON, true, false);
    }
  }

  /** Whether the connection is pinned to its direct session. */
  boolean isPinned() {
    return pinned;
  }

  /** What pinned the connection (the first keyword of the statement, or the call), if pinned. */
  String reason() {
    return pinned ? reason : null;
  }

  /** Whether something the connection did pinned it, rather than its startup parameters. */
  boolean isPinnedByUse() {
    return pinned && !atStartup;
  }

  /** Whether the direct session is to be asked, before the next statement, if the pin holds. */
  boolean isCheckDue() {
    return checkDue;
  }

  /**
   * Pins for the pinning statement {@code sql}, named by its first keyword.
   *
   * @param inTransaction whether a transaction is open or begins with the statement
   */
  void beginFor(String sql, boolean inTransaction) {
    begin(StatementKeywords.first(sql), StatementKeywords.pinsForGood(sql), inTransaction);
  }

  /**
   * Pins to direct (or strengthens the pin in force).
   *
   * @param forGood whether no query can see the pin's end
   * @param inTransaction whether a transaction is open or begins with what pins
   */
  void begin(String why, boolean forGood, boolean inTransaction) {
    if (!pinned) {
      pinned = true;
      reason = why;
      events.pinned(causeOf(why));
      if (LOG.isDebugEnabled()) {
        LOG.debug("pinned to direct by {}", why);
      }
    }
    this.forGood |= forGood;
    checkDue = false;
    beganInTransaction |= inTransaction;
    sessions.markNeedsReset(EndpointKind.DIRECT);
  }

  private StatementKind causeOf(String why) {
    if (Router.PIN_DIRECT_CALL.equals(why)) {
      return StatementKind.PIN_DIRECT;
    }
    return STARTUP_REASON.equals(why) ? StatementKind.STARTUP : StatementKind.ofKeyword(why);
  }

  /** Ends the pin; a pin from the startup parameters stays. */
  void end() {
    pinned = atStartup;
    forGood = atStartup;
    reason = atStartup ? reason : null;
    checkDue = false;
    beganInTransaction = false;
  }

  /**
   * Asks the direct session whether anything a pin protects is left; when nothing is, the pin ends
   * and the session's parameters become the logical state (one query for both).
   */
  void endIfNothingHeld() throws SQLException {
    checkDue = false;
    Connection direct = sessions.get(EndpointKind.DIRECT);
    if (!pinned || forGood || direct == null) {
      return;
    }
    ServerChecks.PinCheck check;
    boolean restore = sessions.outsideTransaction(direct);
    try {
      check = sessions.pinCheck(direct, state.parameters());
    } finally {
      PhysicalSessions.restoreAutoCommit(direct, restore);
    }
    if (!check.holds()) {
      if (LOG.isDebugEnabled()) {
        LOG.debug("pin by {} ended: the direct session holds nothing for it", reason);
      }
      end();
      state.adoptCommittedParameters(check.parameters());
      events.unpinned();
    }
  }

  /**
   * A statement ran on {@code physical}: when it ran on the direct session and may have released
   * what the pin protects ({@code sql} says so, or the transaction the pin began in ended), the
   * direct session is asked at once outside a transaction, else once it ends.
   *
   * @param inTransaction whether {@code physical} is inside a transaction now
   * @param transactionEnded whether the statement ended the transaction that owned {@code physical}
   */
  void afterStatement(
      Connection physical, boolean inTransaction, boolean transactionEnded, String sql)
      throws SQLException {
    boolean pinBeganInEndedTransaction = transactionEnded && beganInTransaction;
    if (transactionEnded) {
      beganInTransaction = false;
    }
    if (pinned && !forGood && physical == sessions.get(EndpointKind.DIRECT)) {
      if (pinBeganInEndedTransaction
          || (sql != null && StatementKeywords.mayReleasePinnedState(sql))) {
        checkDue = true;
      }
      if (checkDue && !inTransaction) {
        endIfNothingHeld();
      }
    }
  }

  /**
   * After commit or rollback a pin that began in the transaction is checked at the connection's
   * next use (a rollback or {@code ON COMMIT DROP} may have undone its state); at once when a
   * statement in the transaction may have released what it protects. A pin from before the
   * transaction costs nothing more.
   */
  void afterTransactionEnd() throws SQLException {
    boolean releasedSomething = checkDue;
    checkDue = pinned && !forGood && beganInTransaction;
    beganInTransaction = false;
    if (releasedSomething) {
      endIfNothingHeld();
    }
  }

  /**
   * A client pool hands the connection out ({@code Connection.beginRequest}). A connection still
   * pinned at this point keeps its direct session for the next user: reported once at WARN, naming
   * what pinned it.
   */
  void warnIfHandedOutPinned() {
    if (pinned && !atStartup && !warnedReuse) {
      warnedReuse = true;
      LOG.warn(
          "a pooled jdbc:neon: connection is handed out again while pinned to the direct endpoint"
              + " by {}; its statements keep running there until the pin ends (release what {}"
              + " holds, DISCARD ALL, or let the pool call endRequest)",
          reason,
          reason);
    }
  }
}

package dev.neonjdbc.internal.routing;

import dev.neonjdbc.spi.SessionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * Where a {@link Router} gets its physical sessions ({@link SessionSource}) and what it asks about
 * them: the state of a session's transaction, and the questions it puts to the server in one query
 * each (may a pooled transaction move to direct, does a pin still hold anything, which session
 * parameters are set). The driver's answer comes from pgJDBC and the server ({@link #overPgJdbc});
 * the router's unit tests give scripted answers, so that each routing rule can be driven without a
 * server.
 */
interface RouterSessionSource extends SessionSource {

  /** The state of a physical session's transaction, as its driver tracks it. */
  enum TransactionStatus {
    /** No transaction is open. */
    IDLE,
    /** A transaction is open. */
    OPEN,
    /** A transaction is open and failed: nothing more runs in it before it ends. */
    FAILED
  }

  /** The state of {@code session}'s transaction. Sends nothing. */
  TransactionStatus transactionStatus(Connection session) throws SQLException;

  /** Asks the open pooled transaction whether it may move to the direct endpoint (rule 3). */
  ServerChecks.MoveCheck moveCheck(Connection pooled, SessionParameters parameters)
      throws SQLException;

  /** Asks the direct session (outside a transaction) whether anything still needs the pin. */
  ServerChecks.PinCheck pinCheck(Connection direct, SessionParameters parameters)
      throws SQLException;

  /** Runs one of {@link SessionParameters}' capture queries on {@code session}: what it reports. */
  Map<String, String> readParameters(Connection session, String query) throws SQLException;

  /** {@code source}'s sessions, asked through pgJDBC and the server. */
  static RouterSessionSource overPgJdbc(SessionSource source) {
    return new PgJdbcSessionSource(source);
  }
}

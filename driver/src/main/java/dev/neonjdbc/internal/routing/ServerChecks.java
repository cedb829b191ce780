package dev.neonjdbc.internal.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The two questions the router asks the server rather than guessing from SQL text, each in one
 * query: does the direct session still hold anything a pin protects (rule 1 of DESIGN.md, Routing),
 * and may a pooled transaction move to the direct endpoint (rule 3).
 */
final class ServerChecks {
  private ServerChecks() {}

  /**
   * What a pin protects, counted on the direct session: session advisory locks, LISTEN channels,
   * temporary objects, SQL-level prepared statements, WITH HOLD cursors, and a role other than the
   * login's; then the session's parameters, which become the logical state if the pin ends.
   */
  private static final String PIN_CHECK_COUNTS =
      "SELECT (SELECT count(*) FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND pid = pg_catalog.pg_backend_pid())"
          + " + (SELECT count(*) FROM pg_catalog.pg_listening_channels())"
          + " + (SELECT count(*) FROM pg_catalog.pg_class WHERE relnamespace = pg_catalog.pg_my_temp_schema())"
          + " + (SELECT count(*) FROM pg_catalog.pg_proc WHERE pronamespace = pg_catalog.pg_my_temp_schema())"
          + " + (SELECT count(*) FROM pg_catalog.pg_type WHERE typnamespace = pg_catalog.pg_my_temp_schema())"
          + " + (SELECT count(*) FROM pg_catalog.pg_operator"
          + " WHERE oprnamespace = pg_catalog.pg_my_temp_schema())"
          + " + (SELECT count(*) FROM pg_catalog.pg_collation"
          + " WHERE collnamespace = pg_catalog.pg_my_temp_schema())"
          + " + (SELECT count(*) FROM pg_catalog.pg_prepared_statements WHERE from_sql)"
          + " + (SELECT count(*) FROM pg_catalog.pg_cursors WHERE is_holdable)"
          + " + CASE WHEN current_user = session_user THEN 0 ELSE 1 END, ";

  /**
   * Whether a pooled transaction can end on the pooler and continue on direct without anyone
   * noticing: it has written nothing (no transaction id yet; row locks assign one too), runs at
   * READ COMMITTED (each statement takes a new snapshot, so the reads done need no replay), holds
   * no lock beyond the ACCESS SHARE its reads took (an explicit {@code LOCK}, a transaction-level
   * advisory lock) and has no open cursor. Also returns the parameters its statements see, to carry
   * over.
   */
  private static final String MOVE_CHECK_FLAGS =
      "SELECT pg_catalog.pg_current_xact_id_if_assigned() IS NULL,"
          + " pg_catalog.current_setting('transaction_isolation'),"
          + " (SELECT count(*) FROM pg_catalog.pg_locks WHERE pid = pg_catalog.pg_backend_pid() AND granted"
          + " AND (locktype = 'advisory' OR (locktype = 'relation' AND mode <> 'AccessShareLock'))),"
          + " (SELECT count(*) FROM pg_catalog.pg_cursors WHERE name <> ''), session_user, ";

  /** What {@link #pinHolds} found. */
  record PinCheck(boolean holds, Map<String, String> parameters) {}

  /** Asks the direct session (outside a transaction) whether anything still needs the pin. */
  static PinCheck pinHolds(Connection direct, SessionParameters parameters) throws SQLException {
    try (Statement statement = direct.createStatement();
        ResultSet rs = statement.executeQuery(PIN_CHECK_COUNTS + parameters.captureArray())) {
      rs.next();
      return new PinCheck(rs.getLong(1) > 0, SessionParameters.parse(rs.getArray(2)));
    }
  }

  /**
   * What {@link #mayMove} found: {@code reason} is {@code null} when the transaction may move, else
   * why not, for the refusal's message; the login role, and the parameters the transaction sees.
   */
  record MoveCheck(String reason, String sessionUser, Map<String, String> parameters) {
    boolean movable() {
      return reason == null;
    }

    /** A transaction the router knows cannot move, without asking the server. */
    static MoveCheck refused(String reason) {
      return new MoveCheck(reason, null, Map.of());
    }

    /**
     * Whether {@code sql} sets the role to the login's own (or resets it), by the server's word.
     */
    boolean setsLoginRole(String sql) {
      String target = StatementKeywords.roleTarget(sql);
      return target != null && (target.equals("none") || target.equals(sessionUser));
    }
  }

  /** Asks the pooled transaction whether it may move to the direct endpoint. */
  static MoveCheck mayMove(Connection pooled, SessionParameters parameters) throws SQLException {
    try (Statement statement = pooled.createStatement();
        ResultSet rs =
            statement.executeQuery(MOVE_CHECK_FLAGS + parameters.inPooledTransactionArray())) {
      rs.next();
      String reason = null;
      if (!rs.getBoolean(1)) {
        reason = "it has already written";
      } else if (!"read committed".equals(rs.getString(2))) {
        reason = "it runs at " + rs.getString(2).toUpperCase(java.util.Locale.ROOT);
      } else if (rs.getLong(3) > 0) {
        reason = "it holds an explicit or advisory lock";
      } else if (rs.getLong(4) > 0) {
        reason = "it has an open cursor";
      }
      return new MoveCheck(reason, rs.getString(5), SessionParameters.parse(rs.getArray(6)));
    }
  }
}

package dev.neonjdbc.internal.routing;

import java.sql.Connection;
import java.sql.SQLException;

/** SQL text and messages the router sends or throws. */
final class SessionSql {
  private SessionSql() {}

  /**
   * The refusal of a statement that needs the direct endpoint inside a pooled transaction that
   * cannot move there (SQLState 0A000).
   *
   * @param reason why the transaction cannot move, e.g. "it has already written"
   */
  static SQLException refusal(String keyword, String reason) {
    return new SQLException(
        keyword
            + " creates session state, which needs the direct endpoint, but this transaction"
            + " is open on the pooled endpoint (PgBouncer would hand its server connection to"
            + " another client) and cannot move to direct: "
            + reason
            + ". Start such a transaction on the direct endpoint: make its first statement carry"
            + " the hint /* neon:direct */, or call"
            + " connection.unwrap(NeonConnection.class).pinDirect() before it begins.",
        Router.REFUSED);
  }

  /** The SQL name of a JDBC isolation level; HY024 for an unknown one. */
  static String isolation(int level) throws SQLException {
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

  /**
   * The transaction-local form of pgJDBC's {@code setSchema}: {@code null} restores the default
   * search path, as pgJDBC's {@code SET SESSION search_path TO DEFAULT} does.
   */
  static String setLocalSearchPath(String schema) {
    return schema == null
        ? "SET LOCAL search_path TO DEFAULT"
        : "SET LOCAL search_path TO " + quoteIdentifier(schema);
  }

  /** Quotes a schema name for {@code search_path}, as pgJDBC's setSchema does. */
  static String quoteIdentifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}

package dev.neonjdbc.internal.jdbc;

import dev.neonjdbc.EndpointKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The pgJDBC statements of one logical statement: at most one per physical session, and a logical
 * connection has at most one session per endpoint kind, so one slot per kind suffices (an array
 * index, no map on the hot path). Each slot remembers the session its statement belongs to: a lent
 * session that went back and was replaced by another of the same kind does not reuse it.
 *
 * <p>A slot whose statement was closed behind our back (pgJDBC's {@code closeOnCompletion}, or a
 * pool that closed the statements of a session it took back) counts as empty.
 */
final class PhysicalStatements {
  private static final int KINDS = EndpointKind.values().length;

  private final Statement[] statements = new Statement[KINDS];
  private final Connection[] owners = new Connection[KINDS];

  /** The open statement of {@code session}, whose endpoint is {@code kind}, or {@code null}. */
  Statement openOn(EndpointKind kind, Connection session) throws SQLException {
    int slot = kind.ordinal();
    Statement statement = statements[slot];
    if (owners[slot] == session && statement != null && !statement.isClosed()) {
      return statement;
    }
    return null;
  }

  /**
   * Keeps {@code created} as the statement of {@code session}, whose endpoint is {@code kind}; the
   * statement it replaces (of an earlier session of that kind, or closed) is closed.
   */
  void put(EndpointKind kind, Connection session, Statement created) {
    int slot = kind.ordinal();
    closeQuietly(statements[slot]);
    statements[slot] = created;
    owners[slot] = session;
  }

  /** Closes and forgets the statements of {@code session}, which goes back to its pool. */
  void forget(Connection session) {
    for (int slot = 0; slot < KINDS; slot++) {
      if (owners[slot] == session) {
        closeQuietly(statements[slot]);
        statements[slot] = null;
        owners[slot] = null;
      }
    }
  }

  /** Applies a changed setting to every open statement. */
  void apply(StatementSettings settings, StatementSettings.Setting setting) throws SQLException {
    for (Statement statement : statements) {
      if (statement != null && !statement.isClosed()) {
        settings.apply(statement, setting);
      }
    }
  }

  /** Closes every statement; the last failure is thrown after all were tried. */
  void closeAll() throws SQLException {
    SQLException failure = null;
    for (int slot = 0; slot < KINDS; slot++) {
      Statement statement = statements[slot];
      statements[slot] = null;
      owners[slot] = null;
      if (statement != null) {
        try {
          statement.close();
        } catch (SQLException e) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void closeQuietly(Statement statement) {
    if (statement != null) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // The replaced statement belonged to a session this statement no longer uses.
      }
    }
  }
}

package dev.neonjdbc.internal.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The pgJDBC statements of one logical statement: at most one per physical session, and a logical
 * connection has at most two sessions, so two slots suffice and no map is needed on the hot path.
 *
 * <p>A slot whose statement was closed behind our back (pgJDBC's {@code closeOnCompletion}, or a
 * pool that closed the statements of a session it took back) counts as empty.
 */
final class PhysicalStatements {
  private Statement first;
  private Connection firstOwner;
  private Statement second;
  private Connection secondOwner;

  /** The open statement that belongs to {@code session}, or {@code null}. */
  Statement openOn(Connection session) throws SQLException {
    if (firstOwner == session && !first.isClosed()) {
      return first;
    }
    if (secondOwner == session && !second.isClosed()) {
      return second;
    }
    return null;
  }

  /**
   * Keeps {@code created} as the statement of {@code session}, in the slot of a previous statement
   * of the same session, else an empty or closed slot, else the second one (whose statement is
   * closed: it belonged to a session the logical connection no longer uses).
   */
  void put(Connection session, Statement created) throws SQLException {
    if (firstOwner == null || firstOwner == session || first.isClosed()) {
      closeQuietly(firstOwner == session ? first : null);
      first = created;
      firstOwner = session;
    } else {
      closeQuietly(second);
      second = created;
      secondOwner = session;
    }
  }

  /** Closes and forgets the statements of {@code session}, which goes back to its pool. */
  void forget(Connection session) {
    if (firstOwner == session) {
      closeQuietly(first);
      first = null;
      firstOwner = null;
    }
    if (secondOwner == session) {
      closeQuietly(second);
      second = null;
      secondOwner = null;
    }
  }

  /** Applies a changed setting to every open statement. */
  void apply(StatementSettings settings, StatementSettings.Setting setting) throws SQLException {
    if (first != null && !first.isClosed()) {
      settings.apply(first, setting);
    }
    if (second != null && !second.isClosed()) {
      settings.apply(second, setting);
    }
  }

  /** Closes both statements; the last failure is thrown after both were tried. */
  void closeAll() throws SQLException {
    SQLException failure = null;
    Statement[] statements = {first, second};
    first = null;
    second = null;
    firstOwner = null;
    secondOwner = null;
    for (Statement statement : statements) {
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

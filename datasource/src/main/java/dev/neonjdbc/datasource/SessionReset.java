package dev.neonjdbc.datasource;

import dev.neonjdbc.EndpointKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;

/**
 * Brings a session back to how its pool handed it out, for the state HikariCP does not reset by
 * itself.
 *
 * <p>HikariCP 7 restores auto-commit, read-only, transaction isolation and network timeout when
 * they were changed through its proxy, and rolls back an unfinished transaction; it restores the
 * schema and catalog only when the pool configures them, and never touches client info,
 * holdability, the type map or server-side session state. A direct session that was pinned (temp
 * tables, LISTEN, session {@code SET}, advisory locks, SQL {@code PREPARE}) or given a schema is
 * reset with {@code DISCARD ALL}; pgJDBC notices {@code DISCARD ALL} and forgets its server-side
 * statements. A pooled session never carries server state (the router keeps it off the pooler), and
 * {@code DISCARD ALL} through PgBouncer would hit a server connection other clients share.
 */
final class SessionReset {
  private SessionReset() {}

  static void reset(Connection session, EndpointKind kind, SessionDefaults defaults)
      throws SQLException {
    if (!session.getAutoCommit()) {
      session.rollback();
      session.setAutoCommit(true);
    }
    if (kind == EndpointKind.DIRECT) {
      try (Statement statement = session.createStatement()) {
        statement.execute("DISCARD ALL");
      }
    }
    if (defaults != null) {
      session.setHoldability(defaults.holdability());
      session.setTypeMap(new HashMap<>());
      String applicationName = defaults.applicationName();
      session.setClientInfo("ApplicationName", applicationName == null ? "" : applicationName);
    }
  }
}

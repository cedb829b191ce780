package dev.neonjdbc.datasource;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The client-side state of a fresh pgJDBC session that HikariCP does not track (holdability,
 * application name), so that a session can be given back as it came.
 */
record SessionDefaults(int holdability, String applicationName) {

  static SessionDefaults of(Connection session) throws SQLException {
    return new SessionDefaults(session.getHoldability(), session.getClientInfo("ApplicationName"));
  }
}

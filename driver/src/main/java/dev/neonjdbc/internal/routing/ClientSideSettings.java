package dev.neonjdbc.internal.routing;

import dev.neonjdbc.spi.SessionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The connection settings {@link PhysicalSessions} gives every physical session alike, pooled or
 * direct: read-only, holdability, type map, client info and network timeout. None of them is
 * server-side session state that PgBouncer could hand to another client (read-only goes out per
 * transaction as {@code BEGIN READ ONLY}; PgBouncer tracks {@code application_name} per client), so
 * they are kept here and replayed on each session as it opens.
 */
final class ClientSideSettings {
  boolean readOnly;
  int holdability = -1;
  Map<String, Class<?>> typeMap;
  final Properties clientInfo = new Properties();
  Executor networkTimeoutExecutor;
  int networkTimeout = -1;

  /**
   * Whether a session given these settings carries state its pool does not reset by itself (see
   * {@link SessionSource#release}).
   */
  boolean needReset() {
    return holdability != -1 || typeMap != null || !clientInfo.isEmpty();
  }

  /** Records a client info value ({@code null} removes it). */
  void clientInfo(String name, String value) {
    if (value == null) {
      clientInfo.remove(name);
    } else {
      clientInfo.setProperty(name, value);
    }
  }

  /** Brings a newly opened session to these settings; defaults are left alone (no calls). */
  void applyTo(Connection connection) throws SQLException {
    if (readOnly) {
      connection.setReadOnly(true);
    }
    if (holdability != -1) {
      connection.setHoldability(holdability);
    }
    if (typeMap != null) {
      connection.setTypeMap(typeMap);
    }
    if (!clientInfo.isEmpty()) {
      connection.setClientInfo(clientInfo);
    }
    if (networkTimeout != -1) {
      connection.setNetworkTimeout(networkTimeoutExecutor, networkTimeout);
    }
  }
}

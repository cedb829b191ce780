package dev.neonjdbc.internal.jdbc;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.routing.Router;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * How a logical connection reports a physical session that failed: which connect failures mean that
 * nothing answers at an endpoint, and the SQLState frameworks classify a session that ended under
 * the connection by (08006, with the original as cause).
 */
final class SessionFailures {
  private static final EndpointKind[] KINDS = EndpointKind.values();

  private SessionFailures() {}

  /**
   * Whether a connect failure says that nothing answers at the endpoint now: the network refused,
   * found no route or host, or timed out, or the server cannot accept connections yet (57P03).
   * Anything the endpoint answered (28P01 wrong password, 3D000 unknown database, TLS or channel
   * binding refused) is a fault of the request that the other endpoint must not hide.
   */
  static boolean isUnreachable(SQLException e) {
    if ("57P03".equals(e.getSQLState())) {
      return true;
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException
          || cause instanceof NoRouteToHostException
          || cause instanceof UnknownHostException
          || cause instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /**
   * An exception from a physical session, restated when that session has ended under the logical
   * connection: HikariCP's proxy of an evicted session says "Connection is closed" with no
   * SQLState, and pgJDBC says 08003 as if the application had closed it. Frameworks classify by
   * SQLState (HikariCP evicts on 08…, Spring translates 08… to a connection failure), so this
   * becomes 08006 with the original as its cause. Anything else passes through unchanged.
   */
  static SQLException translate(Router router, SQLException e) {
    String state = e.getSQLState();
    if (state != null && !state.equals(RoutingConnection.CONNECTION_CLOSED)) {
      return e;
    }
    Connection lost = brokenSession(router);
    return lost == null ? e : lostSession(router, lost, e);
  }

  /**
   * An open session of {@code router} that has ended (closed under it, or failing to say), or
   * {@code null}: the direct one first, since the state a pin holds is lost with it.
   */
  static Connection brokenSession(Router router) {
    Connection direct = router.sessionIfOpen(EndpointKind.DIRECT);
    if (isBroken(direct)) {
      return direct;
    }
    for (EndpointKind kind : KINDS) {
      Connection session = router.sessionIfOpen(kind);
      if (isBroken(session)) {
        return session;
      }
    }
    return null;
  }

  /** The 08006 for a session of {@code router} that ended, naming the pin it carried. */
  static SQLException lostSession(Router router, Connection session, SQLException cause) {
    EndpointKind kind = router.kindOf(session);
    String held =
        kind == EndpointKind.DIRECT && router.isPinned()
            ? " The server-side state it held (pinned by " + router.pinReason() + ") is gone."
            : "";
    return new SQLException(
        "The "
            + (kind == null ? "physical" : kind.label())
            + " session of this jdbc:neon: connection has ended (the server closed it, or the"
            + " network connection failed)."
            + held
            + " Close this connection and open a new one.",
        RoutingConnection.CONNECTION_FAILURE,
        cause);
  }

  private static boolean isBroken(Connection session) {
    try {
      return session != null && session.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }
}

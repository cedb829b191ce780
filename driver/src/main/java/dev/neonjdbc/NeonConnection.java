package dev.neonjdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What a {@code jdbc:neon:} connection tells about its routing, reached through {@code
 * connection.unwrap(NeonConnection.class)}.
 *
 * <pre>{@code
 * NeonConnection neon = connection.unwrap(NeonConnection.class);
 * neon.endpointFor("LISTEN jobs");   // DIRECT
 * neon.pinDirect();                  // everything after this runs on one direct session
 * }</pre>
 */
public interface NeonConnection {
  /**
   * The endpoint {@code sql} would run on if it were executed now, taking the connection's pin and
   * any open transaction into account. Nothing is sent to the server.
   */
  EndpointKind endpointFor(String sql);

  /**
   * Whether the connection is pinned to its direct session (by a statement or {@link #pinDirect}).
   */
  boolean isPinned();

  /**
   * What pinned the connection: the first keyword of the pinning statement ({@code LISTEN}, {@code
   * SELECT} for an advisory lock, {@code CREATE} for a temporary table…), {@code pinDirect()}, or
   * the startup options; empty when not pinned.
   */
  Optional<String> pinReason();

  /**
   * The session parameters the application set ({@code SET}, {@code set_config(…, false)}, {@code
   * setSchema}) that differ from the server's defaults, by lower-case name, as the server reported
   * them. The router carries them into every pooled transaction and sets them on the direct
   * session.
   */
  java.util.Map<String, String> sessionParameters();

  /**
   * Pins the connection to the direct endpoint: every later statement runs on one real PostgreSQL
   * session until {@code DISCARD ALL} or close. Use it before a transaction that needs session
   * state (LISTEN, temporary tables, SQL PREPARE).
   *
   * @throws SQLException SQLState 0A000 when a transaction is open on the pooled endpoint
   */
  void pinDirect() throws SQLException;

  /** Whether statements are routed per statement (both endpoints known and {@code route=auto}). */
  boolean isRouting();

  /**
   * The physical pgJDBC session on the endpoint of {@code kind}, if one is open (diagnostics only:
   * statements run on it bypass the routing).
   */
  Optional<Connection> session(EndpointKind kind);

  /**
   * The physical pgJDBC session on the pooled endpoint, if one is open.
   *
   * @deprecated use {@link #session(EndpointKind) session(EndpointKind.POOLED)}
   */
  @Deprecated(forRemoval = true)
  default Optional<Connection> pooledSession() {
    return session(EndpointKind.POOLED);
  }

  /**
   * The physical pgJDBC session on the direct endpoint, if one is open.
   *
   * @deprecated use {@link #session(EndpointKind) session(EndpointKind.DIRECT)}
   */
  @Deprecated(forRemoval = true)
  default Optional<Connection> directSession() {
    return session(EndpointKind.DIRECT);
  }
}

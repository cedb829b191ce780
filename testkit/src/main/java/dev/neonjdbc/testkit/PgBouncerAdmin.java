package dev.neonjdbc.testkit;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The PgBouncer admin console of a stack (the virtual database {@code pgbouncer}), logged in as
 * {@code pgbouncer_admin} with SCRAM over verified TLS.
 *
 * <p>This is not a JDBC connection on purpose: PgBouncer 1.18's console reports {@code
 * server_version} {@code 1.18.0/bouncer}, so pgJDBC takes it for a pre-9.0 server and sends {@code
 * SET extra_float_digits}, which the console refuses. The kit talks to it with {@code psql}.
 */
public interface PgBouncerAdmin {

  /**
   * Runs {@code SHOW what} and returns its rows, each a map from column name to the value as text
   * (SQL NULL as {@code null}), in column order.
   *
   * @param what the SHOW subject, e.g. {@code "CLIENTS"}, {@code "POOLS"}, {@code "SERVERS"}; a
   *     leading {@code SHOW} is accepted too
   * @throws SQLException when the console refuses the command or cannot be reached
   */
  List<Map<String, String>> show(String what) throws SQLException;

  /**
   * Runs an admin command that returns no rows, e.g. {@code RECONNECT neondb}, {@code PAUSE
   * neondb}, {@code RESUME neondb}, {@code KILL neondb_single}.
   *
   * @throws SQLException when the console refuses the command or cannot be reached
   */
  void command(String command) throws SQLException;
}

package dev.neonjdbc.compat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The session state one server backend holds, as that backend reports it in a single query (so
 * that, through PgBouncer in transaction mode, every value comes from the same backend).
 *
 * <p>The compatibility tests read it through a <em>second</em> client of the kit's one-connection
 * pool ({@code neondb_single}) after a tool has run there: whatever the tool's connections left on
 * the shared backend shows up as a difference from a fresh session, listed by {@link #leaks()}. It
 * covers the parameters tools and applications set ({@code search_path}, {@code
 * client_min_messages}, timeouts, transaction defaults, {@code role}), the custom parameters the
 * tests set ({@code compat.tenant}, {@code myapp.tenant}), and what pins a session: listening
 * channels, temporary tables, session advisory locks, SQL prepared statements, holdable cursors.
 *
 * @param values each observed item by name, in a stable order
 */
public record SessionState(Map<String, String> values) {

  /** What a fresh session of the kit's cluster reports; a custom parameter reads as empty. */
  private static final Map<String, String> FRESH =
      Map.ofEntries(
          Map.entry("search_path", "\"$user\", public"),
          Map.entry("client_min_messages", "notice"),
          Map.entry("statement_timeout", "0"),
          Map.entry("lock_timeout", "0"),
          Map.entry("idle_in_transaction_session_timeout", "0"),
          Map.entry("default_transaction_isolation", "read committed"),
          Map.entry("default_transaction_read_only", "off"),
          Map.entry("role", "none"),
          Map.entry("current_user = session_user", "true"),
          Map.entry("listening channels", "0"),
          Map.entry("temporary tables", "0"),
          Map.entry("session advisory locks", "0"),
          Map.entry("SQL prepared statements", "0"),
          Map.entry("WITH HOLD cursors", "0"));

  private static final String QUERY =
      "select current_setting('search_path'), current_setting('client_min_messages'),"
          + " current_setting('statement_timeout'), current_setting('lock_timeout'),"
          + " current_setting('idle_in_transaction_session_timeout'),"
          + " current_setting('default_transaction_isolation'),"
          + " current_setting('default_transaction_read_only'), current_setting('role'),"
          + " (current_user = session_user)::text,"
          + " (select count(*) from pg_listening_channels())::text,"
          + " (select count(*) from pg_class where relnamespace = pg_my_temp_schema())::text,"
          + " (select count(*) from pg_locks where locktype = 'advisory'"
          + "   and pid = pg_backend_pid())::text,"
          + " (select count(*) from pg_prepared_statements where from_sql)::text,"
          + " (select count(*) from pg_cursors where is_holdable)::text,"
          + " coalesce(current_setting('compat.tenant', true), ''),"
          + " coalesce(current_setting('myapp.tenant', true), '')";

  private static final List<String> NAMES =
      List.of(
          "search_path",
          "client_min_messages",
          "statement_timeout",
          "lock_timeout",
          "idle_in_transaction_session_timeout",
          "default_transaction_isolation",
          "default_transaction_read_only",
          "role",
          "current_user = session_user",
          "listening channels",
          "temporary tables",
          "session advisory locks",
          "SQL prepared statements",
          "WITH HOLD cursors",
          "compat.tenant",
          "myapp.tenant");

  /** Copies {@code values}. */
  public SessionState {
    values = Map.copyOf(values);
  }

  /**
   * Reads the session state of the backend that serves {@code connection}'s next statement, in one
   * query.
   */
  public static SessionState of(Connection connection) throws SQLException {
    Map<String, String> values = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(QUERY)) {
      rs.next();
      for (int i = 0; i < NAMES.size(); i++) {
        values.put(NAMES.get(i), rs.getString(i + 1));
      }
    }
    return new SessionState(values);
  }

  /** One observed value by the name {@link #leaks()} uses, e.g. {@code "search_path"}. */
  public String get(String name) {
    return values.get(name);
  }

  /**
   * Every item that differs from a fresh session, as {@code name=value}; empty when the backend
   * holds nothing a previous client left behind.
   */
  public List<String> leaks() {
    List<String> leaks = new ArrayList<>();
    for (String name : NAMES) {
      String value = values.get(name);
      String fresh = FRESH.getOrDefault(name, "");
      if (!Objects.equals(fresh, value)) {
        leaks.add(name + "=" + value);
      }
    }
    return leaks;
  }
}

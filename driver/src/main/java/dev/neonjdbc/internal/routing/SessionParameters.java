package dev.neonjdbc.internal.routing;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The session parameters of one logical connection (DESIGN.md, Routing, rule 2): what the
 * application set with a session {@code SET}, {@code set_config(…, false)}, {@code SET SESSION
 * CHARACTERISTICS} or {@code setSchema}, recorded as name and value so that it can be carried into
 * every pooled transaction ({@code set_config(name, value, true)} in the transaction's prelude) and
 * applied to the direct session at session level.
 *
 * <p>The values are never parsed from the application's SQL: the router runs the statement and then
 * reads the parameters back from the server ({@code pg_settings}, {@code source = 'session'}), so
 * whatever form the statement took (a bind parameter, {@code TO DEFAULT}, {@code RESET ALL}, units)
 * the recorded value is the server's own. Custom parameters ({@code myapp.tenant}) are placeholders
 * that {@code pg_settings} does not list: their names are taken from the statements that set them
 * ({@code SET name}, {@code set_config('name', …)}) and their values read with {@code
 * current_setting}. A change made inside a transaction is <em>pending</em> until the transaction
 * commits and is dropped when it rolls back, as PostgreSQL does with a session {@code SET} inside a
 * transaction.
 */
final class SessionParameters {

  /**
   * Parameters that are not the application's session state: pgJDBC sets {@code client_encoding}
   * and {@code extra_float_digits} on every session itself; {@code application_name} is client
   * info, applied to both sessions and tracked per client by PgBouncer; a role or session
   * authorization pins instead (see {@link Route#PIN}); the {@code transaction_*} values belong to
   * the running transaction.
   */
  private static final String IGNORED =
      "'client_encoding','extra_float_digits','application_name','role','session_authorization',"
          + "'is_superuser','transaction_isolation','transaction_read_only',"
          + "'transaction_deferrable'";

  /**
   * On a pooled backend PgBouncer itself sets these when it hands the server connection from one
   * client to another (it tracks them per client), so they are not ours to read back or reset.
   */
  private static final String TRACKED_BY_POOLER =
      "'datestyle','timezone','standard_conforming_strings'";

  private static final String SESSION_SET = "source = 'session' AND lower(name) NOT IN (" + IGNORED;

  private static final String POOLED_SET = SESSION_SET + "," + TRACKED_BY_POOLER + ")";

  /** Name of the parameter that {@code setSchema} sets. */
  static final String SEARCH_PATH = "search_path";

  private static final String ISOLATION = "default_transaction_isolation";

  // Custom parameters seen in the application's statements; pg_settings does not list them.
  private final Set<String> customNames = new LinkedHashSet<>();

  /**
   * An array expression of {@code name=value} for the session-level parameters that differ from the
   * defaults (direct, outside a transaction).
   */
  String captureArray() {
    return "array(SELECT name || '=' || setting FROM pg_catalog.pg_settings WHERE "
        + SESSION_SET
        + ") AND setting IS DISTINCT FROM reset_val ORDER BY name)"
        + customArray(false);
  }

  /** Reads the session-level parameters (direct, outside a transaction or inside a direct one). */
  String capture() {
    return "SELECT " + captureArray();
  }

  /**
   * Inside a pooled transaction: reads the parameters set in it and turns each session-level value
   * into a transaction-local one (session value back to its default, local value the new one), so
   * that the transaction sees the change and the backend PgBouncer hands to the next client does
   * not. One round trip.
   */
  String captureAndLocalize() {
    return "SELECT array(SELECT s.name || '=' || s.setting FROM (SELECT name, setting, reset_val"
        + " FROM pg_catalog.pg_settings WHERE "
        + POOLED_SET
        + " OFFSET 0) s, LATERAL (SELECT pg_catalog.set_config(s.name, s.reset_val, false),"
        + " pg_catalog.set_config(s.name, s.setting, true)) AS localized"
        + " WHERE s.setting IS DISTINCT FROM s.reset_val ORDER BY s.name)"
        + customArray(true);
  }

  /**
   * An array expression of the parameters a pooled transaction's statements see: carried over when
   * the transaction moves to direct.
   */
  String inPooledTransactionArray() {
    return "array(SELECT name || '=' || setting FROM pg_catalog.pg_settings WHERE "
        + POOLED_SET
        + " ORDER BY name)"
        + customArray(false);
  }

  /**
   * {@code || array(…)} of the custom parameters with a value, or nothing when none was seen. With
   * {@code localize}, each is also made transaction-local: its session value goes back to empty.
   */
  private String customArray(boolean localize) {
    if (customNames.isEmpty()) {
      return "";
    }
    StringBuilder names = new StringBuilder();
    for (String name : customNames) {
      names.append(names.length() == 0 ? "" : ",").append(literal(name));
    }
    String values =
        "(SELECT n, pg_catalog.current_setting(n, true) AS v FROM unnest(ARRAY["
            + names
            + "]::text[]) AS n WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_settings WHERE name = n)"
            + " OFFSET 0) c";
    if (localize) {
      values +=
          ", LATERAL (SELECT pg_catalog.set_config(c.n, '', false), pg_catalog.set_config(c.n, c.v, true)) AS localized";
    }
    return " || array(SELECT c.n || '=' || c.v FROM " + values + " WHERE coalesce(c.v, '') <> '')";
  }

  /**
   * Notes the custom parameters among {@code names} ({@code a.b}), which pg_settings does not list.
   */
  void noteCustomNames(Set<String> names) {
    if (names == null) {
      return;
    }
    for (String name : names) {
      if (name.indexOf('.') > 0) {
        customNames.add(name);
      }
    }
  }

  private Map<String, String> committed = new LinkedHashMap<>();
  // Changes made by the open transaction, or null when it made none.
  private Map<String, String> pending;

  /** Whether no parameter differs from the session defaults. */
  boolean isEmpty() {
    return current().isEmpty();
  }

  /** The parameters as the running transaction sees them (pending changes included). */
  Map<String, String> current() {
    return pending != null ? pending : committed;
  }

  /** The committed parameters. */
  Map<String, String> committed() {
    return committed;
  }

  /** Replaces the committed parameters with what the server reported outside a transaction. */
  void replaceCommitted(Map<String, String> values) {
    committed = values;
    pending = null;
  }

  /**
   * Records what a statement inside a transaction changed: {@code reported} is what the server
   * shows now. Only the parameters the statement names are taken ({@code names}; {@code null} for
   * {@code RESET ALL}), so that a {@code SET LOCAL} earlier in the same transaction does not become
   * session state.
   *
   * @return whether anything changed
   */
  boolean recordInTransaction(Map<String, String> reported, Set<String> names) {
    Map<String, String> base = current();
    Map<String, String> next = new LinkedHashMap<>(base);
    if (names != null) {
      for (String name : names) {
        String key = findKey(reported, name);
        next.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        if (key != null) {
          next.put(key, reported.get(key));
        }
      }
    } else {
      next = new LinkedHashMap<>(reported);
    }
    if (next.equals(base)) {
      return false;
    }
    pending = next;
    return true;
  }

  /**
   * The transaction committed: its changes become the session's.
   *
   * @return whether the committed parameters changed
   */
  boolean commit() {
    if (pending == null) {
      return false;
    }
    boolean changed = !pending.equals(committed);
    committed = pending;
    pending = null;
    return changed;
  }

  /** The transaction rolled back: its changes are gone, on the server as here. */
  void rollback() {
    pending = null;
  }

  /** Forgets everything: the session was reset ({@code DISCARD ALL}, {@code endRequest}). */
  void clear() {
    committed = new LinkedHashMap<>();
    pending = null;
  }

  /** Sets one parameter outside the server's view (setSchema), committed at once. */
  void put(String name, String value) {
    Map<String, String> next = new LinkedHashMap<>(committed);
    next.remove(name);
    if (value != null) {
      next.put(name, value);
    }
    committed = next;
    if (pending != null) {
      Map<String, String> inTransaction = new LinkedHashMap<>(pending);
      inTransaction.remove(name);
      if (value != null) {
        inTransaction.put(name, value);
      }
      pending = inTransaction;
    }
  }

  /** Removes one parameter (its JDBC setter now manages it), committed and pending alike. */
  void remove(String name) {
    put(name, null);
  }

  /** Whether auto-commit statements must run on the direct session, where the values are set. */
  boolean requireDirect() {
    if (current().isEmpty()) {
      return false;
    }
    for (Map.Entry<String, String> entry : current().entrySet()) {
      if (!(entry.getKey().equals(ISOLATION) && "read committed".equals(entry.getValue()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The statements that start a pooled transaction in the logical session's state, or {@code null}
   * when there is nothing to carry: the isolation level first (it must precede any query), then the
   * parameters as transaction-local values.
   *
   * @param isolationSql the SQL name of the isolation level set through JDBC, or {@code null}
   */
  String prelude(String isolationSql) {
    Map<String, String> values = current();
    if (isolationSql == null && values.isEmpty()) {
      return null; // the common case: nothing to carry, nothing built
    }
    String isolation = isolationSql;
    if (isolation == null && values.containsKey(ISOLATION)) {
      isolation = values.get(ISOLATION).toUpperCase(Locale.ROOT);
    }
    StringBuilder sql = new StringBuilder();
    if (isolation != null) {
      sql.append("SET TRANSACTION ISOLATION LEVEL ").append(isolation);
    }
    if ("on".equals(values.get("default_transaction_read_only"))) {
      sql.append(sql.length() > 0 ? "; " : "").append("SET TRANSACTION READ ONLY");
    }
    if ("on".equals(values.get("default_transaction_deferrable"))) {
      sql.append(sql.length() > 0 ? "; " : "").append("SET TRANSACTION DEFERRABLE");
    }
    appendSetConfig(sql, values, true);
    return sql.length() == 0 ? null : sql.toString();
  }

  /**
   * The statement that brings the direct session to the committed parameters: every other
   * session-level value back to its default, then these. One round trip.
   *
   * @param keepIsolation whether {@code default_transaction_isolation} belongs to pgJDBC's {@code
   *     setTransactionIsolation} on that session and must not be reset
   */
  String syncDirect(boolean keepIsolation) {
    StringBuilder sql =
        new StringBuilder(
                "SELECT count(pg_catalog.set_config(name, reset_val, false)) FROM pg_catalog.pg_settings WHERE ")
            .append(SESSION_SET)
            .append(keepIsolation ? ",'" + ISOLATION + "'" : "")
            .append(")");
    for (String name : customNames) {
      if (!current().containsKey(name)) {
        sql.append("; SELECT pg_catalog.set_config(").append(literal(name)).append(", '', false)");
      }
    }
    appendSetConfig(sql, current(), false);
    return sql.toString();
  }

  /**
   * Statements that set {@code values} as transaction-local values, for a transaction that moves
   * from the pooler to direct; {@code null} when there are none.
   */
  static String localValues(Map<String, String> values) {
    StringBuilder sql = new StringBuilder();
    appendSetConfig(sql, values, true);
    return sql.length() == 0 ? null : sql.toString();
  }

  private static void appendSetConfig(
      StringBuilder sql, Map<String, String> values, boolean local) {
    boolean first = true;
    for (Map.Entry<String, String> entry : values.entrySet()) {
      if (first) {
        sql.append(sql.length() > 0 ? "; SELECT " : "SELECT ");
        first = false;
      } else {
        sql.append(", ");
      }
      sql.append("pg_catalog.set_config(")
          .append(literal(entry.getKey()))
          .append(", ")
          .append(literal(entry.getValue()))
          .append(local ? ", true)" : ", false)");
    }
  }

  /** A string literal that reads the same whatever {@code standard_conforming_strings} is. */
  static String literal(String value) {
    return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /** Runs one of the capture statements on {@code session} and returns what it reports. */
  static Map<String, String> query(Connection session, String sql) throws SQLException {
    try (Statement statement = session.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return parse(rs.getArray(1));
    }
  }

  /** Reads a {@code name=value} text array as the server returns it. */
  static Map<String, String> parse(Array array) throws SQLException {
    Map<String, String> values = new LinkedHashMap<>();
    if (array == null) {
      return values;
    }
    for (Object item : (Object[]) array.getArray()) {
      String pair = (String) item;
      int eq = pair.indexOf('=');
      values.put(pair.substring(0, eq).toLowerCase(Locale.ROOT), pair.substring(eq + 1));
    }
    return values;
  }

  private static String findKey(Map<String, String> values, String name) {
    for (String key : values.keySet()) {
      if (key.equalsIgnoreCase(name)) {
        return key;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return Objects.toString(current().keySet());
  }
}

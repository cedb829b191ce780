package dev.neonjdbc.compat;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that hands out its target's connections and writes down, in order, every SQL
 * string executed through them (with the connection's number and auto-commit mode) and every call
 * that changes transaction or session state ({@code setAutoCommit}, {@code commit}, {@code
 * setSchema}...). The compatibility tests use it to learn what a tool sends that a router has to
 * care about: {@code SET}, {@code set_config}, {@code SET ROLE}, advisory locks.
 *
 * <p>Statements a tool runs through {@code DatabaseMetaData} reach pgJDBC without passing here.
 */
public final class StatementJournal implements DataSource {
  private static final Set<String> EXECUTES =
      Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "addBatch");
  private static final Set<String> PREPARED_EXECUTES =
      Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch");
  private static final Set<String> STATE_CALLS =
      Set.of(
          "setAutoCommit",
          "commit",
          "rollback",
          "setSavepoint",
          "releaseSavepoint",
          "setSchema",
          "setCatalog",
          "setTransactionIsolation",
          "setReadOnly",
          "setClientInfo",
          "beginRequest",
          "endRequest",
          "close");

  private final DataSource target;
  private final List<String> entries = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger connections = new AtomicInteger();

  /** Journals the connections of {@code target}. */
  public StatementJournal(DataSource target) {
    this.target = target;
  }

  /** Everything written down so far, in order. */
  public List<String> entries() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  /**
   * The entries whose SQL or call touches session state or locks: {@code SET}, {@code RESET},
   * {@code set_config}, {@code ROLE}, {@code SESSION AUTHORIZATION}, {@code advisory}, {@code
   * LOCK}, {@code search_path}, {@code DISCARD}, {@code LISTEN}, {@code TEMP}, {@code PREPARE} and
   * the JDBC state calls other than {@code close}.
   */
  public List<String> sessionEntries() {
    List<String> found = new ArrayList<>();
    for (String entry : entries()) {
      String upper = entry.toUpperCase(Locale.ROOT);
      String sql = upper.substring(upper.indexOf(':') + 1);
      boolean stateCall = entry.contains(" call ") && !entry.endsWith("call close()");
      if (stateCall
          || sql.matches("(?s)\\s*(SET|RESET|DISCARD|LISTEN|UNLISTEN|PREPARE|DEALLOCATE)\\b.*")
          || sql.contains("SET_CONFIG")
          || sql.contains("ROLE")
          || sql.contains("SESSION AUTHORIZATION")
          || sql.contains("ADVISORY")
          || sql.matches("(?s).*\\bLOCK\\s+TABLE\\b.*")
          || sql.contains("SEARCH_PATH")
          || sql.matches("(?s).*\\bTEMP(ORARY)?\\s+TABLE\\b.*")) {
        found.add(entry);
      }
    }
    return found;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return journaled(target.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return journaled(target.getConnection(username, password));
  }

  private Connection journaled(Connection connection) {
    int number = connections.incrementAndGet();
    return (Connection)
        Proxy.newProxyInstance(
            StatementJournal.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new ConnectionHandler(connection, number));
  }

  private void write(int connection, Connection physical, String what) {
    String mode;
    try {
      mode = physical.isClosed() ? "closed" : physical.getAutoCommit() ? "autocommit" : "in-tx";
    } catch (SQLException e) {
      mode = "?";
    }
    entries.add("c" + connection + " " + mode + ": " + what.strip().replaceAll("\\s+", " "));
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private final class ConnectionHandler implements InvocationHandler {
    private final Connection connection;
    private final int number;

    ConnectionHandler(Connection connection, int number) {
      this.connection = connection;
      this.number = number;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (STATE_CALLS.contains(name)) {
        write(
            number,
            connection,
            " call " + name + "(" + (args == null ? "" : String.valueOf(args[0])) + ")");
      }
      Object result = StatementJournal.invoke(connection, method, args);
      if (result instanceof CallableStatement statement) {
        return statementProxy(statement, CallableStatement.class, (String) args[0]);
      }
      if (result instanceof PreparedStatement statement) {
        return statementProxy(statement, PreparedStatement.class, (String) args[0]);
      }
      if (result instanceof Statement statement) {
        return statementProxy(statement, Statement.class, null);
      }
      return result;
    }

    private Object statementProxy(Statement statement, Class<?> type, String sql) {
      return Proxy.newProxyInstance(
          StatementJournal.class.getClassLoader(),
          new Class<?>[] {type},
          (proxy, method, args) -> {
            String name = method.getName();
            if (sql == null
                && EXECUTES.contains(name)
                && args != null
                && args[0] instanceof String) {
              write(number, connection, (String) args[0]);
            } else if (sql != null && PREPARED_EXECUTES.contains(name) && args == null) {
              write(number, connection, sql);
            }
            return StatementJournal.invoke(statement, method, args);
          });
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || target.isWrapperFor(iface);
  }
}

package dev.neonjdbc.internal.jdbc;

import dev.neonjdbc.internal.routing.Route;
import dev.neonjdbc.internal.transport.http.HttpSqlClient;
import dev.neonjdbc.internal.transport.http.HttpSqlResult;
import dev.neonjdbc.internal.transport.http.ResultTooLargeException;
import dev.neonjdbc.internal.transport.http.SessionlessPgConnection.ResultShape;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.postgresql.core.NativeQuery;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * The physical statement of one execution over HTTP: what {@link RoutingStatement} runs and reads
 * when the connection chose the one-shot route. It answers the calls of an execution as pgJDBC's
 * statement would (the result set, the update count, generated keys, {@code cancel}); for a call it
 * cannot serve (a string that turns out to hold several statements, generated keys by column index)
 * it hands the execution to a session before anything is sent, and for a read whose result the
 * endpoint refused as too large (507) after it ran it runs the read again on a session. A write
 * that may have run is never repeated: the error is raised.
 */
final class OneShotStatement implements InvocationHandler {
  private static final long NO_COUNT = -1;

  private final RoutingStatement owner;
  private final OneShotRoute oneShot;
  private final Route route;
  private final HttpSqlClient.Call call = new HttpSqlClient.Call();
  private final List<String> batch = new ArrayList<>();

  private ResultSet result;
  private ResultSet keys;
  private long count = NO_COUNT;
  private boolean closed;

  private OneShotStatement(RoutingStatement owner, OneShotRoute oneShot, Route route) {
    this.owner = owner;
    this.oneShot = oneShot;
    this.route = route;
  }

  /** The statement {@code owner} runs this execution on. */
  static Statement create(RoutingStatement owner, OneShotRoute oneShot, Route route) {
    return (Statement)
        Proxy.newProxyInstance(
            Statement.class.getClassLoader(),
            new Class<?>[] {Statement.class},
            new OneShotStatement(owner, oneShot, route));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    int arity = args == null ? 0 : args.length;
    switch (method.getName()) {
      case "executeQuery":
        return executeQuery(method, args);
      case "executeUpdate":
      case "executeLargeUpdate":
        {
          String[] returning = returning(arity == 2 ? args[1] : null);
          if (returning == null) {
            return fallBack(method, args);
          }
          long updated = update(method, args, returning);
          return method.getName().equals("executeUpdate")
              ? (Object) (int) Math.min(Integer.MAX_VALUE, updated)
              : (Object) updated;
        }
      case "execute":
        {
          String[] returning = returning(arity == 2 ? args[1] : null);
          if (returning == null) {
            return fallBack(method, args);
          }
          return execute(method, args, returning);
        }
      case "addBatch":
        batch.add((String) args[0]);
        return null;
      case "executeLargeBatch":
        return executeBatch();
      case "getResultSet":
        return result;
      case "getUpdateCount":
        return (int) Math.min(Integer.MAX_VALUE, count);
      case "getLargeUpdateCount":
        return count;
      case "getMoreResults":
        if (result != null && (arity == 0 || (int) args[0] != Statement.KEEP_CURRENT_RESULT)) {
          result.close();
        }
        result = null;
        count = NO_COUNT;
        return false;
      case "getGeneratedKeys":
        return keys != null ? keys : oneShot.results().resultSet(emptyResult(), shape());
      case "getWarnings":
        return null;
      case "clearWarnings":
        return null;
      case "cancel":
        call.cancel();
        return null;
      case "close":
        closed = true;
        if (result != null) {
          result.close();
        }
        return null;
      case "isClosed":
        return closed;
      case "isWrapperFor":
        return false;
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "OneShotStatement";
      default:
        throw new SQLFeatureNotSupportedException(
            method.getName() + " is not available on a statement that ran over HTTP");
    }
  }

  private Object executeQuery(Method method, Object[] args) throws Throwable {
    String sql = (String) args[0];
    NativeQuery query = OneShotRoute.parse(sql, owner.settings.escapeProcessing());
    if (query == null) {
      return fallBack(method, args);
    }
    HttpSqlResult answer;
    try {
      answer = send(query);
    } catch (ResultTooLargeException e) {
      if (OneShotRoute.isRead(sql)) {
        return fallBack(method, args);
      }
      throw e;
    }
    if (!answer.returnsRows()) {
      throw new PSQLException("No results were returned by the query.", PSQLState.NO_DATA);
    }
    result = oneShot.results().resultSet(answer, shape());
    return result;
  }

  private long update(Method method, Object[] args, String[] returning) throws Throwable {
    NativeQuery query =
        OneShotRoute.parse((String) args[0], owner.settings.escapeProcessing(), returning);
    if (query == null) {
      Object value = fallBack(method, args);
      return ((Number) value).longValue();
    }
    HttpSqlResult answer = send(query);
    if (answer.returnsRows() && returning.length == 0) {
      throw new PSQLException(
          "A result was returned when none was expected.", PSQLState.TOO_MANY_RESULTS);
    }
    keys = returning.length == 0 ? null : oneShot.results().resultSet(answer, keysShape());
    count = Math.max(0, answer.rowCount());
    return count;
  }

  private Object execute(Method method, Object[] args, String[] returning) throws Throwable {
    String sql = (String) args[0];
    NativeQuery query = OneShotRoute.parse(sql, owner.settings.escapeProcessing(), returning);
    if (query == null) {
      return fallBack(method, args);
    }
    HttpSqlResult answer;
    try {
      answer = send(query);
    } catch (ResultTooLargeException e) {
      if (returning.length == 0 && OneShotRoute.isRead(sql)) {
        return fallBack(method, args);
      }
      throw e;
    }
    if (returning.length > 0) {
      keys = oneShot.results().resultSet(answer, keysShape());
      count = Math.max(0, answer.rowCount());
      return false;
    }
    if (answer.returnsRows()) {
      result = oneShot.results().resultSet(answer, shape());
      count = NO_COUNT;
      return true;
    }
    count = Math.max(0, answer.rowCount());
    return false;
  }

  private long[] executeBatch() throws SQLException {
    List<String> statements = new ArrayList<>(batch.size());
    List<List<String>> params = new ArrayList<>(batch.size());
    for (String sql : batch) {
      NativeQuery query = OneShotRoute.parse(sql, owner.settings.escapeProcessing());
      if (query == null) {
        throw new PSQLException(
            "A batch entry over HTTP must hold exactly one statement.",
            PSQLState.INVALID_PARAMETER_VALUE);
      }
      statements.add(query.nativeSql);
      params.add(Collections.emptyList());
    }
    batch.clear();
    List<HttpSqlResult> answers =
        oneShot.client().batch(statements, params, owner.settings.queryTimeout(), call);
    long[] counts = new long[answers.size()];
    for (int i = 0; i < counts.length; i++) {
      HttpSqlResult answer = answers.get(i);
      if (answer.returnsRows()
          && !answer.command().equalsIgnoreCase("INSERT")
          && !answer.command().equalsIgnoreCase("UPDATE")
          && !answer.command().equalsIgnoreCase("DELETE")) {
        throw new java.sql.BatchUpdateException(
            "A result was returned when none was expected.", "0100E", 0, new long[0], null);
      }
      counts[i] = Math.max(0, answer.rowCount());
    }
    return counts;
  }

  private HttpSqlResult send(NativeQuery query) throws SQLException {
    return oneShot.client().query(query.nativeSql, List.of(), owner.settings.queryTimeout(), call);
  }

  /**
   * The columns pgJDBC appends as {@code RETURNING} for generated keys, empty for none, or {@code
   * null} when only a session can serve the request (keys by column index, as pgJDBC refuses them
   * there with its own message).
   */
  private static String[] returning(Object keysArgument) {
    if (keysArgument == null) {
      return new String[0];
    }
    if (keysArgument instanceof Integer flag) {
      return flag == Statement.RETURN_GENERATED_KEYS ? new String[] {"*"} : new String[0];
    }
    if (keysArgument instanceof String[] names) {
      return names.length == 0 ? new String[] {"*"} : names;
    }
    return null;
  }

  /** Runs the call on a session instead; nothing of it went over HTTP, or it was a read. */
  private Object fallBack(Method method, Object[] args) throws Throwable {
    Statement session = owner.fallBack(route, (String) args[0]);
    try {
      return method.invoke(session, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private ResultShape shape() throws SQLException {
    StatementShape shape = owner.shape;
    return new ResultShape(
        shape.resultSetType(),
        shape.concurrency(),
        shape.holdabilityOr(owner.connection.getHoldability()),
        (int) Math.min(Integer.MAX_VALUE, owner.settings.maxRows()),
        owner.settings.maxFieldSize(),
        owner.settings.fetchSize());
  }

  private ResultShape keysShape() throws SQLException {
    return new ResultShape(
        ResultSet.TYPE_FORWARD_ONLY,
        ResultSet.CONCUR_READ_ONLY,
        owner.shape.holdabilityOr(owner.connection.getHoldability()),
        0,
        0,
        0);
  }

  private static HttpSqlResult emptyResult() {
    return new HttpSqlResult("", 0, List.of(), List.of(), true);
  }
}

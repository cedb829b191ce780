package dev.neonjdbc.internal.transport.http;

import dev.neonjdbc.internal.jdbc.DelegatingResultSet;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * A pgJDBC result set over rows that came over HTTP. Everything is pgJDBC's own except {@code
 * close}: pgJDBC's {@code PgResultSet.close} releases the rows ({@code closeInternally}) and then
 * tells its {@code PgStatement} ({@code checkCompletion}, for {@code closeOnCompletion}), a step
 * that needs a real pgJDBC statement. Here only the first part runs; the logical statement handles
 * {@code closeOnCompletion} itself.
 */
final class HttpResultSet extends DelegatingResultSet {
  private static final Method CLOSE_INTERNALLY = closeInternally();

  HttpResultSet(ResultSet delegate) {
    super(delegate);
  }

  @Override
  public void close() throws SQLException {
    try {
      CLOSE_INTERNALLY.invoke(delegate);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new PSQLException("closing the result failed", PSQLState.UNEXPECTED_ERROR, e);
    } catch (IllegalAccessException e) {
      throw new PSQLException("closing the result failed", PSQLState.UNEXPECTED_ERROR, e);
    }
  }

  private static Method closeInternally() {
    try {
      Method method =
          Class.forName("org.postgresql.jdbc.PgResultSet").getDeclaredMethod("closeInternally");
      method.setAccessible(true);
      return method;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ExceptionInInitializerError(
          "this pgJDBC version's PgResultSet cannot be closed for HTTP results: " + e);
    }
  }
}

package dev.neonjdbc.internal.transport.http;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.logging.Logger;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.BaseStatement;
import org.postgresql.core.Encoding;
import org.postgresql.core.Field;
import org.postgresql.core.Oid;
import org.postgresql.core.Query;
import org.postgresql.core.QueryExecutor;
import org.postgresql.core.ResultCursor;
import org.postgresql.core.Tuple;
import org.postgresql.core.Version;
import org.postgresql.geometric.PGbox;
import org.postgresql.geometric.PGcircle;
import org.postgresql.geometric.PGline;
import org.postgresql.geometric.PGlseg;
import org.postgresql.geometric.PGpath;
import org.postgresql.geometric.PGpoint;
import org.postgresql.geometric.PGpolygon;
import org.postgresql.jdbc.TimestampUtils;
import org.postgresql.jdbc.TypeInfoCache;
import org.postgresql.util.LruCache;
import org.postgresql.util.PGInterval;
import org.postgresql.util.PGmoney;
import org.postgresql.util.PGobject;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * What pgJDBC's {@code PgResultSet} needs from a connection, answered without a Postgres session,
 * so that a result that came over HTTP is a real pgJDBC result set: every getter, {@code
 * getObject}, {@code getArray} and {@code ResultSetMetaData} run pgJDBC's own text codecs (pgJDBC:
 * {@code org.postgresql.core.Field}, {@code Tuple}, {@code jdbc.PgResultSet}, {@code
 * BaseStatement.createResultSet}).
 *
 * <p>{@code PgResultSet} asks its connection ({@link BaseConnection}) for the type catalogue
 * ({@link TypeInfoCache}), the text encoding, the {@code PGobject} classes, the time-zone and
 * date-time settings of its {@link QueryExecutor}, a logger and the field-metadata cache. This view
 * answers those here: a {@code TypeInfoCache} of its own, which pgJDBC fills with the built-in
 * types when it is made, UTF-8, the {@code PGobject} classes pgJDBC's own connection registers,
 * integer date-times, the JVM's time zone (the one pgJDBC sends as {@code TimeZone} at startup),
 * and a server version of at least 14 (Neon runs 14 and newer). Everything else it passes to a real
 * pgJDBC session of the logical connection, opened on first need ({@link SessionAccess}): looking
 * up a type that is not built in (an enum, a domain, an extension's type) and the table-level
 * metadata ({@code isNullable}, {@code getTableName}...) that pgJDBC reads from the catalogue. A
 * connection that reads only built-in types never opens a session.
 *
 * <p>{@code PgResultSet}'s constructor is package-private in pgJDBC; it is called through one
 * reflective constructor handle looked up once (pgJDBC is an open automatic module), with the
 * arguments pgJDBC's own {@code PgStatement.createResultSet} passes.
 */
public final class SessionlessPgConnection {
  /** A real session of the logical connection, for what only the server can answer. */
  @FunctionalInterface
  public interface SessionAccess {
    /** The session (opened if needed). */
    BaseConnection session() throws SQLException;
  }

  private static final Constructor<?> RESULT_SET = resultSetConstructor();
  private static final Logger LOGGER = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");
  private static final Encoding UTF8 = Encoding.getDatabaseEncoding("UTF8");

  private final SessionAccess sessions;
  private final BaseConnection connection;
  private final QueryExecutor executor;
  private final TypeInfoCache types;
  private final TimestampUtils timestamps;
  private final LruCache<?, ?> fieldMetadata;

  /** A view that asks {@code sessions} for what it cannot answer itself. */
  public SessionlessPgConnection(SessionAccess sessions) throws SQLException {
    this.sessions = sessions;
    ClassLoader loader = BaseConnection.class.getClassLoader();
    this.connection =
        (BaseConnection)
            Proxy.newProxyInstance(
                loader, new Class<?>[] {BaseConnection.class}, new ConnectionView());
    this.executor =
        (QueryExecutor)
            Proxy.newProxyInstance(
                loader, new Class<?>[] {QueryExecutor.class}, new ExecutorView());
    // pgJDBC's own defaults: unknownLength Integer.MAX_VALUE; 65536 fields, 5 MiB metadata cache.
    this.types = new TypeInfoCache(connection, Integer.MAX_VALUE);
    registerPgObjectTypes(types);
    this.timestamps = new TimestampUtils(false, TimeZone::getDefault);
    this.fieldMetadata = new LruCache<>(65536, 5L * 1024 * 1024, false);
  }

  /**
   * What pgJDBC's connection adds to its type cache when it opens: the core types uuid and xml
   * (servers from 8.3), and the {@code PGobject} classes for its own types.
   */
  private static void registerPgObjectTypes(TypeInfoCache types) throws SQLException {
    types.addCoreType("uuid", Oid.UUID, Types.OTHER, "java.util.UUID", Oid.UUID_ARRAY);
    types.addCoreType("xml", Oid.XML, Types.SQLXML, "java.sql.SQLXML", Oid.XML_ARRAY);
    types.addDataType("box", PGbox.class);
    types.addDataType("circle", PGcircle.class);
    types.addDataType("line", PGline.class);
    types.addDataType("lseg", PGlseg.class);
    types.addDataType("path", PGpath.class);
    types.addDataType("point", PGpoint.class);
    types.addDataType("polygon", PGpolygon.class);
    types.addDataType("money", PGmoney.class);
    types.addDataType("interval", PGInterval.class);
  }

  /**
   * A pgJDBC result set over {@code result}'s rows.
   *
   * @param shape what the logical statement asked for (type, concurrency, limits)
   */
  public ResultSet resultSet(HttpSqlResult result, ResultShape shape) throws SQLException {
    Field[] fields = new Field[result.fields().size()];
    for (int i = 0; i < fields.length; i++) {
      HttpSqlResult.Column column = result.fields().get(i);
      fields[i] =
          new Field(
              column.name(),
              column.typeOid(),
              (short) column.typeSize(),
              column.typeModifier(),
              column.tableOid(),
              column.columnNumber());
    }
    List<String[]> rows = result.rows();
    int limit = shape.maxRows() > 0 ? Math.min(shape.maxRows(), rows.size()) : rows.size();
    List<Tuple> tuples = new ArrayList<>(limit);
    for (int r = 0; r < limit; r++) {
      String[] row = rows.get(r);
      byte[][] values = new byte[row.length][];
      for (int c = 0; c < row.length; c++) {
        values[c] = row[c] == null ? null : row[c].getBytes(StandardCharsets.UTF_8);
      }
      tuples.add(new Tuple(values));
    }
    return new HttpResultSet(create(statement(shape), fields, tuples, shape));
  }

  private static ResultSet create(
      BaseStatement statement, Field[] fields, List<Tuple> tuples, ResultShape shape)
      throws SQLException {
    try {
      return (ResultSet)
          RESULT_SET.newInstance(
              (Query) null,
              statement,
              fields,
              tuples,
              (ResultCursor) null,
              shape.maxRows(),
              shape.maxFieldSize(),
              shape.type(),
              shape.concurrency(),
              shape.holdability(),
              false);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new PSQLException(
          "pgJDBC could not build the result set", PSQLState.UNEXPECTED_ERROR, e);
    } catch (ReflectiveOperationException e) {
      throw new PSQLException(
          "pgJDBC could not build the result set", PSQLState.UNEXPECTED_ERROR, e);
    }
  }

  private static Constructor<?> resultSetConstructor() {
    try {
      Class<?> type = Class.forName("org.postgresql.jdbc.PgResultSet");
      Constructor<?> constructor =
          type.getDeclaredConstructor(
              Query.class,
              BaseStatement.class,
              Field[].class,
              List.class,
              ResultCursor.class,
              int.class,
              int.class,
              int.class,
              int.class,
              int.class,
              boolean.class);
      constructor.setAccessible(true);
      return constructor;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ExceptionInInitializerError(
          "this pgJDBC version's PgResultSet cannot be built for HTTP results: " + e);
    }
  }

  /**
   * What the logical statement asked of its results.
   *
   * @param type {@code ResultSet.TYPE_*}
   * @param concurrency {@code ResultSet.CONCUR_*}
   * @param holdability {@code ResultSet.*_CURSORS_*}
   * @param maxRows the row limit, 0 for none
   * @param maxFieldSize the field size limit, 0 for none
   * @param fetchSize the fetch size reported by the result set
   */
  public record ResultShape(
      int type, int concurrency, int holdability, int maxRows, int maxFieldSize, int fetchSize) {}

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The {@link BaseConnection} that result sets and arrays see. */
  private final class ConnectionView implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      int arity = args == null ? 0 : args.length;
      switch (method.getName()) {
        case "getTypeInfo":
          return types;
        case "getQueryExecutor":
          return executor;
        case "getTimestampUtils":
          return timestamps;
        case "getEncoding":
          return UTF8;
        case "encodeString":
          return ((String) args[0]).getBytes(StandardCharsets.UTF_8);
        case "getLogger":
          return LOGGER;
        case "getStandardConformingStrings":
          return true;
        case "isColumnSanitiserDisabled":
          return false;
        case "getStringVarcharFlag":
          return true;
        case "getFieldMetadataCache":
          return fieldMetadata;
        case "getTypeMapNoCopy":
          return Map.of();
        case "haveMinimumServerVersion":
          return args[0] instanceof Version version
              ? version.getVersionNum() <= 140000
              : ((Integer) args[0]) <= 140000;
        case "getObject":
          if (arity == 3) {
            return pgObject((String) args[0], (String) args[1]);
          }
          break;
        case "isClosed":
          return false;
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "SessionlessPgConnection";
        default:
          break;
      }
      return SessionlessPgConnection.invoke(sessions.session(), method, args);
    }
  }

  /** As pgJDBC's connection does: the registered {@code PGobject} class, else a plain one. */
  private PGobject pgObject(String type, String value) throws SQLException {
    Class<? extends PGobject> registered = types.getPGobject(type);
    PGobject object;
    try {
      object =
          registered == null ? new PGobject() : registered.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new PSQLException(
          "Failed to create object for: " + type, PSQLState.CONNECTION_FAILURE, e);
    }
    object.setType(type);
    object.setValue(value);
    return object;
  }

  /** The {@link QueryExecutor} settings result sets read. */
  private final class ExecutorView implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "getIntegerDateTimes":
          return true;
        case "getTimeZone":
          return TimeZone.getDefault();
        case "getAdaptiveFetch":
          return false;
        case "getStandardConformingStrings":
          return true;
        case "getEncoding":
          return UTF8;
        case "getServerVersionNum":
          return 140000;
        case "isClosed":
          return false;
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "SessionlessQueryExecutor";
        default:
          return SessionlessPgConnection.invoke(
              sessions.session().getQueryExecutor(), method, args);
      }
    }
  }

  /** The {@link BaseStatement} a result set belongs to inside pgJDBC. */
  private BaseStatement statement(ResultShape shape) {
    return (BaseStatement)
        Proxy.newProxyInstance(
            BaseStatement.class.getClassLoader(),
            new Class<?>[] {BaseStatement.class},
            new StatementView(shape));
  }

  /** Answers what a result set asks its statement; executing is not possible. */
  private final class StatementView implements InvocationHandler {
    private final ResultShape shape;

    StatementView(ResultShape shape) {
      this.shape = shape;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "getConnection":
          return connection;
        case "createDriverResultSet":
          return create(
              (BaseStatement) proxy,
              (Field[]) args[0],
              (List<Tuple>) args[1],
              new ResultShape(
                  ResultSet.TYPE_SCROLL_INSENSITIVE,
                  ResultSet.CONCUR_READ_ONLY,
                  shape.holdability(),
                  0,
                  0,
                  0));
        case "createResultSet":
          return create((BaseStatement) proxy, (Field[]) args[1], (List<Tuple>) args[2], shape);
        case "getFetchSize":
          return shape.fetchSize();
        case "getMaxRows":
          return shape.maxRows();
        case "getMaxFieldSize":
          return shape.maxFieldSize();
        case "getResultSetType":
          return shape.type();
        case "getResultSetConcurrency":
          return shape.concurrency();
        case "getResultSetHoldability":
          return shape.holdability();
        case "getFetchDirection":
          return ResultSet.FETCH_FORWARD;
        case "isClosed":
        case "isCloseOnCompletion":
          return false;
        case "close":
        case "closeOnCompletion":
          return null;
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "SessionlessStatement";
        default:
          throw new SQLFeatureNotSupportedException(
              "A result that came over HTTP has no pgJDBC statement: " + method.getName());
      }
    }
  }
}

package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.config.ReplicaEndpoint;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-replica rules of one logical connection, asked by {@link Router} at the start and end of
 * each statement. Without replicas configured it says no to everything and the router behaves as
 * without it.
 *
 * <p>The rules (README, "Read replicas"):
 *
 * <ul>
 *   <li>Work that begins with a statement the pooled endpoint could run (an auto-commit statement,
 *       or the first statement of a transaction) goes to a replica's pooled endpoint when the
 *       connection is read-only ({@code setReadOnly(true)}) or the statement opens with the hint
 *       <code>/* neon:replica *&#47;</code>; a transaction stays where its first statement ran, so
 *       a hint inside a transaction already open elsewhere changes nothing. A hinted statement that
 *       needs the direct endpoint by its keyword (DDL) goes to the replica too, where a write fails
 *       as PostgreSQL says (25006); statements that keep session state (pins, session {@code SET})
 *       keep their route.
 *   <li>With {@code SERIALIZABLE} as the connection's isolation level, read-only work stays on the
 *       primary (READ ONLY): a hot standby refuses serializable transactions.
 *   <li>A logical connection holds at most one replica session: it takes the next replica in turn
 *       that is not down ({@link ReplicaSet#pick}) when it first needs one.
 *   <li>A replica that does not answer when its session opens (refused, timed out, 57P03, any 08
 *       SQLState) is skipped for {@code replicaDownFor} ({@link ReplicaSet#markDown}, one WARN per
 *       period) and the work runs on the primary's pooled endpoint. A replica session that ended
 *       under the connection (its server stopped) is given up before the next statement and a new
 *       one opened, which marks the replica down if it does not answer: the statement that was
 *       running there failed, later work goes on.
 *   <li>A read-only connection's work on the primary (a replica is down, read-your-writes, or a
 *       statement that needs the direct endpoint) runs READ ONLY: transactions through pgJDBC's
 *       {@code BEGIN READ ONLY}, auto-commit statements inside a {@code BEGIN READ ONLY} … {@code
 *       COMMIT} of their own. Writes fail with 25006 as on the replica, never silently elsewhere (a
 *       statement that cannot run in a transaction block, such as {@code VACUUM} or {@code CREATE
 *       INDEX CONCURRENTLY}, fails with 25001 instead).
 *   <li>A transaction open on a replica refuses, before sending it, a statement that would leave
 *       session state behind (a session {@code SET}, a pin, {@code DISCARD ALL}): 0A000.
 *   <li>Read-your-writes: a statement on the primary, from a connection that is not read-only, that
 *       may write ({@link ReplicaStatements#mayWrite}) is recorded for this thread when its
 *       transaction ends (at once in auto-commit mode); for {@code replicaReadAfterWrite}
 *       milliseconds after that, this thread's replica work runs on the primary's pooled endpoint
 *       ({@link ReplicaSet#readsPrimaryAfterWrite}).
 * </ul>
 *
 * <p>Not thread-safe, like a JDBC connection; the shared state is {@link ReplicaSet}'s.
 */
final class ReplicaRouting {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaRouting.class);
  private static final Set<String> NOT_ROUTED_REPORTED = ConcurrentHashMap.newKeySet();

  /** Opens a session on a replica's pooled endpoint: the seam tests drive the rules through. */
  @FunctionalInterface
  interface ReplicaOpener {
    Connection open(ReplicaEndpoint replica) throws SQLException;
  }

  /** Routing without replicas: every answer is "as without replicas". */
  static final ReplicaRouting NONE = new ReplicaRouting(null, replica -> null);

  private final ReplicaSet set;
  private final ReplicaOpener opener;

  // The replica this connection's replica session belongs to, -1 before one was chosen.
  private int chosen = -1;
  // A BEGIN READ ONLY this class sent before the current auto-commit statement on the primary.
  private boolean guardBegun;
  // A statement that may write ran in the primary transaction still open.
  private boolean pendingWrite;

  ReplicaRouting(ReplicaSet set, ReplicaOpener opener) {
    this.set = set;
    this.opener = opener;
  }

  /**
   * The rules for connections through {@code connector}: {@link #NONE} without replicas, and
   * without per-statement routing (one endpoint known, or {@code route=pooled|direct}), which the
   * replicas need to tell where a transaction runs: said once at INFO.
   */
  static ReplicaRouting forConnector(PhysicalConnector connector, boolean routing) {
    ReplicaSet set = connector.replicaSet();
    if (set == null) {
      return NONE;
    }
    if (!routing) {
      if (NOT_ROUTED_REPORTED.add(connector.settings().maskedUrl())) {
        LOG.info(
            "jdbc:neon: read replicas are configured but statements are not routed (route={}, or"
                + " only one primary endpoint known): the replicas are not used",
            connector.settings().routeMode().name().toLowerCase(Locale.ROOT));
      }
      return NONE;
    }
    return new ReplicaRouting(set, connector::openReplica);
  }

  /** Whether replicas are configured. */
  boolean configured() {
    return set != null;
  }

  /**
   * Whether work beginning with {@code sql} (no transaction open, no pin) belongs on a replica: a
   * read-only connection, or the hint; not while this thread reads its own writes on the primary.
   */
  boolean wantsReplica(Route route, String sql, boolean readOnly) {
    if (set == null) {
      return false;
    }
    boolean hinted = ReplicaStatements.hasReplicaHint(sql);
    boolean fits = route == Route.POOLED || (hinted && route == Route.DIRECT);
    return fits && (readOnly || hinted) && !set.readsPrimaryAfterWrite();
  }

  /**
   * Whether a statement of {@code route} would run on a replica now, as far as the route and the
   * connection tell ({@code NeonConnection.endpointFor}; a hint is not seen here).
   */
  boolean wouldTake(Route route, boolean readOnly) {
    return set != null
        && route == Route.POOLED
        && readOnly
        && !set.readsPrimaryAfterWrite()
        && set.anyUp();
  }

  /**
   * Refuses, before anything is sent, a statement that would leave session state behind (a session
   * {@code SET}, a pin such as {@code LISTEN} or a temporary table, {@code DISCARD ALL}) in a
   * transaction open on a replica: the replica's pooled endpoint keeps no session state, and a hot
   * standby refuses most of these anyway. SQLState 0A000.
   */
  static void checkInReplicaTransaction(Route route, String sql) throws SQLException {
    if (route == Route.SESSION || route == Route.PIN || route == Route.UNPIN) {
      throw new SQLException(
          StatementKeywords.first(sql)
              + " keeps session state, which a transaction on a read replica's pooled endpoint"
              + " cannot hold. Set session parameters before the transaction begins (they are"
              + " carried into it), or run this work on the primary (setReadOnly(false), no"
              + " /* neon:replica */ hint).",
          Router.REFUSED);
    }
  }

  /**
   * Chooses the replica for a new replica session: the next one in turn that is not down.
   *
   * @return whether one is up; when not, the work runs on the primary
   */
  boolean chooseReplica() {
    chosen = set.pick();
    return chosen >= 0;
  }

  /**
   * A replica session failed to open: when the failure says the replica did not answer, marks it
   * down (WARN once per period) so the work runs on the primary.
   *
   * @return whether the work should go on on the primary; otherwise the caller throws {@code e} (a
   *     wrong password, an unknown database: faults the application must see)
   */
  boolean openFailed(SQLException e) {
    if (chosen < 0 || !isUnanswered(e)) {
      return false;
    }
    set.markDown(chosen, e);
    return true;
  }

  /** Whether a connect failure says nothing answered: refused, timed out, 57P03, class 08. */
  static boolean isUnanswered(SQLException e) {
    String state = e.getSQLState();
    if (state != null && (state.equals("57P03") || state.startsWith("08"))) {
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
   * A statement is about to run on {@code target}, a session of the primary. For a read-only
   * connection with replicas configured, an auto-commit statement gets a {@code BEGIN READ ONLY} of
   * its own (or {@code SET TRANSACTION READ ONLY} in the transaction the router just began to carry
   * session state), so that it cannot write; transactions are READ ONLY through pgJDBC already. For
   * other connections, a statement that may write is noted for read-your-writes.
   */
  void beforePrimaryStatement(
      Connection target, PhysicalSessions sessions, boolean autoCommit, String sql)
      throws SQLException {
    if (set == null) {
      return;
    }
    if (!sessions.isReadOnly()) {
      if (!pendingWrite && ReplicaStatements.mayWrite(sql)) {
        pendingWrite = true;
      }
      return;
    }
    if (!autoCommit || StatementKeywords.controlsTransaction(sql)) {
      return;
    }
    boolean open = sessions.inTransaction(target);
    try (Statement statement = target.createStatement()) {
      statement.execute(open ? "SET TRANSACTION READ ONLY" : "BEGIN READ ONLY");
    }
    guardBegun = !open;
  }

  /**
   * The statement ran on {@code physical}: commits the {@code BEGIN READ ONLY} sent before it (a
   * session parameter it set is kept, as in auto-commit mode; a failed one is rolled back), and
   * records a write for read-your-writes once its transaction is over.
   */
  void afterStatement(Connection physical, PhysicalSessions sessions) throws SQLException {
    if (set == null) {
      return;
    }
    boolean guarded = guardBegun;
    guardBegun = false;
    if (physical == null || physical.isClosed()) {
      return;
    }
    if (guarded && sessions.inTransaction(physical)) {
      try (Statement statement = physical.createStatement()) {
        statement.execute(sessions.transactionFailed(physical) ? "ROLLBACK" : "COMMIT");
      }
    }
    if (pendingWrite && !sessions.inTransaction(physical)) {
      transactionEnded();
    }
  }

  /** A transaction ended (commit, rollback, auto-commit switched on): records a pending write. */
  void transactionEnded() {
    if (pendingWrite) {
      pendingWrite = false;
      set.recordWrite();
    }
  }

  /**
   * {@code source} with replica sessions opened here, on the chosen replica, and closed when given
   * back: a replica's pooled endpoint is a PgBouncer, so no client pool sits in front of it (a data
   * source's pools serve the primary's endpoints only).
   */
  RouterSessionSource wrap(RouterSessionSource source) {
    return set == null ? source : new ReplicaSessions(source);
  }

  /** A session source whose {@link EndpointKind#REPLICA} sessions this connection opens itself. */
  private final class ReplicaSessions implements RouterSessionSource {
    private final RouterSessionSource source;

    ReplicaSessions(RouterSessionSource source) {
      this.source = source;
    }

    @Override
    public Connection acquire(EndpointKind kind) throws SQLException {
      if (kind != EndpointKind.REPLICA) {
        return source.acquire(kind);
      }
      if (chosen < 0 && !chooseReplica()) {
        throw new SQLException("every read replica is down", "08001");
      }
      return opener.open(set.replicas().get(chosen));
    }

    @Override
    public void release(Connection session, EndpointKind kind, boolean needsReset)
        throws SQLException {
      if (kind == EndpointKind.REPLICA) {
        session.close();
      } else {
        source.release(session, kind, needsReset);
      }
    }

    @Override
    public void abort(Connection session, EndpointKind kind, Executor executor)
        throws SQLException {
      if (kind == EndpointKind.REPLICA) {
        session.abort(executor);
      } else {
        source.abort(session, kind, executor);
      }
    }

    @Override
    public boolean lendsPerStatement(EndpointKind kind) {
      return kind != EndpointKind.REPLICA && source.lendsPerStatement(kind);
    }

    @Override
    public TransactionStatus transactionStatus(Connection session) throws SQLException {
      return source.transactionStatus(session);
    }

    @Override
    public ServerChecks.MoveCheck moveCheck(Connection pooled, SessionParameters parameters)
        throws SQLException {
      return source.moveCheck(pooled, parameters);
    }

    @Override
    public ServerChecks.PinCheck pinCheck(Connection direct, SessionParameters parameters)
        throws SQLException {
      return source.pinCheck(direct, parameters);
    }

    @Override
    public Map<String, String> readParameters(Connection session, String query)
        throws SQLException {
      return source.readParameters(session, query);
    }
  }
}

package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.RoutingEvents;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link RouterSessionSource} for {@link RouterSeamTest}: sessions that hold only what the router
 * reads back from a session (its auto-commit flag, whether it is closed, its transaction state),
 * and answers to the router's server questions that each test sets explicitly.
 *
 * <p>This is not a mock of PostgreSQL, PgBouncer or pgJDBC, and nothing here pretends to run SQL: a
 * session refuses every call beyond auto-commit, commit, rollback, close and abort, so a rule that
 * would send a statement fails the test instead of being answered. What a real server does with the
 * routed statements, and what pgJDBC reports about its transactions, is proven by the integration
 * tests against the kit's PostgreSQL and PgBouncer ({@code RoutingRulesTest}, {@code
 * RoutingSemanticsTest}, {@code SessionStateRulesTest}, the data source's {@code
 * DirectBorrowingTest}); these tests pin down the router's decisions, each rule alone.
 */
final class FakeSessions implements RouterSessionSource {

  /** One session handed to the router, and what was done to it. */
  static final class Session {
    final EndpointKind kind;
    final Connection connection;
    boolean autoCommit = true;
    boolean closed;
    TransactionStatus status = TransactionStatus.IDLE;
    int commits;
    int rollbacks;
    // What the router said when it gave the session back, or null while it holds it.
    Boolean releasedNeedingReset;

    Session(EndpointKind kind) {
      this.kind = kind;
      this.connection =
          (Connection)
              Proxy.newProxyInstance(
                  Connection.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  new Calls(this));
    }

    /** A statement ran: with auto-commit off, pgJDBC began a transaction before it. */
    void statementRan() {
      if (!autoCommit && status == TransactionStatus.IDLE) {
        status = TransactionStatus.OPEN;
      }
    }
  }

  /** The few {@link Connection} calls the router makes on a session. */
  private static final class Calls implements InvocationHandler {
    private final Session session;

    Calls(Session session) {
      this.session = session;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws SQLException {
      switch (method.getName()) {
        case "getAutoCommit":
          return session.autoCommit;
        case "setAutoCommit":
          boolean value = (Boolean) args[0];
          if (value && !session.autoCommit) {
            session.status = TransactionStatus.IDLE; // JDBC: switching it on commits
          }
          session.autoCommit = value;
          return null;
        case "isClosed":
          return session.closed;
        case "commit":
          session.commits++;
          session.status = TransactionStatus.IDLE;
          return null;
        case "rollback":
          if (args == null) {
            session.rollbacks++;
            session.status = TransactionStatus.IDLE;
            return null;
          }
          break;
        case "close":
        case "abort":
          session.closed = true;
          return null;
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "fake " + session.kind.label() + " session";
        default:
          break;
      }
      throw new UnsupportedOperationException(
          "the router's unit tests send nothing to a session: " + method.getName());
    }
  }

  private final boolean lendsDirect;
  private final List<Session> acquired = new ArrayList<>();

  /** What the next move check answers; {@code null} fails the test if the router asks. */
  ServerChecks.MoveCheck moveAnswer;

  /** Whether the direct session still holds something a pin protects, when asked. */
  boolean pinStillHolds;

  int moveChecks;
  int pinChecks;
  int parameterReads;

  /** Sessions held until close, as the driver's own are. */
  FakeSessions() {
    this(false);
  }

  /** Sessions whose direct one is lent per statement when {@code lendsDirect}, as a pool's is. */
  FakeSessions(boolean lendsDirect) {
    this.lendsDirect = lendsDirect;
  }

  /** A move check that lets the transaction move. */
  static ServerChecks.MoveCheck movable() {
    return new ServerChecks.MoveCheck(null, "app", Map.of());
  }

  /** A move check that refuses, for {@code reason}. */
  static ServerChecks.MoveCheck notMovable(String reason) {
    return new ServerChecks.MoveCheck(reason, "app", Map.of());
  }

  /** The fake behind {@code connection}. */
  Session session(Connection connection) {
    for (Session session : acquired) {
      if (session.connection == connection) {
        return session;
      }
    }
    throw new AssertionError("not a session of this source: " + connection);
  }

  /** Every session acquired so far, in order. */
  List<Session> acquired() {
    return acquired;
  }

  /** How many sessions of {@code kind} were acquired. */
  long acquiredOf(EndpointKind kind) {
    return acquired.stream().filter(s -> s.kind == kind).count();
  }

  @Override
  public Connection acquire(EndpointKind kind) {
    Session session = new Session(kind);
    acquired.add(session);
    return session.connection;
  }

  @Override
  public void release(Connection connection, EndpointKind kind, boolean needsReset) {
    Session session = session(connection);
    if (session.kind != kind) {
      throw new AssertionError("released as " + kind + ": " + connection);
    }
    session.releasedNeedingReset = needsReset;
    session.closed = true;
  }

  @Override
  public boolean lendsPerStatement(EndpointKind kind) {
    return lendsDirect && kind == EndpointKind.DIRECT;
  }

  @Override
  public TransactionStatus transactionStatus(Connection connection) {
    return session(connection).status;
  }

  @Override
  public ServerChecks.MoveCheck moveCheck(Connection pooled, SessionParameters parameters) {
    moveChecks++;
    if (moveAnswer == null) {
      throw new AssertionError("the router asked whether the transaction may move");
    }
    return moveAnswer;
  }

  @Override
  public ServerChecks.PinCheck pinCheck(Connection direct, SessionParameters parameters) {
    pinChecks++;
    return new ServerChecks.PinCheck(pinStillHolds, new LinkedHashMap<>());
  }

  @Override
  public Map<String, String> readParameters(Connection session, String query) {
    parameterReads++;
    return new LinkedHashMap<>(); // the server's defaults: nothing set
  }

  /** Routing events as counters. */
  static final class Events implements RoutingEvents {
    final Map<EndpointKind, Integer> routed = new EnumMap<>(EndpointKind.class);
    int pinned;
    int refused;
    int moved;
    int unpinned;

    @Override
    public void statementRouted(EndpointKind kind) {
      routed.merge(kind, 1, Integer::sum);
    }

    @Override
    public void pinned() {
      pinned++;
    }

    @Override
    public void refused() {
      refused++;
    }

    @Override
    public void moved() {
      moved++;
    }

    @Override
    public void unpinned() {
      unpinned++;
    }

    int routedTo(EndpointKind kind) {
      return routed.getOrDefault(kind, 0);
    }
  }
}

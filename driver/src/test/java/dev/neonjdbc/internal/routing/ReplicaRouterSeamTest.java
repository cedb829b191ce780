package dev.neonjdbc.internal.routing;

import static dev.neonjdbc.EndpointKind.POOLED;
import static dev.neonjdbc.EndpointKind.REPLICA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.config.ConnectionSettings;
import dev.neonjdbc.internal.config.Environment;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The router's replica decisions through its seam, without a server: hinted statements and
 * transactions, a replica that does not answer, the read-your-writes window, session state in a
 * replica transaction. (Read-only connections set pgJDBC's read-only flag and send {@code BEGIN
 * READ ONLY} on the primary, which these fake sessions do not take: {@code
 * dev.neonjdbc.replica.ReadReplicaRoutingTest} proves them on the kit's replica.)
 */
class ReplicaRouterSeamTest {
  private static final String HINTED = "/* neon:replica */ SELECT 1";

  private final AtomicLong now = new AtomicLong(7_000_000_000L);
  private final FakeSessions source = new FakeSessions();
  private final FakeSessions.Events events = new FakeSessions.Events();
  private final AtomicInteger opens = new AtomicInteger();
  private final ReplicaSet set;
  private boolean replicaAnswers = true;

  ReplicaRouterSeamTest() throws SQLException {
    set =
        new ReplicaSet(
            ConnectionSettings.parse(
                "jdbc:neon://primary.internal:6432/app?directPort=5432&replicaHosts=r1.internal",
                null,
                Environment.of(Map.of())),
            now::get);
  }

  private Router router() {
    ReplicaRouting replicas =
        new ReplicaRouting(
            set,
            replica -> {
              opens.incrementAndGet();
              if (!replicaAnswers) {
                throw new SQLException("refused", "08001", new ConnectException("refused"));
              }
              return source.acquire(REPLICA);
            });
    return new Router(new RouterOptions(true, POOLED, false), source, events, replicas);
  }

  private EndpointKind execute(Router router, String sql) throws SQLException {
    Route route = SqlClassifier.classify(sql);
    Connection session = router.beginStatement(route, sql);
    source.session(session).statementRan();
    router.endStatement(session, route);
    return source.session(session).kind;
  }

  @Test
  void aHintedAutoCommitStatementRunsOnTheReplicaAndTheNextOneOnThePooledEndpoint()
      throws SQLException {
    Router router = router();
    assertEquals(REPLICA, execute(router, HINTED));
    assertEquals(POOLED, execute(router, "SELECT 1"));
    assertEquals(REPLICA, execute(router, HINTED));
    assertEquals(1, opens.get(), "one replica session per logical connection");
  }

  @Test
  void aHintedFirstStatementTakesTheWholeTransactionToTheReplica() throws SQLException {
    Router router = router();
    router.setAutoCommit(false);
    assertEquals(REPLICA, execute(router, HINTED));
    assertEquals(REPLICA, execute(router, "SELECT 2"));
    assertEquals(REPLICA, router.endpointFor(Route.POOLED));
    router.commit();
    assertEquals(
        1,
        source.acquired().stream()
            .filter(s -> s.kind == REPLICA)
            .findFirst()
            .orElseThrow()
            .commits);

    assertEquals(POOLED, execute(router, "SELECT 3"));
    assertEquals(POOLED, execute(router, HINTED), "inside a pooled transaction it is ignored");
    router.rollback();
  }

  @Test
  void aReplicaThatDoesNotAnswerSendsTheWorkToThePrimaryAndIsSkippedAfterwards()
      throws SQLException {
    replicaAnswers = false;
    assertEquals(POOLED, execute(router(), HINTED));
    assertEquals(1, opens.get());
    assertEquals(POOLED, execute(router(), HINTED), "another connection skips it");
    assertEquals(1, opens.get(), "without trying it again during the down period");
    now.addAndGet(30_000_000_001L);
    replicaAnswers = true;
    assertEquals(REPLICA, execute(router(), HINTED), "after the down period");
  }

  @Test
  void afterThisThreadWroteTheHintReadsThePrimaryForTheWindow() throws SQLException {
    Router writer = router();
    Router reader = router();
    assertEquals(POOLED, execute(writer, "SELECT 1"), "a plain read");
    assertEquals(REPLICA, execute(reader, HINTED), "opens no window");
    assertEquals(POOLED, execute(writer, "INSERT INTO t VALUES (1)"));
    assertEquals(POOLED, execute(reader, HINTED), "within the window: the primary");
    now.addAndGet(1_000_000_000L);
    assertEquals(REPLICA, execute(reader, HINTED), "after it: the replica");

    writer.setAutoCommit(false);
    execute(writer, "UPDATE t SET x = 1");
    now.addAndGet(5_000_000_000L);
    assertEquals(REPLICA, execute(reader, HINTED), "an open transaction's write is not yet done");
    writer.commit();
    assertEquals(POOLED, execute(reader, HINTED), "its commit opens the window");
  }

  @Test
  void sessionStateInAReplicaTransactionIsRefusedBeforeItIsSent() throws SQLException {
    Router router = router();
    router.setAutoCommit(false);
    assertEquals(REPLICA, execute(router, HINTED));
    SQLException refused =
        assertThrows(
            SQLException.class,
            () -> router.beginStatement(Route.SESSION, "SET search_path TO app"));
    assertEquals("0A000", refused.getSQLState());
    assertEquals(REPLICA, execute(router, "SELECT 1"), "the transaction goes on");
  }
}

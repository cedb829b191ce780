package dev.neonjdbc.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.internal.config.ConnectionSettings;
import dev.neonjdbc.internal.config.Environment;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The replica rules that need no server: which work wants a replica, what counts as a replica that
 * did not answer, what a replica transaction refuses. The real-stack tests in {@code
 * dev.neonjdbc.replica} prove the routing itself.
 */
class ReplicaRoutingTest {
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final ReplicaSet set;
  private final ReplicaRouting routing;

  ReplicaRoutingTest() throws SQLException {
    set =
        new ReplicaSet(
            ConnectionSettings.parse(
                "jdbc:neon://primary.internal:6432/app?directPort=5432&replicaHosts=r1.internal",
                null,
                Environment.of(Map.of())),
            now::get);
    routing = new ReplicaRouting(set, replica -> null);
  }

  @Test
  void readOnlyWorkAndHintedStatementsWantAReplica() {
    assertTrue(routing.wantsReplica(Route.POOLED, "SELECT 1", true));
    assertFalse(routing.wantsReplica(Route.POOLED, "SELECT 1", false), "not read-only");
    assertTrue(routing.wantsReplica(Route.POOLED, "/* neon:replica */ SELECT 1", false));
    assertTrue(
        routing.wantsReplica(Route.DIRECT, "/* neon:replica */ CREATE TABLE t ()", false),
        "hinted DDL goes there, to fail as the standby says");
    assertFalse(routing.wantsReplica(Route.DIRECT, "CREATE TABLE t ()", true), "DDL: direct");
    assertFalse(routing.wantsReplica(Route.PIN, "/* neon:replica */ LISTEN x", true));
    assertFalse(routing.wantsReplica(Route.SESSION, "SET search_path TO a", true));
    assertFalse(ReplicaRouting.NONE.wantsReplica(Route.POOLED, "SELECT 1", true), "no replicas");
  }

  @Test
  void afterThisThreadWroteItsReadOnlyWorkStaysOnThePrimary() {
    set.recordWrite();
    assertFalse(routing.wantsReplica(Route.POOLED, "SELECT 1", true));
    assertFalse(routing.wouldTake(Route.POOLED, true));
    now.addAndGet(1_000_000_000L);
    assertTrue(routing.wantsReplica(Route.POOLED, "SELECT 1", true));
    assertTrue(routing.wouldTake(Route.POOLED, true));
  }

  @Test
  void aReplicaThatDidNotAnswerIsMarkedDownAndOneThatRefusedTheLoginIsNot() {
    assertTrue(routing.chooseReplica());
    SQLException wrongPassword = new SQLException("password authentication failed", "28P01");
    assertFalse(routing.openFailed(wrongPassword), "the application must see it");
    assertTrue(routing.chooseReplica());
    SQLException refused = new SQLException("refused", "08001", new ConnectException("refused"));
    assertTrue(routing.openFailed(refused));
    assertFalse(routing.chooseReplica(), "its only replica is down");
    assertTrue(ReplicaRouting.isUnanswered(new SQLException("starting up", "57P03")));
    assertTrue(ReplicaRouting.isUnanswered(new SQLException("server login failing", "08P01")));
  }

  @Test
  void aReplicaTransactionRefusesSessionStateBeforeSendingIt() throws SQLException {
    for (String sql : new String[] {"SET search_path TO a", "LISTEN jobs", "DISCARD ALL"}) {
      SQLException e =
          assertThrows(
              SQLException.class,
              () -> ReplicaRouting.checkInReplicaTransaction(SqlClassifier.classify(sql), sql),
              sql);
      assertEquals("0A000", e.getSQLState());
    }
    ReplicaRouting.checkInReplicaTransaction(Route.POOLED, "SET LOCAL work_mem = '64MB'");
  }
}

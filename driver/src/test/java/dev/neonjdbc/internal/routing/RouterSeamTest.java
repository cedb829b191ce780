package dev.neonjdbc.internal.routing;

import static dev.neonjdbc.EndpointKind.DIRECT;
import static dev.neonjdbc.EndpointKind.POOLED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.routing.RouterSessionSource.TransactionStatus;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The router's rules one by one, through its seam ({@link RouterOptions}, a {@link
 * RouterSessionSource}, events) and without a server: {@link FakeSessions} holds only what the
 * router reads back from a session, and each test says what the server would answer. What the
 * routed statements do on PostgreSQL and PgBouncer is proven by the integration tests ({@code
 * RoutingRulesTest}, {@code RoutingSemanticsTest}, {@code SessionStateRulesTest}); these pin down
 * the decisions, fast.
 */
class RouterSeamTest {
  private final FakeSessions.Events events = new FakeSessions.Events();

  private Router routing(FakeSessions source) {
    return new Router(new RouterOptions(true, POOLED, false), source, events);
  }

  /**
   * Routes {@code sql} as a logical statement does (classify, begin, run, end) and returns the kind
   * of session it ran on. With auto-commit off the session is then in a transaction, as pgJDBC's
   * {@code BEGIN} before the statement leaves it.
   */
  private static EndpointKind execute(Router router, FakeSessions source, String sql)
      throws SQLException {
    Route route = SqlClassifier.classify(sql);
    Connection session = router.beginStatement(route, sql);
    source.session(session).statementRan();
    router.endStatement(session, route);
    return source.session(session).kind;
  }

  // ---- pin --------------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
    "LISTEN jobs, LISTEN",
    "SET ROLE app_reader, SET",
    "SET SESSION AUTHORIZATION app_reader, SET",
    "PREPARE q AS SELECT 1, PREPARE",
    "EXECUTE q, EXECUTE",
    "CREATE TEMP TABLE t (id int), CREATE",
    "DECLARE c CURSOR WITH HOLD FOR SELECT 1, DECLARE",
    "LOAD 'auto_explain', LOAD",
    "SELECT pg_advisory_lock(42), SELECT",
    "/* neon:pin */ SELECT 1, SELECT",
  })
  void aPinningStatementRunsOnDirectAndEverythingAfterFollows(String sql, String reason)
      throws SQLException {
    FakeSessions source = new FakeSessions();
    source.pinStillHolds = true; // the server holds what the statement left (a role, a channel)
    Router router = routing(source);

    assertEquals(DIRECT, execute(router, source, sql), sql);

    assertTrue(router.isPinned(), sql);
    assertEquals(reason, router.pinReason(), sql);
    assertEquals(DIRECT, execute(router, source, "SELECT 1"), "after " + sql);
    assertEquals(DIRECT, router.endpointFor(Route.POOLED));
    assertEquals(1, events.pinned);
    assertEquals(0, source.acquiredOf(POOLED), "nothing was opened on the pooler");
  }

  @Test
  void ordinaryStatementsRunPooledAndDdlDirectWithoutPinning() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);

    assertEquals(POOLED, execute(router, source, "SELECT 1"));
    assertEquals(DIRECT, execute(router, source, "CREATE TABLE t (id int)"));
    assertEquals(POOLED, execute(router, source, "INSERT INTO t VALUES (1)"));

    assertFalse(router.isPinned());
    assertEquals(2, events.routedTo(POOLED));
    assertEquals(1, events.routedTo(DIRECT));
  }

  @Test
  void pinDirectPinsBeforeAnyStatement() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);

    router.pinDirect();

    assertTrue(router.isPinned());
    assertEquals("pinDirect()", router.pinReason());
    assertEquals(DIRECT, execute(router, source, "SELECT 1"));
    // No statement can show the end of such a pin: the server is not asked.
    assertEquals(DIRECT, execute(router, source, "UNLISTEN *"));
    assertTrue(router.isPinned());
    assertEquals(0, source.pinChecks);
  }

  @Test
  void discardAllEndsThePin() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    execute(router, source, "LISTEN jobs");

    assertEquals(DIRECT, execute(router, source, "DISCARD ALL"));

    assertFalse(router.isPinned());
    assertNull(router.pinReason());
    assertEquals(POOLED, execute(router, source, "SELECT 1"));
  }

  @Test
  void startupStatePinsForGoodAndDiscardAllKeepsIt() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = new Router(new RouterOptions(true, POOLED, true), source, events);

    assertTrue(router.isPinned());
    execute(router, source, "DISCARD ALL");

    assertTrue(router.isPinned());
    assertEquals(DIRECT, execute(router, source, "SELECT 1"));
    assertEquals(0, source.acquiredOf(POOLED));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void statementThatMayReleaseThePinAsksTheServer(boolean stillHolds) throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    execute(router, source, "LISTEN jobs");
    source.pinStillHolds = stillHolds;

    execute(router, source, "UNLISTEN jobs");

    assertEquals(1, source.pinChecks);
    assertEquals(stillHolds, router.isPinned());
    assertEquals(stillHolds ? 0 : 1, events.unpinned);
    assertEquals(stillHolds ? DIRECT : POOLED, execute(router, source, "SELECT 1"));
  }

  @Test
  void aPinThatBeganInATransactionIsCheckedAfterRollback() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, "CREATE TEMP TABLE t (id int)");
    assertTrue(router.isPinned());

    router.rollback();
    assertEquals(0, source.pinChecks, "checked at the next use, not at once");
    assertEquals(POOLED, execute(router, source, "SELECT 1"));

    assertEquals(1, source.pinChecks);
    assertFalse(router.isPinned());
  }

  // ---- adopt ------------------------------------------------------------------------------

  @Test
  void aTransactionPgJdbcOpenedOnThePooledSessionIsAdopted() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    Connection pooled = router.current(); // pgJDBC's metadata query began a transaction there
    source.session(pooled).status = TransactionStatus.OPEN;
    source.moveAnswer = FakeSessions.notMovable("it has already written");

    // DDL in a transaction that cannot move runs in it.
    assertEquals(POOLED, execute(router, source, "CREATE TABLE t (id int)"));
    router.commit();

    assertEquals(1, source.session(pooled).commits);
    assertEquals(0, source.acquiredOf(DIRECT));
  }

  @Test
  void aTransactionOpenOnTheDirectSessionIsAdoptedByCommit() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    Connection direct = router.physical(DIRECT);
    router.setAutoCommit(false);
    source.session(direct).status = TransactionStatus.OPEN; // a BEGIN sent in auto-commit mode

    assertEquals(DIRECT, execute(router, source, "SELECT 1"));
    router.commit();

    assertEquals(1, source.session(direct).commits);
  }

  // ---- move -------------------------------------------------------------------------------

  @Test
  void ddlInAPooledTransactionThatWroteNothingMovesToDirect() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    assertEquals(POOLED, execute(router, source, "SELECT 1"));
    Connection pooled = router.sessionIfOpen(POOLED);
    source.moveAnswer = FakeSessions.movable();

    assertEquals(DIRECT, execute(router, source, "CREATE TABLE t (id int)"));

    assertEquals(1, source.session(pooled).rollbacks, "ended on the pooler");
    assertEquals(1, events.moved);
    assertEquals(DIRECT, router.endpointFor(Route.POOLED), "the transaction stays on direct");
    assertEquals(DIRECT, execute(router, source, "INSERT INTO t VALUES (1)"));
    router.commit();
    assertEquals(1, source.session(router.sessionIfOpen(DIRECT)).commits);
    assertEquals(0, source.session(pooled).commits);
    assertEquals(POOLED, router.endpointFor(Route.POOLED), "the next transaction starts pooled");
  }

  @Test
  void aPinningStatementMovesThePooledTransactionAndPins() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, "SELECT 1");
    source.moveAnswer = FakeSessions.movable();

    assertEquals(DIRECT, execute(router, source, "LISTEN jobs"));

    assertTrue(router.isPinned());
    assertEquals(1, events.moved);
  }

  @Test
  void pinDirectMovesAPooledTransactionThatWroteNothing() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, "SELECT 1");
    source.moveAnswer = FakeSessions.movable();

    router.pinDirect();

    assertTrue(router.isPinned());
    assertEquals(1, events.moved);
    assertEquals(DIRECT, execute(router, source, "SELECT 2"));
  }

  // ---- refuse -----------------------------------------------------------------------------

  @Test
  void aPinningStatementInAPooledTransactionThatWroteIsRefusedBeforeAnythingIsSent()
      throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, "INSERT INTO t VALUES (1)");
    source.moveAnswer = FakeSessions.notMovable("it has already written");

    SQLException refused =
        assertThrows(SQLException.class, () -> execute(router, source, "LISTEN jobs"));

    assertEquals("0A000", refused.getSQLState());
    assertTrue(refused.getMessage().startsWith("LISTEN "), refused.getMessage());
    assertTrue(refused.getMessage().contains("it has already written"), refused.getMessage());
    assertTrue(refused.getMessage().contains("pinDirect()"), refused.getMessage());
    assertEquals(1, events.refused);
    assertFalse(router.isPinned());
    assertEquals(0, source.acquiredOf(DIRECT), "no direct session was even opened");
    assertEquals(POOLED, router.endpointFor(Route.POOLED), "the transaction goes on pooled");
  }

  @Test
  void pinDirectInAPooledTransactionThatWroteIsRefused() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, "UPDATE t SET id = 2");
    source.moveAnswer = FakeSessions.notMovable("it runs at SERIALIZABLE");

    SQLException refused = assertThrows(SQLException.class, router::pinDirect);

    assertEquals("0A000", refused.getSQLState());
    assertTrue(refused.getMessage().contains("SERIALIZABLE"), refused.getMessage());
    assertFalse(router.isPinned());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NOTIFY jobs", "SET CONSTRAINTS ALL DEFERRED"})
  void whatAMoveWouldLoseRefusesWithoutAskingTheServer(String sql) throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, sql);

    SQLException refused =
        assertThrows(SQLException.class, () -> execute(router, source, "LISTEN jobs"));

    assertEquals("0A000", refused.getSQLState());
    assertEquals(0, source.moveChecks);
  }

  @Test
  void aSavepointKeepsTheTransactionOnThePooler() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, "SELECT 1");
    Connection pooled = router.forTransactionControl();
    assertSame(router.sessionIfOpen(POOLED), pooled);
    router.afterTransactionControl(pooled);

    SQLException refused =
        assertThrows(SQLException.class, () -> execute(router, source, "LISTEN jobs"));

    assertTrue(refused.getMessage().contains("savepoint"), refused.getMessage());
    assertEquals(0, source.moveChecks);
  }

  @Test
  void aSavepointOfACommittedTransactionDoesNotHoldTheNextOne() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, "SELECT 1");
    Connection pooled = router.forTransactionControl();
    router.afterTransactionControl(pooled);
    router.commit();
    execute(router, source, "SELECT 1");
    source.moveAnswer = FakeSessions.movable();

    assertEquals(DIRECT, execute(router, source, "LISTEN jobs"), "the next transaction moves");
    assertEquals(1, events.moved);
  }

  @Test
  void ddlInAPooledTransactionThatCannotMoveRunsThereUnrefused() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, "INSERT INTO t VALUES (1)");
    source.moveAnswer = FakeSessions.notMovable("it has already written");

    assertEquals(POOLED, execute(router, source, "ALTER TABLE t ADD COLUMN n int"));
    assertEquals(0, events.refused);
  }

  // ---- forced endpoint --------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"POOLED", "DIRECT"})
  void aForcedEndpointTakesEveryStatementAndNeverPins(EndpointKind forced) throws SQLException {
    FakeSessions source = new FakeSessions(true);
    Router router = new Router(new RouterOptions(false, forced, false), source, events);

    for (String sql : new String[] {"SELECT 1", "CREATE TABLE t (id int)", "LISTEN jobs"}) {
      assertEquals(forced, execute(router, source, sql), sql);
      assertEquals(forced, router.endpointFor(SqlClassifier.classify(sql)), sql);
    }
    router.pinDirect();

    assertFalse(router.isPinned());
    assertFalse(router.isRouting());
    assertFalse(router.lendsDirectPerStatement(), "one session, held until close");
    assertEquals(1, source.acquired().size());
    assertEquals(3, events.routedTo(forced));
  }

  @Test
  void aForcedEndpointCommitsItsOneSession() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = new Router(new RouterOptions(false, DIRECT, false), source, events);
    router.setAutoCommit(false);
    execute(router, source, "INSERT INTO t VALUES (1)");

    router.commit();

    assertEquals(1, source.session(router.sessionIfOpen(DIRECT)).commits);
  }

  // ---- auto-commit, commit, rollback -------------------------------------------------------

  @Test
  void commitAndRollbackInAutoCommitModeAre25P01() {
    Router router = routing(new FakeSessions());

    assertEquals("25P01", assertThrows(SQLException.class, router::commit).getSQLState());
    assertEquals("25P01", assertThrows(SQLException.class, router::rollback).getSQLState());
  }

  @Test
  void autoCommitReachesEveryOpenSessionAndEachNewOne() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    Connection pooled = router.physical(POOLED);

    router.setAutoCommit(false);
    Connection direct = router.physical(DIRECT);

    assertFalse(router.getAutoCommit());
    assertFalse(source.session(pooled).autoCommit);
    assertFalse(source.session(direct).autoCommit);
    router.setAutoCommit(true);
    assertTrue(source.session(pooled).autoCommit);
    assertTrue(source.session(direct).autoCommit);
  }

  @Test
  void switchingAutoCommitOnEndsTheTransaction() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    source.moveAnswer = FakeSessions.movable();
    execute(router, source, "SELECT 1");
    execute(router, source, "CREATE TABLE t (id int)"); // moved: the transaction is on direct
    assertEquals(DIRECT, router.endpointFor(Route.POOLED));

    router.setAutoCommit(true);

    assertEquals(POOLED, router.endpointFor(Route.POOLED));
    assertEquals(TransactionStatus.IDLE, source.session(router.sessionIfOpen(DIRECT)).status);
  }

  @Test
  void commitAndRollbackGoWhereTheTransactionRuns() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, "SELECT 1");
    Connection pooled = router.sessionIfOpen(POOLED);
    router.rollback();
    execute(router, source, "CREATE TABLE t (id int)"); // begins on direct
    Connection direct = router.sessionIfOpen(DIRECT);

    router.commit();

    assertEquals(1, source.session(pooled).rollbacks);
    assertEquals(0, source.session(pooled).commits);
    assertEquals(1, source.session(direct).commits);
    assertEquals(POOLED, execute(router, source, "SELECT 1"));
  }

  @Test
  void isolationCannotChangeInsideATransaction() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, "SELECT 1");

    SQLException e =
        assertThrows(
            SQLException.class,
            () -> router.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE));
    assertEquals("25001", e.getSQLState());
  }

  // ---- lending ----------------------------------------------------------------------------

  @Test
  void aLentDirectSessionIsFreeAfterAnAutoCommitStatementAndGoesBackClean() throws SQLException {
    FakeSessions source = new FakeSessions(true);
    Router router = routing(source);
    assertTrue(router.lendsDirectPerStatement());

    execute(router, source, "CREATE TABLE t (id int)");
    Connection direct = router.sessionIfOpen(DIRECT);
    assertFalse(router.holdsDirect());
    router.giveBackDirect();

    assertNull(router.sessionIfOpen(DIRECT));
    assertEquals(Boolean.FALSE, source.session(direct).releasedNeedingReset);
    execute(router, source, "CREATE TABLE u (id int)");
    assertEquals(2, source.acquiredOf(DIRECT), "the next direct statement borrows again");
  }

  @Test
  void aPinHoldsTheLentSessionUntilItEnds() throws SQLException {
    FakeSessions source = new FakeSessions(true);
    Router router = routing(source);
    execute(router, source, "LISTEN jobs");
    Connection direct = router.sessionIfOpen(DIRECT);

    assertTrue(router.holdsDirect());
    assertThrows(IllegalStateException.class, router::giveBackDirect);
    router.endRequest(); // a client pool takes the connection back

    assertFalse(router.isPinned());
    assertFalse(router.holdsDirect());
    router.giveBackDirect();
    assertEquals(Boolean.TRUE, source.session(direct).releasedNeedingReset, "reset by its pool");
  }

  @Test
  void aDirectTransactionHoldsTheLentSessionUntilCommit() throws SQLException {
    FakeSessions source = new FakeSessions(true);
    Router router = routing(source);
    router.setAutoCommit(false);
    execute(router, source, "CREATE TABLE t (id int)");

    assertTrue(router.holdsDirect());
    router.commit();

    assertFalse(router.holdsDirect());
  }

  @Test
  void aPooledTransactionDoesNotHoldTheLentSession() throws SQLException {
    FakeSessions source = new FakeSessions(true);
    Router router = routing(source);
    router.physical(DIRECT);
    router.setAutoCommit(false);
    execute(router, source, "SELECT 1");

    assertFalse(router.holdsDirect());
  }

  @Test
  void closeGivesEverySessionBack() throws SQLException {
    FakeSessions source = new FakeSessions();
    Router router = routing(source);
    execute(router, source, "SELECT 1");
    execute(router, source, "CREATE TABLE t (id int)");

    router.close();

    assertEquals(2, source.acquired().size());
    source.acquired().forEach(s -> assertTrue(s.releasedNeedingReset != null, s.kind.label()));
    assertNull(router.sessionIfOpen(POOLED));
    assertNull(router.sessionIfOpen(DIRECT));
  }
}

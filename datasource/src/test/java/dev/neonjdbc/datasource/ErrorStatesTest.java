package dev.neonjdbc.datasource;

import static dev.neonjdbc.datasource.Kit.directBackendPid;
import static dev.neonjdbc.datasource.Kit.run;
import static dev.neonjdbc.datasource.Kit.scalar;
import static dev.neonjdbc.datasource.Kit.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * Every exception a {@link NeonDataSource} raises carries the SQLState class frameworks classify
 * by, including after HikariCP evicted a direct session (whose proxy then answers "Connection is
 * closed" with no SQLState at all).
 */
@NeonStackTest
class ErrorStatesTest {
  private final Kit kit;
  private final NeonStack stack;

  ErrorStatesTest(NeonStack stack) {
    this.kit = new Kit(stack);
    this.stack = stack;
  }

  @Test
  void aTerminatedPinnedDirectSessionIs57P01ThenEveryUseIs08006() throws SQLException {
    assumeFalse("neon".equals(stack.providerName()), "terminates backends as superuser");
    String name = unique("ds_terminated");
    try (NeonDataSource dataSource = kit.dataSource(name);
        Connection connection = dataSource.getConnection()) {
      run(connection, "LISTEN " + name);
      Connection direct =
          connection.unwrap(NeonConnection.class).session(EndpointKind.DIRECT).orElseThrow();
      terminate(scalar(direct, "select pg_backend_pid()"));

      SQLException terminated =
          assertThrows(SQLException.class, () -> scalar(connection, "select 1"));
      assertEquals("57P01", terminated.getSQLState(), terminated.getMessage());
      assertInstanceOf(PSQLException.class, terminated, "pgJDBC's own exception, unchanged");
      assertTrue(connection.isClosed());

      SQLException next = assertThrows(SQLException.class, () -> scalar(connection, "select 1"));
      assertEquals("08006", next.getSQLState(), next.getMessage());
      assertTrue(next.getMessage().contains("LISTEN"), next.getMessage());
      SQLException unwrap =
          assertThrows(SQLException.class, () -> connection.unwrap(java.sql.Statement.class));
      assertEquals("08006", unwrap.getSQLState(), unwrap.getMessage());
    }
  }

  @Test
  void aTerminatedSessionSetConnectionKeepsWorkingOnAFreshDirectSession() throws SQLException {
    assumeFalse("neon".equals(stack.providerName()), "terminates backends as superuser");
    String name = unique("ds_set");
    try (NeonDataSource dataSource = kit.dataSource(name);
        Connection connection = dataSource.getConnection()) {
      run(connection, "SET work_mem = '8MB'");
      terminate(scalar(connection, "/* neon:direct */ select pg_backend_pid()"));
      // The SET is logical state, not a pin: the direct session went back to its pool. HikariCP
      // checks a session idle for longer than its alive-bypass window (500 ms) before lending it,
      // and replaces the dead one; the parameter follows the connection.
      sleep(700);
      assertEquals("8MB", scalar(connection, "/* neon:direct */ show work_mem"));
      assertEquals("8MB", scalar(connection, "show work_mem"));
    }
  }

  @Test
  void aTerminatedDirectTransactionFailsCommitWith08006AndTheConnectionGoesOn()
      throws SQLException {
    assumeFalse("neon".equals(stack.providerName()), "terminates backends as superuser");
    String name = unique("ds_tx");
    try (NeonDataSource dataSource = kit.dataSource(name);
        Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      run(connection, "CREATE TABLE " + name + " (id int)");
      String evicted = scalar(connection, "select pg_backend_pid()");
      terminate(evicted);
      SQLException terminated =
          assertThrows(
              SQLException.class, () -> run(connection, "INSERT INTO " + name + " VALUES (1)"));
      assertEquals("57P01", terminated.getSQLState(), terminated.getMessage());
      SQLException commit = assertThrows(SQLException.class, connection::commit);
      assertEquals("08006", commit.getSQLState(), commit.getMessage());
      assertNotNull(commit.getCause(), "the evicted session's own answer is kept");
      // The dead session went back to its pool (HikariCP evicted it) with the failed commit: the
      // connection held nothing else, so it goes on with a fresh direct session.
      connection.rollback();
      connection.setAutoCommit(true);
      assertNotEquals(evicted, directBackendPid(connection), "a fresh direct session");
    }
    try (Connection observer = stack.openDirect()) {
      assertEquals(
          "0", scalar(observer, "select count(*) from pg_tables where tablename = '" + name + "'"));
    }
  }

  @Test
  void closedConnectionsAndClosedDataSourcesAnswer08003() throws SQLException {
    NeonDataSource dataSource = kit.dataSource(unique("ds_closed"));
    Connection connection = dataSource.getConnection();
    connection.close();
    assertEquals(
        "08003", assertThrows(SQLException.class, connection::createStatement).getSQLState());
    dataSource.close();
    assertEquals(
        "08003", assertThrows(SQLException.class, dataSource::getConnection).getSQLState());
  }

  @Test
  void unsupportedCallsAnswer0A000() {
    try (NeonDataSource dataSource = kit.dataSource(unique("ds_unsupported"))) {
      assertEquals(
          "0A000",
          assertThrows(SQLException.class, () -> dataSource.getConnection("someone", "else"))
              .getSQLState());
      assertEquals(
          "0A000",
          assertThrows(SQLException.class, () -> dataSource.unwrap(Runnable.class)).getSQLState());
      assertEquals(
          "0A000", assertThrows(SQLException.class, dataSource::getParentLogger).getSQLState());
    }
  }

  @Test
  void aRefusedPinIs0A000AndLeavesTheConnectionUsable() throws SQLException {
    String name = unique("ds_refusal");
    try (NeonDataSource dataSource = kit.dataSource(name);
        Connection connection = dataSource.getConnection()) {
      run(connection, "CREATE TABLE " + name + " (id int)");
      connection.setAutoCommit(false);
      run(connection, "INSERT INTO " + name + " VALUES (1)");
      SQLException refused =
          assertThrows(SQLException.class, () -> run(connection, "LISTEN " + name));
      assertEquals("0A000", refused.getSQLState(), refused.getMessage());
      connection.rollback();
      connection.setAutoCommit(true);
      assertFalse(connection.isClosed());
      run(connection, "DROP TABLE " + name);
    }
  }

  @Test
  void badSettingsGivenByNameAre22023AtGetConnection() {
    try (NeonDataSource dataSource = kit.dataSource(unique("ds_bad_route"))) {
      dataSource.setProperty("route", "sideways");
      SQLException error = assertThrows(SQLException.class, dataSource::getConnection);
      assertEquals("22023", error.getSQLState(), error.getMessage());
      assertTrue(error.getMessage().startsWith("Invalid value for 'route'"), error.getMessage());
      assertFalse(error.getMessage().contains(stack.password()));
    }
    try (NeonDataSource dataSource = kit.dataSource(unique("ds_bad_timeout"))) {
      // HikariCP would refuse a connection timeout under 250 ms when it creates the pool; the
      // data source refuses it when it is set, and reports it at the first connection.
      dataSource.setProperty("connectionTimeout", "100");
      assertThrows(IllegalArgumentException.class, () -> dataSource.setConnectionTimeout(100));
      SQLException error = assertThrows(SQLException.class, dataSource::getConnection);
      assertEquals("22023", error.getSQLState(), error.getMessage());
      assertTrue(
          error.getMessage().startsWith("Invalid value for 'connectionTimeout'"),
          error.getMessage());
      assertFalse(error.getMessage().contains(stack.password()));
    }
  }

  @Test
  void theUrlsOwnBadValueWinsOverAGoodSetterAndIs22023() throws SQLException {
    try (NeonDataSource dataSource =
        kit.dataSource(unique("ds_bad_url_value"), stack.neonJdbcUrl() + "&clientPooling=maybe")) {
      dataSource.setClientPooling("on");
      SQLException error = assertThrows(SQLException.class, dataSource::getConnection);
      assertEquals("22023", error.getSQLState(), error.getMessage());
      assertTrue(
          error.getMessage().startsWith("Invalid value for 'clientPooling': 'maybe'"),
          error.getMessage());
      assertFalse(error.getMessage().contains(stack.password()));
    }
  }

  @Test
  void thePoolerDownLeavesDirectWorkRunningAndPooledWorkFailingWith08001()
      throws SQLException, IOException {
    assumeFalse("neon".equals(stack.providerName()), "points the pooled endpoint at a dead port");
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = socket.getLocalPort();
    }
    String name = unique("ds_pooler_down");
    try (NeonDataSource dataSource = kit.dataSource(name)) {
      dataSource.setPooledPort(deadPort);
      try (Connection connection = dataSource.getConnection()) {
        run(connection, "CREATE TABLE " + name + " (id int)");
        run(connection, "DROP TABLE " + name);
        SQLException pooled =
            assertThrows(SQLException.class, () -> scalar(connection, "select 1"));
        assertEquals("08001", pooled.getSQLState(), pooled.getMessage());
        assertTrue(pooled.getMessage().contains("pooled endpoint"), pooled.getMessage());
        assertTrue(pooled.getMessage().contains(":" + deadPort), pooled.getMessage());
      }
      assertEquals(
          0, dataSource.getDirectPoolMXBean().getActiveConnections(), "direct session given back");
    }
  }

  @Test
  void bothEndpointsDownIs08001AtGetConnection() throws IOException {
    int deadPooled;
    int deadDirect;
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPooled = a.getLocalPort();
      deadDirect = b.getLocalPort();
    }
    try (NeonDataSource dataSource =
        kit.dataSource(
            unique("ds_all_down"),
            "jdbc:neon://127.0.0.1:"
                + deadPooled
                + "/"
                + stack.database()
                + "?directHost=127.0.0.1&directPort="
                + deadDirect
                + "&sslmode=disable")) {
      dataSource.setConnectionTimeout(1000);
      SQLException error = assertThrows(SQLException.class, dataSource::getConnection);
      assertEquals("08001", error.getSQLState(), error.getMessage());
      assertFalse(error.getMessage().contains(stack.password()));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Terminates a backend as an administrator would, and waits until it has exited. */
  private void terminate(String pid) throws SQLException {
    try (Connection admin = stack.openSuperuser()) {
      assertEquals("t", scalar(admin, "select pg_terminate_backend(" + pid + ", 5000)"));
    }
  }
}

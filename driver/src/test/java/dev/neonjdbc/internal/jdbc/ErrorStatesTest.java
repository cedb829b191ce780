package dev.neonjdbc.internal.jdbc;

import static dev.neonjdbc.internal.jdbc.RoutingFixture.run;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.scalar;
import static dev.neonjdbc.internal.jdbc.RoutingFixture.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * The SQLStates frameworks classify by (Spring's exception translation, HikariCP's eviction, retry
 * libraries), as {@code jdbc:neon:} raises them through {@code DriverManager}: 08003 for a closed
 * connection, 57P01 passed through and then 08006 for a session the server ended, 0A000 for a
 * refusal, 22023 for a bad setting, 08001 for an endpoint that cannot be reached.
 */
@NeonStackTest
class ErrorStatesTest {
  private final NeonStack stack;
  private final RoutingFixture fixture;

  ErrorStatesTest(NeonStack stack) {
    this.stack = stack;
    this.fixture = new RoutingFixture(stack);
  }

  @Test
  void aClosedConnectionAnswers08003AndItsStatements55000() throws SQLException {
    Connection connection = fixture.neon();
    Statement statement = connection.createStatement();
    assertEquals("1", scalar(connection, "select 1"));
    connection.close();
    assertEquals(
        "08003", assertThrows(SQLException.class, connection::createStatement).getSQLState());
    assertEquals("08003", assertThrows(SQLException.class, connection::commit).getSQLState());
    SQLException error = assertThrows(SQLException.class, () -> statement.executeQuery("select 1"));
    // A statement closed with its connection answers as pgJDBC's does (object not in state).
    assertEquals("55000", error.getSQLState(), error.getMessage());
  }

  @Test
  void aTerminatedPinnedBackendIs57P01ThenEveryUseIs08006() throws SQLException {
    assumeFalse("neon".equals(stack.providerName()), "terminates backends as superuser");
    try (Connection connection = fixture.neon()) {
      run(connection, "LISTEN " + unique("errors"));
      String pid = scalar(connection, "select pg_backend_pid()");
      terminate(pid);

      SQLException terminated =
          assertThrows(SQLException.class, () -> scalar(connection, "select 1"));
      assertEquals("57P01", terminated.getSQLState(), terminated.getMessage());
      assertInstanceOf(PSQLException.class, terminated, "pgJDBC's own exception, unchanged");
      assertTrue(connection.isClosed(), "pools ask isClosed() to evict");

      SQLException next = assertThrows(SQLException.class, () -> scalar(connection, "select 1"));
      assertEquals("08006", next.getSQLState(), next.getMessage());
      assertTrue(next.getMessage().contains("direct session"), next.getMessage());
      assertTrue(next.getMessage().contains("LISTEN"), "names the state that is lost");
      SQLException metadata = assertThrows(SQLException.class, connection::getSchema);
      assertEquals("08006", metadata.getSQLState(), metadata.getMessage());
    }
  }

  @Test
  void aTerminatedDirectTransactionFailsCommitWith08006KeepingTheCause() throws SQLException {
    assumeFalse("neon".equals(stack.providerName()), "terminates backends as superuser");
    String table = unique("errors_tx");
    try (Connection connection = fixture.neon()) {
      connection.setAutoCommit(false);
      run(connection, "CREATE TABLE " + table + " (id int)");
      String pid = scalar(connection, "select pg_backend_pid()");
      terminate(pid);
      SQLException terminated =
          assertThrows(
              SQLException.class, () -> run(connection, "INSERT INTO " + table + " VALUES (1)"));
      assertEquals("57P01", terminated.getSQLState(), terminated.getMessage());
      SQLException commit = assertThrows(SQLException.class, connection::commit);
      assertEquals("08006", commit.getSQLState(), commit.getMessage());
      assertInstanceOf(SQLException.class, commit.getCause(), "the session's own answer");
    }
    try (Connection observer = stack.openDirect()) {
      assertEquals(
          "0",
          scalar(observer, "select count(*) from pg_tables where tablename = '" + table + "'"),
          "nothing half-committed");
    }
  }

  @Test
  void aPinInAPooledTransactionThatHasWrittenIsRefusedWith0A000() throws SQLException {
    String table = unique("errors_refusal");
    try (Connection setup = fixture.neon()) {
      run(setup, "CREATE TABLE " + table + " (id int)");
    }
    try (Connection connection = fixture.neon()) {
      connection.setAutoCommit(false);
      run(connection, "INSERT INTO " + table + " VALUES (1)");
      SQLException refused =
          assertThrows(SQLException.class, () -> run(connection, "LISTEN " + table));
      assertEquals("0A000", refused.getSQLState(), refused.getMessage());
      connection.rollback();
      assertFalse(connection.isClosed(), "a refusal leaves the connection usable");
      assertEquals("1", scalar(connection, "select 1"));
      connection.rollback();
    } finally {
      try (Connection cleanup = fixture.neon()) {
        run(cleanup, "DROP TABLE " + table);
      }
    }
  }

  @Test
  void aBadPropertyValueIs22023WithoutThePassword() {
    SQLException error =
        assertThrows(
            SQLException.class,
            () ->
                DriverManager.getConnection(
                    stack.neonJdbcUrl() + "&route=sideways", stack.credentials()));
    assertEquals("22023", error.getSQLState(), error.getMessage());
    assertTrue(error.getMessage().contains("route"), error.getMessage());
    assertFalse(error.getMessage().contains(stack.password()));
  }

  @Test
  void anUnreachableServerIs08001AtGetConnection() throws IOException {
    int closed = closedPort();
    String url =
        "jdbc:neon://127.0.0.1:"
            + closed
            + "/"
            + stack.database()
            + "?directHost=127.0.0.1&directPort="
            + closedPort()
            + "&sslmode=disable&connectTimeout=5";
    SQLException error =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(url, stack.credentials()));
    assertEquals("08001", error.getSQLState(), error.getMessage());
    assertTrue(
        error.getMessage().contains("pooled endpoint 127.0.0.1:" + closed), error.getMessage());
    assertInstanceOf(PSQLException.class, error.getCause(), "pgJDBC's exception kept");
    assertEquals(1, error.getSuppressed().length, "the direct endpoint was tried too");
    assertFalse(error.getMessage().contains(stack.password()));
  }

  @Test
  void directSessionsPidIsWhatTheDiagnosticsReport() throws SQLException {
    // The tests above find the direct backend with pg_backend_pid() on a pinned connection; the
    // public diagnostics agree.
    try (Connection connection = fixture.neon()) {
      run(connection, "LISTEN " + unique("errors_pid"));
      Connection direct =
          connection.unwrap(NeonConnection.class).session(EndpointKind.DIRECT).orElseThrow();
      assertEquals(
          scalar(direct, "select pg_backend_pid()"), scalar(connection, "select pg_backend_pid()"));
    }
  }

  @Test
  void aSavepointOnAClosedConnectionAndTheParentLoggerCarryTheirStates() throws SQLException {
    Connection connection = fixture.neon();
    connection.setAutoCommit(false);
    connection.close();
    assertEquals("08003", assertThrows(SQLException.class, connection::setSavepoint).getSQLState());
    assertEquals(
        "0A000",
        assertThrows(SQLException.class, new dev.neonjdbc.Driver()::getParentLogger).getSQLState());
  }

  /** Terminates a backend as an administrator would, and waits until it has exited. */
  private void terminate(String pid) throws SQLException {
    try (Connection admin = stack.openSuperuser()) {
      assertEquals("t", scalar(admin, "select pg_terminate_backend(" + pid + ", 5000)"));
    }
  }

  /** A loopback port nothing listens on (it was free a moment ago). */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}

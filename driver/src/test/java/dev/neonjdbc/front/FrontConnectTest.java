package dev.neonjdbc.front;

import static dev.neonjdbc.front.FrontSupport.frontOf;
import static dev.neonjdbc.front.FrontSupport.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ServerEndpoint;
import dev.neonjdbc.testkit.front.NeonError;
import dev.neonjdbc.testkit.front.NeonFront;
import dev.neonjdbc.testkit.front.WakePolicy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connect path against the kit's Neon-shaped front: direct TLS, a compute that suspends and
 * wakes, Neon's retryable error, and an authentication error that must not be retried. The front
 * counts what reached it, so the tests see attempts the driver made, not just the outcome.
 */
@NeonStackTest
class FrontConnectTest {
  private static final Duration WAKE_UP = Duration.ofMillis(1500);
  private static final int LOGIN_TIMEOUT_SECONDS = 20;

  private final NeonStack stack;
  private final NeonFront front;

  FrontConnectTest(NeonStack stack) {
    this.stack = stack;
    this.front = frontOf(stack);
  }

  @AfterEach
  void wakeTheCompute() {
    front.wake();
  }

  @Test
  void neonHostsUseDirectTlsAgainstTheFront() throws SQLException {
    long directTls = front.logins("direct-tls");
    long sslRequest = front.logins("tls");
    try (Connection connection = open()) {
      FrontSupport.runThenAsk(connection, "CREATE TEMP TABLE front_tls (v int)", "SELECT 1");
    }
    assertEquals(2, front.logins("direct-tls") - directTls, "pooled and direct, direct TLS");
    assertEquals(0, front.logins("tls") - sslRequest, "no SSLRequest round trip");
  }

  @Test
  void directTlsFalseKeepsTheSslRequest() throws SQLException {
    long sslRequest = front.logins("tls");
    try (Connection connection =
        DriverManager.getConnection(url() + "&directTls=false", stack.credentials())) {
      assertEquals("1", scalar(connection, "SELECT 1"));
    }
    assertEquals(1, front.logins("tls") - sslRequest);
  }

  @Test
  void connectThroughASuspendedComputeWaitsForTheWakeUpWithinTheDeadline() throws SQLException {
    front.suspend(WakePolicy.wakeAfter(WAKE_UP));
    long start = System.nanoTime();
    try (Connection connection = open()) {
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(connection));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertFalse(front.suspended(), "the connect woke the compute");
    assertTrue(took.compareTo(WAKE_UP) >= 0, "waited for the wake-up: " + took);
    assertTrue(took.getSeconds() < LOGIN_TIMEOUT_SECONDS, "within the deadline: " + took);
  }

  @Test
  void neonsRetryableErrorIsRetriedUntilTheComputeAnswers() throws SQLException {
    front.suspend(WakePolicy.failThenWake(2, NeonError.COULD_NOT_CONNECT, Duration.ofMillis(200)));
    FrontSupport.LogTail log = new FrontSupport.LogTail(stack);
    long attempts = front.connectionsAccepted();
    try (Connection connection = open()) {
      assertEquals("1", scalar(connection, "SELECT 1"));
    }
    assertEquals(3, front.connectionsAccepted() - attempts, "two refused connects, then one");
    assertEquals(2, log.count("refused (XX000): Couldn't connect to compute node"));
  }

  @Test
  void plainPgJdbcGetsNeonsRetryableErrorAsIs() {
    front.suspend(WakePolicy.failThenWake(1, NeonError.COULD_NOT_CONNECT, Duration.ZERO));
    SQLException error =
        assertThrows(
            SQLException.class,
            () ->
                DriverManager.getConnection(
                    stack.frontPooledJdbcUrl().orElseThrow(), stack.credentials()));
    assertEquals("XX000", error.getSQLState());
    assertTrue(error.getMessage().contains("Couldn't connect to compute node"), error.getMessage());
  }

  @Test
  void wrongPasswordIsNotRetried() {
    long attempts = front.connectionsAccepted();
    Properties login = stack.credentials();
    login.setProperty("password", "not_" + stack.password());
    SQLException error =
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url(), login));
    // Neon's proxy sends its own errors with SQLState XX000, this one too: the text decides.
    assertEquals("XX000", error.getSQLState(), error.getMessage());
    assertTrue(error.getMessage().contains("password authentication failed"), error.getMessage());
    assertFalse(error.getMessage().contains(stack.password()), "password masked");
    assertEquals(1, front.connectionsAccepted() - attempts, "one attempt only");
  }

  @Test
  void suspendCutsTheSessionAndTheNextConnectionWakesTheCompute() throws SQLException {
    long cut = front.sessionsCut();
    try (Connection connection = open()) {
      assertEquals("1", scalar(connection, "SELECT 1"));
      front.suspend(WakePolicy.wakeAfter(Duration.ofMillis(300)));
      assertThrows(SQLException.class, () -> scalar(connection, "SELECT 1"));
    }
    assertTrue(front.sessionsCut() - cut >= 1, "the front cut the pooled session");
    try (Connection next = open()) {
      assertEquals("1", scalar(next, "SELECT 1"));
    }
    assertFalse(front.suspended());
  }

  private Connection open() throws SQLException {
    return DriverManager.getConnection(url(), stack.credentials());
  }

  private String url() {
    return stack.frontNeonJdbcUrl().orElseThrow() + "&loginTimeout=" + LOGIN_TIMEOUT_SECONDS;
  }
}

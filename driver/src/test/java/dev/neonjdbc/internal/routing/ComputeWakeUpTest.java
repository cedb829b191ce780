package dev.neonjdbc.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.PgBouncerAdmin;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server that is down or starting, as a suspended compute is: logins are retried with backoff
 * until it answers, within one deadline, and the deadline holds even while PgBouncer keeps a login
 * waiting for its server. On a stack of its own, since PostgreSQL is stopped and restarted.
 */
class ComputeWakeUpTest {
  private static final long RESTART_AFTER_MILLIS = 2500;

  private static PrivateStack privateStack;
  private static NeonStack stack;

  @BeforeAll
  static void startStack() throws Exception {
    privateStack = PrivateStack.start("compute-wake-up");
    stack = privateStack.stack();
  }

  @AfterAll
  static void stopStack() {
    if (privateStack != null) {
      privateStack.close();
    }
  }

  @AfterEach
  void postgresIsUpAgain() throws Exception {
    try (Connection ignored = stack.openDirect()) {
      return;
    } catch (SQLException down) {
      privateStack.startPostgres();
    }
  }

  /**
   * PgBouncer completes a login without a server only when it has seen one before for that pool (it
   * answers from the server's parameters it cached). The single-backend database's pool is never
   * reached in this class, so with the database paused its logins wait for real.
   */
  @Test
  void loginTimeoutHoldsWhilePgBouncerQueuesTheLogin() throws Exception {
    Properties properties = stack.credentials();
    properties.setProperty("loginTimeout", "3");
    properties.setProperty("connectTimeout", "3");
    properties.setProperty("connectRetry", "false");
    assertConnectEndsAtTheDeadline(stack.singleBackendDatabase(), properties);
  }

  @Test
  void loginTimeoutHoldsThroughTheTunnelWhilePgBouncerQueuesTheLogin() throws Exception {
    Properties properties = stack.credentials();
    properties.setProperty("transport", "websocket");
    properties.setProperty("webSocketUrl", stack.webSocketUrlTemplate());
    properties.setProperty("webSocketPipelineConnect", "false"); // PgBouncer asks for SCRAM
    properties.setProperty("loginTimeout", "3");
    properties.setProperty("connectRetry", "false");
    assertConnectEndsAtTheDeadline(stack.singleBackendDatabase(), properties);
  }

  /**
   * Where PgBouncer does complete the login from its cache, pgJDBC's own query after login (SET
   * application_name, without startupParameters) is what waits for the server: the deadline covers
   * it too, since it is part of opening the session.
   */
  @Test
  void loginTimeoutCoversPgJdbcsQueryAfterLogin() throws Exception {
    Properties properties = stack.credentials();
    properties.setProperty("loginTimeout", "3");
    properties.setProperty("startupParameters", "false");
    properties.setProperty("connectRetry", "false");
    assertConnectEndsAtTheDeadline(stack.database(), properties);
  }

  private static void assertConnectEndsAtTheDeadline(String database, Properties properties)
      throws Exception {
    PgBouncerAdmin admin = stack.pgbouncerAdmin().orElseThrow();
    admin.command("PAUSE " + database);
    try {
      String url =
          "jdbc:neon://127.0.0.1:"
              + stack.pooledPort()
              + "/"
              + database
              + "?"
              + stack.sslParameters();
      long start = System.nanoTime();
      SQLException error =
          assertThrows(
              SQLException.class, () -> new dev.neonjdbc.Driver().connect(url, properties).close());
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals("08001", error.getSQLState(), error.getMessage());
      assertTrue(error.getMessage().contains("loginTimeout"), error.getMessage());
      assertTrue(millis >= 2900 && millis < 4500, "returned after " + millis + " ms");
    } finally {
      admin.command("RESUME " + database);
    }
  }

  @Test
  void loginTimeoutHoldsAcrossRetriesWhileTheServerStaysDown() throws Exception {
    privateStack.stopPostgres();
    Properties properties = stack.credentials();
    properties.setProperty("loginTimeout", "3");
    properties.setProperty("connectRetry", "true");
    long start = System.nanoTime();
    SQLException error =
        assertThrows(
            SQLException.class,
            () -> new dev.neonjdbc.Driver().connect(url(stack.directPort()), properties).close());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals("08001", error.getSQLState(), error.getMessage());
    assertTrue(error.getMessage().contains("attempts"), error.getMessage());
    assertTrue(millis >= 1500 && millis < 4500, "returned after " + millis + " ms");
  }

  @Test
  void refusedConnectsDuringARestartAreRetriedAndSucceedWithinTheDeadline() throws Exception {
    privateStack.stopPostgres();
    Properties properties = stack.credentials();
    properties.setProperty("loginTimeout", "30");
    properties.setProperty("connectRetry", "true");
    CompletableFuture<Void> restart = restartLater();
    long start = System.nanoTime();
    try (Connection connection =
        new dev.neonjdbc.Driver().connect(url(stack.directPort()), properties)) {
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(1, scalar(connection, "SELECT 1"));
      assertTrue(millis >= RESTART_AFTER_MILLIS, "connected after " + millis + " ms");
    }
    restart.get(60, TimeUnit.SECONDS);
  }

  @Test
  void aLoginPgBouncerQueuesDuringARestartCompletesWhenTheServerIsBack() throws Exception {
    privateStack.stopPostgres();
    Properties properties = stack.credentials();
    properties.setProperty("loginTimeout", "30");
    properties.setProperty("connectRetry", "true");
    CompletableFuture<Void> restart = restartLater();
    try (Connection connection =
        new dev.neonjdbc.Driver().connect(url(stack.pooledPort()), properties)) {
      assertEquals(1, scalar(connection, "SELECT 1"));
    }
    restart.get(60, TimeUnit.SECONDS);
  }

  @Test
  void withoutRetriesARefusedConnectFailsAtOnce() throws Exception {
    privateStack.stopPostgres();
    Properties properties = stack.credentials();
    properties.setProperty("connectRetry", "false");
    long start = System.nanoTime();
    SQLException error =
        assertThrows(
            SQLException.class,
            () -> new dev.neonjdbc.Driver().connect(url(stack.directPort()), properties).close());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals("08001", error.getSQLState(), error.getMessage());
    assertTrue(millis < 1500, "returned after " + millis + " ms");
  }

  private static CompletableFuture<Void> restartLater() {
    return CompletableFuture.runAsync(
        () -> {
          try {
            Thread.sleep(RESTART_AFTER_MILLIS);
            privateStack.startPostgres();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** A single-endpoint jdbc:neon: URL: plain pgJDBC's behaviour but for the connect path. */
  private static String url(int port) {
    return "jdbc:neon://127.0.0.1:" + port + "/" + stack.database() + "?" + stack.sslParameters();
  }

  private static int scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getInt(1);
    }
  }
}

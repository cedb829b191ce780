package dev.neonjdbc.internal.transport;

import static dev.neonjdbc.internal.transport.TunnelFixture.run;
import static dev.neonjdbc.internal.transport.TunnelFixture.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * What pgJDBC builds on socket behaviour: LISTEN/NOTIFY (polls with {@code SO_TIMEOUT} of 1 ms),
 * cancel requests (a second tunnel), query and socket timeouts.
 */
@NeonStackTest
class TunnelTimeoutsAndNotificationsTest {
  private final NeonStack stack;
  private final TunnelFixture fixture;

  TunnelTimeoutsAndNotificationsTest(NeonStack stack) {
    this.stack = stack;
    this.fixture = new TunnelFixture(stack);
  }

  @BeforeEach
  void needsTheKitsProxy() {
    assumeFalse("neon".equals(stack.providerName()), "the kit's proxy relays to local servers");
  }

  @Test
  void listenReceivesNotificationsThroughTheTunnel() throws SQLException {
    String channel = TunnelFixture.unique("ws_channel");
    try (Connection listener = fixture.direct(fixture.secure());
        Connection notifier = fixture.direct(fixture.secure())) {
      run(listener, "listen " + channel);
      PGConnection pg = listener.unwrap(PGConnection.class);
      assertEquals(0, pg.getNotifications().length, "nothing yet (a 1 ms poll that times out)");
      run(notifier, "select pg_notify('" + channel + "', 'hello')");
      PGNotification[] received = pg.getNotifications(5000);
      assertNotNull(received);
      assertEquals(1, received.length);
      assertEquals("hello", received[0].getParameter());
      assertEquals("1", scalar(listener, "select 1"), "the connection is still in step");
    }
  }

  @Test
  void statementCancelStopsALongQuery() throws Exception {
    try (Connection connection = fixture.direct(fixture.secure());
        Statement statement = connection.createStatement()) {
      CompletableFuture<Void> cancel =
          CompletableFuture.runAsync(
              () -> {
                try {
                  Thread.sleep(300);
                  statement.cancel();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      long start = System.nanoTime();
      SQLException error =
          assertThrows(SQLException.class, () -> statement.execute("select pg_sleep(30)"));
      cancel.get(5, TimeUnit.SECONDS);
      assertEquals("57014", error.getSQLState(), error.getMessage());
      assertTrue(elapsed(start).toSeconds() < 10, "cancelled in " + elapsed(start));
      assertEquals("1", scalar(connection, "select 1"));
    }
  }

  @Test
  void queryTimeoutCancelsThroughTheTunnel() throws SQLException {
    try (Connection connection = fixture.direct(fixture.plain());
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(1);
      long start = System.nanoTime();
      SQLException error =
          assertThrows(SQLException.class, () -> statement.execute("select pg_sleep(30)"));
      assertEquals("57014", error.getSQLState(), error.getMessage());
      assertTrue(elapsed(start).toSeconds() < 10, "timed out in " + elapsed(start));
      assertEquals("1", scalar(connection, "select 1"));
    }
  }

  @Test
  void socketTimeoutEndsAConnectionWhoseServerIsSilent() throws SQLException {
    Properties properties = fixture.plain();
    properties.setProperty("socketTimeout", "1");
    try (Connection connection = fixture.direct(properties);
        Statement statement = connection.createStatement()) {
      long start = System.nanoTime();
      SQLException error =
          assertThrows(SQLException.class, () -> statement.execute("select pg_sleep(30)"));
      Duration took = elapsed(start);
      assertTrue(took.toMillis() >= 900 && took.toSeconds() < 5, "failed after " + took);
      assertEquals("08006", error.getSQLState(), error.getMessage());
    }
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}

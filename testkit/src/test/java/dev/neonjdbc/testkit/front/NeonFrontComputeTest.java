package dev.neonjdbc.testkit.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A compute that suspends and wakes: the wake-up delay, retryable errors, sessions cut. */
class NeonFrontComputeTest {
  @TempDir static Path certificates;
  private static FrontFixture fixture;

  @BeforeAll
  static void startFront() throws Exception {
    fixture = FrontFixture.start(certificates);
  }

  @AfterEach
  void wakeUp() {
    fixture.front.wake();
  }

  @AfterAll
  static void stopFront() {
    fixture.close();
    assertEquals(0, fixture.front.liveThreads(), "threads left behind after close");
  }

  @Test
  void connectToASuspendedComputeWaitsForTheWakeUpThenWorks() throws Exception {
    Duration wakeUp = Duration.ofMillis(1500);
    fixture.front.suspend(WakePolicy.wakeAfter(wakeUp));
    assertTrue(fixture.front.suspended());
    long start = System.nanoTime();
    try (Connection direct = fixture.connect(fixture.url(fixture.front.directHostName(), ""))) {
      assertEquals("1", FrontFixture.scalar(direct, "SELECT 1"));
    }
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMillis >= wakeUp.toMillis(), "connect took " + tookMillis + " ms");
    assertFalse(fixture.front.suspended(), "the connect woke the compute");
  }

  @Test
  void connectsWhileTheComputeStartsGetNeonsRetryableErrors() throws Exception {
    String url = fixture.url(fixture.front.pooledHostName(), "channelBinding=require");
    fixture.front.suspend(WakePolicy.failThenWake(2, NeonError.COULD_NOT_CONNECT, Duration.ZERO));
    for (int attempt = 1; attempt <= 2; attempt++) {
      SQLException e = assertThrows(SQLException.class, () -> fixture.connect(url));
      assertEquals("ERROR: Couldn't connect to compute node", e.getMessage(), "attempt " + attempt);
      assertEquals("XX000", e.getSQLState());
    }
    try (Connection third = fixture.connect(url)) {
      assertEquals("1", FrontFixture.scalar(third, "SELECT 1"));
    }

    fixture.front.suspend(WakePolicy.alwaysFail(NeonError.CONTROL_PLANE_REQUEST_FAILED));
    SQLException e = assertThrows(SQLException.class, () -> fixture.connect(url));
    assertEquals("ERROR: Control plane request failed", e.getMessage());
    assertTrue(NeonError.CONTROL_PLANE_REQUEST_FAILED.retryable());
    fixture.front.wake();
    try (Connection afterWake = fixture.connect(url)) {
      assertEquals("1", FrontFixture.scalar(afterWake, "SELECT 1"));
    }
  }

  @Test
  void suspendCutsSessionsWithPostgresShutdownErrorAndEndsTheirBackends() throws Exception {
    try (Connection pooled = fixture.connect(fixture.url(fixture.front.pooledHostName(), ""));
        Connection direct = fixture.connect(fixture.url(fixture.front.directHostName(), ""))) {
      int directBackend = Integer.parseInt(FrontFixture.scalar(direct, "SELECT pg_backend_pid()"));
      FrontFixture.scalar(pooled, "SELECT 1");
      assertEquals(2, fixture.front.openSessions());

      fixture.front.suspend(WakePolicy.wakeAfter(Duration.ZERO));

      for (Connection cut : new Connection[] {pooled, direct}) {
        SQLException e =
            assertThrows(SQLException.class, () -> FrontFixture.scalar(cut, "SELECT 1"));
        assertEquals("57P01", e.getSQLState(), e.getMessage());
        assertTrue(
            e.getMessage().contains("terminating connection due to administrator command"),
            e.getMessage());
      }
      assertTrue(backendGone(directBackend), "the direct backend " + directBackend + " ended");
      assertEquals(0, fixture.front.openSessions());
    }
    try (Connection again = fixture.connect(fixture.url(fixture.front.pooledHostName(), ""))) {
      assertEquals("1", FrontFixture.scalar(again, "SELECT 1"));
    }
  }

  private static boolean backendGone(int pid) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try (Connection observer = fixture.stack.openDirect();
        PreparedStatement query =
            observer.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
      query.setInt(1, pid);
      while (System.nanoTime() < deadline) {
        try (ResultSet row = query.executeQuery()) {
          row.next();
          if (row.getInt(1) == 0) {
            return true;
          }
        }
        Thread.sleep(50);
      }
    }
    return false;
  }
}

package dev.neonjdbc.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.internal.config.ConnectionSettings;
import dev.neonjdbc.internal.config.Environment;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Turns, down periods and the read-your-writes window, on a clock the test moves. */
class ReplicaSetTest {
  private static final String URL =
      "jdbc:neon://primary.internal:6432/app?directPort=5432"
          + "&replicaHosts=r1.internal,r2.internal,r3.internal"
          + "&replicaDownFor=30&replicaReadAfterWrite=1000";

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private ReplicaSet set(String url) throws SQLException {
    return new ReplicaSet(ConnectionSettings.parse(url, null, Environment.of(Map.of())), now::get);
  }

  private static final SQLException REFUSED = new SQLException("Connection refused", "08001");

  @Test
  void connectionsTakeTheReplicasInTurnSkippingOnesThatAreDown() throws SQLException {
    ReplicaSet set = set(URL);
    assertEquals(0, set.pick());
    assertEquals(1, set.pick());
    assertEquals(2, set.pick());
    assertEquals(0, set.pick());
    set.markDown(1, REFUSED);
    assertEquals(2, set.pick()); // the turn of 1 goes to the next one up
    assertEquals(2, set.pick());
    assertEquals(0, set.pick());
    assertEquals(2, set.pick());
    set.markDown(0, REFUSED);
    set.markDown(2, REFUSED);
    assertEquals(-1, set.pick(), "every replica is down");
  }

  @Test
  void aDownPeriodIsReportedOnceAndEndsAfterReplicaDownFor() throws SQLException {
    ReplicaSet set = set(URL);
    assertTrue(set.markDown(0, REFUSED), "the first report begins the period");
    now.addAndGet(29_000_000_000L);
    assertFalse(set.markDown(0, REFUSED), "a second report in the period is not logged");
    assertTrue(set.isDown(0));
    now.addAndGet(1_000_000_001L);
    assertFalse(set.isDown(0), "up again after 30 s");
    assertTrue(set.markDown(0, REFUSED), "a new failure begins a new period");
  }

  @Test
  void aThreadReadsThePrimaryForTheWindowAfterItWrote() throws Exception {
    ReplicaSet set = set(URL);
    assertFalse(set.readsPrimaryAfterWrite());
    set.recordWrite();
    assertTrue(set.readsPrimaryAfterWrite());
    AtomicBoolean otherThread = new AtomicBoolean(true);
    Thread other = new Thread(() -> otherThread.set(set.readsPrimaryAfterWrite()));
    other.start();
    other.join();
    assertFalse(otherThread.get(), "another thread's writes do not count");
    now.addAndGet(999_000_000L);
    assertTrue(set.readsPrimaryAfterWrite());
    now.addAndGet(1_000_000L);
    assertFalse(set.readsPrimaryAfterWrite(), "the window is over");
  }

  @Test
  void aZeroWindowTurnsReadYourWritesOff() throws SQLException {
    ReplicaSet set = set(URL.replace("replicaReadAfterWrite=1000", "replicaReadAfterWrite=0"));
    set.recordWrite();
    assertFalse(set.readsPrimaryAfterWrite());
  }

  @Test
  void equalSettingsShareOneSetAndOthersDoNot() throws SQLException {
    Environment none = Environment.of(Map.of());
    ReplicaSet first = ReplicaSet.forSettings(ConnectionSettings.parse(URL, null, none));
    ReplicaSet again = ReplicaSet.forSettings(ConnectionSettings.parse(URL, null, none));
    ReplicaSet other =
        ReplicaSet.forSettings(
            ConnectionSettings.parse(URL.replace("r3.internal", "r4.internal"), null, none));
    assertSame(first, again);
    assertNotSame(first, other);
    assertNull(
        ReplicaSet.forSettings(
            ConnectionSettings.parse("jdbc:neon://primary.internal/app", null, none)));
  }
}

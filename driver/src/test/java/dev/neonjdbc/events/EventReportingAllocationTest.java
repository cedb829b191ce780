package dev.neonjdbc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.routing.EventReporter;
import dev.neonjdbc.internal.routing.StatementKeywords;
import dev.neonjdbc.spi.NeonEvents;
import dev.neonjdbc.spi.RoutingEvents;
import dev.neonjdbc.spi.StatementKind;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The per-statement reporting path allocates nothing: with nobody listening it measures nothing
 * (start() is 0, and callers skip the rest); with a registered listener the statement's kind, the
 * fan-out and the listener's counting allocate nothing either. Measured with the JVM's per-thread
 * allocation counter over many iterations, after a warm-up. (The DEBUG log, off here, formats its
 * lines only when enabled.)
 */
class EventReportingAllocationTest {
  private static final int ROUNDS = 200_000;
  private static final String SQL = "/* neon:pooled */ select * from accounts where id = $1";

  /** A JVM that logs the events at DEBUG (a run at TRACE) formats lines: nothing to measure. */
  @BeforeEach
  void eventsLogIsOff() {
    assumeFalse(LoggerFactory.getLogger(EventReporter.LOGGER).isDebugEnabled());
  }

  @Test
  void nobodyListeningMeansNothingIsMeasured() {
    assertFalse(NeonEvents.hasListeners());
    EventReporter reporter = EventReporter.of(RoutingEvents.NONE);
    assertFalse(reporter.active());
    assertEquals(0, reporter.start());
    long allocated = allocatedBy(() -> reporter.start());
    assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
  }

  @Test
  void aRegisteredListenerIsReportedToWithoutAllocating() throws Exception {
    LongAdder finished = new LongAdder();
    RoutingEvents counting =
        new RoutingEvents() {
          @Override
          public void statementFinished(EndpointKind endpoint, StatementKind kind, long nanos) {
            if (kind == StatementKind.SELECT) {
              finished.increment();
            }
          }
        };
    EventReporter reporter = EventReporter.of(RoutingEvents.NONE);
    try (AutoCloseable registration = NeonEvents.register(counting)) {
      assertTrue(reporter.active());
      Runnable statement =
          () -> {
            long started = reporter.start();
            reporter.statementRouted(EndpointKind.POOLED);
            reporter.statementFinished(
                EndpointKind.POOLED, StatementKeywords.kind(SQL), System.nanoTime() - started);
          };
      long allocated = allocatedBy(statement);
      assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
    }
    assertEquals(2L * ROUNDS, finished.sum());
    assertFalse(NeonEvents.hasListeners(), "closing the registration removes the listener");
  }

  @Test
  void statementKindsAreTheFirstKeywordFromAFixedSet() {
    assertEquals(StatementKind.SELECT, StatementKeywords.kind(SQL));
    assertEquals(StatementKind.LISTEN, StatementKeywords.kind("  -- x\n listen  foo"));
    assertEquals(StatementKind.CREATE, StatementKeywords.kind("(CREATE TEMP TABLE t (id int))"));
    assertEquals(
        StatementKind.WITH, StatementKeywords.kind("with x as (select 1) select * from x"));
    assertEquals(StatementKind.OTHER, StatementKeywords.kind("selectx 1"));
    assertEquals(StatementKind.OTHER, StatementKeywords.kind("PIN_DIRECT"));
    assertEquals(StatementKind.OTHER, StatementKeywords.kind(""));
    assertEquals(StatementKind.OTHER, StatementKeywords.kind(null));
    assertEquals(StatementKind.DISCARD, StatementKind.ofKeyword("Discard"));
  }

  /** Bytes the current thread allocated in ROUNDS runs of {@code body}, after a warm-up. */
  private static long allocatedBy(Runnable body) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int i = 0; i < ROUNDS; i++) {
      body.run();
    }
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < ROUNDS; i++) {
      body.run();
    }
    return threads.getThreadAllocatedBytes(thread) - before;
  }
}

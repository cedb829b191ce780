package dev.neonjdbc.micrometer;

import static dev.neonjdbc.micrometer.KnownSequence.DIRECT_OK;
import static dev.neonjdbc.micrometer.KnownSequence.POOLED_ERROR;
import static dev.neonjdbc.micrometer.KnownSequence.POOLED_OK;
import static dev.neonjdbc.micrometer.KnownSequence.eventLines;
import static dev.neonjdbc.micrometer.KnownSequence.logged;
import static dev.neonjdbc.micrometer.KnownSequence.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The meters by value after a known sequence of statements ({@link KnownSequence}) on the kit's
 * stack: through a NeonDataSource (its own binding, its direct pool's HikariCP meters) and through
 * DriverManager (the global binding); and the same events as DEBUG lines of dev.neonjdbc.events.
 */
@NeonStackTest
class NeonMetricsTest {
  private final NeonStack stack;

  NeonMetricsTest(NeonStack stack) {
    this.stack = stack;
  }

  @Test
  void dataSourceMetersCountTheKnownSequenceExactly() throws Exception {
    String name = unique("metrics_ds");
    MeterRegistry registry = new SimpleMeterRegistry();
    String log;
    try (NeonDataSource dataSource = new NeonDataSource(stack.neonJdbcUrl());
        NeonMetrics metrics = new NeonMetrics(dataSource)) {
      dataSource.setUser(stack.user());
      dataSource.setPassword(stack.password());
      dataSource.setPoolName(name);
      metrics.bindTo(registry);
      log =
          logged(
              () -> {
                try (Connection connection = dataSource.getConnection()) {
                  KnownSequence.run(connection, name);
                }
              });

      assertEquals(POOLED_OK, statements(registry, "pooled", "ok"));
      assertEquals(POOLED_ERROR, statements(registry, "pooled", "error"));
      assertEquals(DIRECT_OK, statements(registry, "direct", "ok"));
      assertEquals(0, statements(registry, "direct", "error"));
      assertEquals(0, statements(registry, "replica", "ok"));
      assertEquals(1, count(registry.get(NeonMetrics.PINS).tag("cause", "LISTEN").counter()));
      assertEquals(1, registry.get(NeonMetrics.PINS).counters().size(), "only LISTEN pinned");
      assertEquals(1, count(registry.get(NeonMetrics.UNPINS).counter()));
      assertEquals(
          1, count(registry.get(NeonMetrics.REFUSALS).tag("statement", "LISTEN").counter()));
      assertEquals(1, count(registry.get(NeonMetrics.TRANSACTIONS_MOVED).counter()));
      // CREATE TABLE; the moved transaction; LISTEN until UNLISTEN ended the pin.
      assertEquals(3, count(registry.get(NeonMetrics.DIRECT_BORROWS).counter()));
      Timer held = registry.get(NeonMetrics.DIRECT_BORROW_TIME).timer();
      assertEquals(3, held.count());
      assertTrue(held.totalTime(TimeUnit.NANOSECONDS) > 0);
      assertEquals(1, connects(registry, "pooled", "ok"));
      assertEquals(1, connects(registry, "direct", "ok"));
      assertEquals(0, connects(registry, "pooled", "error"));
      assertTrue(
          registry
                  .get(NeonMetrics.CONNECTS)
                  .tag("endpoint", "direct")
                  .timer()
                  .totalTime(TimeUnit.NANOSECONDS)
              > 0);
      assertEquals(
          0, count(registry.get(NeonMetrics.CONNECT_RETRIES).tag("endpoint", "pooled").counter()));

      // The data source's own counters agree (they listen to the same events).
      assertEquals(POOLED_OK + POOLED_ERROR, dataSource.stats().pooledStatements());
      assertEquals(DIRECT_OK, dataSource.stats().directStatements());
      assertEquals(3, dataSource.stats().directBorrows());

      // HikariCP's own meters of the direct pool, wired by bindTo before the first connection.
      assertNotNull(
          registry.find("hikaricp.connections").tag("pool", name + "-direct").gauge(),
          registry.getMeters().toString());
      assertNull(registry.find("hikaricp.connections").tag("pool", name + "-pooled").gauge());
    }

    assertEquals(POOLED_OK, eventLines(log, "on pooled ok in"), log);
    assertEquals(POOLED_ERROR, eventLines(log, "on pooled failed in"), log);
    assertEquals(1, eventLines(log, "SQLState 42P01"), log);
    assertEquals(DIRECT_OK, eventLines(log, "on direct ok in"), log);
    assertEquals(1, eventLines(log, "pinned to direct by LISTEN"), log);
    assertEquals(1, eventLines(log, "statement LISTEN refused"), log);
    assertEquals(1, eventLines(log, "transaction moved from pooled to direct"), log);
    assertEquals(3, eventLines(log, "direct session borrowed"), log);
    assertEquals(3, eventLines(log, "direct session returned after"), log);
    assertEquals(1, eventLines(log, "connect to pooled ok in"), log);
    assertEquals(1, eventLines(log, "connect to direct ok in"), log);
  }

  @Test
  void driverManagerConnectionsCountThroughTheGlobalBinding() throws Exception {
    String name = unique("metrics_dm");
    MeterRegistry registry = new SimpleMeterRegistry();
    String log;
    try (NeonMetrics metrics = NeonMetrics.global()) {
      metrics.bindTo(registry);
      log =
          logged(
              () -> {
                try (Connection connection =
                    DriverManager.getConnection(
                        stack.neonJdbcUrl(), stack.user(), stack.password())) {
                  KnownSequence.run(connection, name);
                }
              });
    }
    // Closed: later connections no longer count.
    try (Connection connection =
        DriverManager.getConnection(stack.neonJdbcUrl(), stack.user(), stack.password())) {
      connection.createStatement().execute("SELECT 1");
    }

    assertEquals(POOLED_OK, statements(registry, "pooled", "ok"));
    assertEquals(POOLED_ERROR, statements(registry, "pooled", "error"));
    assertEquals(DIRECT_OK, statements(registry, "direct", "ok"));
    assertEquals(0, statements(registry, "direct", "error"));
    assertEquals(1, count(registry.get(NeonMetrics.PINS).tag("cause", "LISTEN").counter()));
    assertEquals(1, count(registry.get(NeonMetrics.UNPINS).counter()));
    assertEquals(1, count(registry.get(NeonMetrics.REFUSALS).tag("statement", "LISTEN").counter()));
    assertEquals(1, count(registry.get(NeonMetrics.TRANSACTIONS_MOVED).counter()));
    // DriverManager holds its sessions until close: nothing is lent.
    assertEquals(0, count(registry.get(NeonMetrics.DIRECT_BORROWS).counter()));
    assertEquals(1, connects(registry, "pooled", "ok"));
    assertEquals(1, connects(registry, "direct", "ok"));

    assertEquals(POOLED_OK, eventLines(log, "on pooled ok in"), log);
    assertEquals(POOLED_ERROR, eventLines(log, "on pooled failed in"), log);
    assertEquals(DIRECT_OK, eventLines(log, "on direct ok in"), log);
    assertEquals(1, eventLines(log, "pinned to direct by LISTEN"), log);
    assertEquals(0, eventLines(log, "session borrowed"), log);
  }

  @Test
  void aFailedConnectIsTimedAsAnError() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    String url = "jdbc:neon://127.0.0.1:1/" + stack.database() + "?connectRetry=false";
    try (NeonMetrics metrics = NeonMetrics.global()) {
      metrics.bindTo(registry);
      java.sql.SQLException refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.sql.SQLException.class,
              () -> DriverManager.getConnection(url, stack.user(), stack.password()));
      assertTrue(refused.getSQLState().startsWith("08"), refused.getSQLState());
    }
    assertEquals(1, connects(registry, "direct", "error") + connects(registry, "pooled", "error"));
    assertEquals(0, connects(registry, "direct", "ok") + connects(registry, "pooled", "ok"));
  }

  private static long statements(MeterRegistry registry, String endpoint, String outcome) {
    return registry
        .get(NeonMetrics.STATEMENTS)
        .tag("endpoint", endpoint)
        .tag("outcome", outcome)
        .timer()
        .count();
  }

  private static long connects(MeterRegistry registry, String endpoint, String outcome) {
    return registry
        .get(NeonMetrics.CONNECTS)
        .tag("endpoint", endpoint)
        .tag("outcome", outcome)
        .timer()
        .count();
  }

  private static long count(Counter counter) {
    return (long) counter.count();
  }
}

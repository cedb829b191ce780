package dev.neonjdbc.internal.transport;

import static dev.neonjdbc.internal.transport.TunnelFixture.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** No thread outlives its connection: the census is the same before and after many cycles. */
@NeonStackTest
class TunnelThreadCensusTest {
  private static final int CYCLES = 200;

  @Test
  void twoHundredConnectCloseCyclesLeaveNoThreadBehind(NeonStack stack) throws Exception {
    assumeFalse("neon".equals(stack.providerName()), "the kit's proxy relays to local servers");
    TunnelFixture fixture = new TunnelFixture(stack);
    Properties properties = fixture.plain();
    try (Connection warmUp = fixture.direct(properties)) {
      scalar(warmUp, "select 1");
    }
    Map<String, Integer> before = settledCensus(null);
    for (int i = 0; i < CYCLES; i++) {
      try (Connection connection = fixture.direct(properties)) {
        if (i % 20 == 0) {
          assertEquals("1", scalar(connection, "select 1"));
        }
      }
    }
    assertEquals(before, settledCensus(before));
  }

  /** Thread names (digits dropped) and counts, once they stop changing or match {@code goal}. */
  private static Map<String, Integer> settledCensus(Map<String, Integer> goal)
      throws InterruptedException {
    Map<String, Integer> census = census();
    for (int attempt = 0; attempt < 50 && !census.equals(goal); attempt++) {
      Thread.sleep(100);
      Map<String, Integer> next = census();
      if (goal == null && next.equals(census)) {
        return next;
      }
      census = next;
    }
    return census;
  }

  private static Map<String, Integer> census() {
    Map<String, Integer> census = new TreeMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      // The login deadline's one shared timer belongs to no connection: it starts on the first
      // deadline and ends by itself after a few idle seconds, whenever that falls.
      if (thread.isAlive() && !thread.getName().equals("neon-jdbc-login-deadline")) {
        census.merge(thread.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
      }
    }
    return census;
  }
}

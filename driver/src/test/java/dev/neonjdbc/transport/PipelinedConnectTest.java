package dev.neonjdbc.transport;

import static dev.neonjdbc.transport.TunnelFixture.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.relay.LatencyRelay;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code webSocketPipelineConnect} saves a round trip: measured through the kit's latency relay at
 * 20 ms round trip, in front of the WebSocket proxy.
 */
@NeonStackTest
class PipelinedConnectTest {
  private static final Duration RTT = Duration.ofMillis(20);
  private static final int RUNS = 7;

  @Test
  void pipeliningMakesConnectAndFirstQueryAtLeastOneRoundTripFaster(NeonStack stack)
      throws SQLException {
    assumeTrue(stack.tunnelUsesCleartextPassword(), "needs cleartext auth for tunnels");
    TunnelFixture fixture = new TunnelFixture(stack);
    WebSocketProxyRelay relay = new WebSocketProxyRelay(stack);
    try (LatencyRelay latency = relay.latency) {
      Properties plain = fixture.tunnel(relay.template());
      plain.setProperty("webSocketPipelineConnect", "false");
      Properties pipelined = fixture.tunnel(relay.template());
      pipelined.setProperty("webSocketPipelineConnect", "true");
      connectAndQuery(fixture, plain); // warm up class loading and JIT on both paths
      connectAndQuery(fixture, pipelined);
      // Interleaved, and the fastest of each: load on the machine only ever adds time.
      double plainRtts = Double.MAX_VALUE;
      double pipelinedRtts = Double.MAX_VALUE;
      for (int i = 0; i < RUNS; i++) {
        plainRtts = Math.min(plainRtts, rtts(connectAndQuery(fixture, plain)));
        pipelinedRtts = Math.min(pipelinedRtts, rtts(connectAndQuery(fixture, pipelined)));
      }
      System.out.printf(
          "connect + first query through ws:// at %d ms RTT: %.2f RTT without pipelining, %.2f"
              + " RTT with%n",
          RTT.toMillis(), plainRtts, pipelinedRtts);
      assertTrue(
          plainRtts - pipelinedRtts >= 0.9,
          "without " + plainRtts + " RTT, with " + pipelinedRtts + " RTT");
    }
  }

  private static double rtts(long nanos) {
    return (double) nanos / RTT.toNanos();
  }

  private static long connectAndQuery(TunnelFixture fixture, Properties properties)
      throws SQLException {
    long start = System.nanoTime();
    try (Connection connection = fixture.direct(properties)) {
      assertEquals("1", scalar(connection, "select 1"));
      return System.nanoTime() - start; // closing is not part of it
    }
  }

  /** The latency relay in front of the kit's plain WebSocket proxy. */
  private static final class WebSocketProxyRelay {
    final LatencyRelay latency;

    WebSocketProxyRelay(NeonStack stack) {
      this.latency = stack.latencyRelay("127.0.0.1", stack.webSocketProxyPort(), RTT);
    }

    String template() {
      return "ws://127.0.0.1:" + latency.port() + "/v1?address={host}:{port}";
    }
  }
}

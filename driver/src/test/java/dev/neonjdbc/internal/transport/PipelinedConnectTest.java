package dev.neonjdbc.internal.transport;

import static dev.neonjdbc.internal.transport.TunnelFixture.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * {@code webSocketPipelineConnect} saves a round trip: counted as the client's flights through the
 * kit's latency relay in front of the WebSocket proxy (see {@link LatencyRelay#clientFlights()}),
 * which does not depend on how fast the machine is.
 */
@NeonStackTest
class PipelinedConnectTest {
  private static final Duration RTT = Duration.ofMillis(20);

  @Test
  void pipeliningMakesConnectAndFirstQueryOneRoundTripShorter(NeonStack stack) throws SQLException {
    assumeTrue(stack.tunnelUsesCleartextPassword(), "needs cleartext auth for tunnels");
    TunnelFixture fixture = new TunnelFixture(stack);
    try (LatencyRelay relay = stack.latencyRelay("127.0.0.1", stack.webSocketProxyPort(), RTT)) {
      String template = "ws://127.0.0.1:" + relay.port() + "/v1?address={host}:{port}";
      Properties plain = fixture.tunnel(template);
      plain.setProperty("webSocketPipelineConnect", "false");
      Properties pipelined = fixture.tunnel(template);
      pipelined.setProperty("webSocketPipelineConnect", "true");

      int plainFlights = connectAndQuery(fixture, plain, relay);
      int pipelinedFlights = connectAndQuery(fixture, pipelined, relay);
      System.out.printf(
          "connect + first query through ws://: %d round trips without pipelining, %d with%n",
          plainFlights, pipelinedFlights);
      assertEquals(plainFlights - 1, pipelinedFlights, "pipelining saves exactly one round trip");
      // WebSocket upgrade, startup + password, the query.
      assertEquals(3, pipelinedFlights);
    }
  }

  /** The client's flights for a connect and its first query (closing is not part of it). */
  private static int connectAndQuery(
      TunnelFixture fixture, Properties properties, LatencyRelay relay) throws SQLException {
    relay.resetClientFlights();
    try (Connection connection = fixture.direct(properties)) {
      assertEquals("1", scalar(connection, "select 1"));
      return relay.clientFlights();
    }
  }
}

package dev.neonjdbc.internal.transport;

import static dev.neonjdbc.internal.transport.TunnelFixture.run;
import static dev.neonjdbc.internal.transport.TunnelFixture.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Routing is unchanged when both endpoints are reached through the tunnel. */
@NeonStackTest
class TunnelRoutingTest {

  @Test
  void statementsAreRoutedWithBothEndpointsTunnelled(NeonStack stack) throws SQLException {
    assumeFalse("neon".equals(stack.providerName()), "the kit's proxy relays to local servers");
    TunnelFixture fixture = new TunnelFixture(stack);
    String table = TunnelFixture.unique("ws_routed");
    long tunnelsBefore = stack.secureWebSocketProxy().tunnelsOpened();
    try (Connection connection =
        DriverManager.getConnection(stack.neonJdbcUrl(), fixture.secure())) {
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(connection));
      run(connection, "create table " + table + " (v int)"); // DDL: direct
      try {
        run(connection, "insert into " + table + " values (7)");
        assertEquals("7", scalar(connection, "select v from " + table));
        NeonConnection neon = connection.unwrap(NeonConnection.class);
        neon.pinDirect();
        assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(connection));
      } finally {
        run(connection, "drop table " + table);
      }
    }
    assertEquals(
        2,
        stack.secureWebSocketProxy().tunnelsOpened() - tunnelsBefore,
        "one tunnel per physical connection, pooled and direct");
  }
}

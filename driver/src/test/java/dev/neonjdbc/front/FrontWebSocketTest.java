package dev.neonjdbc.front;

import static dev.neonjdbc.front.FrontSupport.frontOf;
import static dev.neonjdbc.front.FrontSupport.run;
import static dev.neonjdbc.front.FrontSupport.runThenAsk;
import static dev.neonjdbc.front.FrontSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ServerEndpoint;
import dev.neonjdbc.testkit.front.NeonFront;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * {@code transport=websocket} against the front's {@code wss://…/v2}, as Neon's serverless driver
 * reaches Neon: cleartext password inside the tunnel, no inner TLS, the endpoint named in the
 * startup options because the WebSocket URL names an address.
 */
@NeonStackTest
class FrontWebSocketTest {
  private final NeonStack stack;
  private final NeonFront front;

  FrontWebSocketTest(NeonStack stack) {
    this.stack = stack;
    this.front = frontOf(stack);
  }

  @Test
  void ddlTravelsThroughTheFrontsWssV2ToPostgres() throws SQLException {
    String table = unique("front_ws");
    long logins = front.logins("websocket");
    FrontSupport.LogTail log = new FrontSupport.LogTail(stack);
    try (Connection connection = DriverManager.getConnection(tunnelUrl(), stack.credentials())) {
      assertEquals(
          FrontSupport.directServerPort(stack),
          runThenAsk(
              connection, "CREATE TABLE " + table + " (v int)", "SELECT inet_server_port()"));
      run(connection, "DROP TABLE " + table);
      assertTrue(connection.unwrap(NeonConnection.class).session(EndpointKind.DIRECT).isPresent());
    }
    // The connection opens its pooled session at once and its direct one for the DDL.
    assertEquals(2, front.logins("websocket") - logins, "both sessions came over wss");
    assertEquals(2, log.count("authenticated by cleartext"), "Neon asks for a cleartext password");
  }

  /**
   * Pins a driver gap: with {@code neonEndpointOption=true} both sessions send {@code
   * options=endpoint=ep-neonkit-123456}, the id without {@code -pooler}, so a front that learns the
   * endpoint from the options alone (a WebSocket URL that names an address, not the Neon host)
   * serves the pooled session from the direct side. Neon's proxy reads {@code -pooler} in that id
   * as the pooled side ({@code proxy/src/types.rs}, {@code POOLER_SUFFIX}).
   */
  @Test
  void pooledStatementsOverWssToAnAddressReachThePooler() throws SQLException {
    try (Connection connection = DriverManager.getConnection(tunnelUrl(), stack.credentials())) {
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(connection));
    }
  }

  /**
   * {@code jdbc:neon:} to Neon's pooled host over the front's {@code wss://127.0.0.1:PORT/v2}; the
   * endpoint travels in the startup options, and {@code sslrootcert} verifies the front's
   * certificate (which names {@code 127.0.0.1}).
   */
  private String tunnelUrl() {
    return "jdbc:neon://"
        + front.pooledHostName()
        + "/"
        + stack.database()
        + "?transport=websocket&webSocketUrl="
        + URLEncoder.encode(front.webSocketUrl(), StandardCharsets.UTF_8)
        + "&neonEndpointOption=true&sslrootcert="
        + URLEncoder.encode(stack.caCertificate().toString(), StandardCharsets.UTF_8)
        + (stack.poolerKeepsPreparedStatements() ? "" : "&poolerPreparedStatements=false");
  }
}

package dev.neonjdbc.front;

import static dev.neonjdbc.front.FrontSupport.frontOf;
import static dev.neonjdbc.front.FrontSupport.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.front.NeonFront;
import dev.neonjdbc.testkit.relay.LatencyRelay;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Connect + first query through the kit's Neon front, in round trips: the client's flights counted
 * by a relay in front of the front ({@link LatencyRelay#clientFlights()}), which does not depend on
 * timing. The relay accepts TCP locally; a real network adds the TCP handshake.
 */
@NeonStackTest
class FrontRoundTripsTest {
  private final NeonStack stack;
  private final NeonFront front;

  FrontRoundTripsTest(NeonStack stack) {
    this.stack = stack;
    this.front = frontOf(stack);
  }

  @Test
  void neonHostsConnectAndQueryInTwoRoundTripsFewerThanPlainPgJdbc() throws SQLException {
    try (LatencyRelay relay =
        stack.latencyRelay("127.0.0.1", front.port(), Duration.ofMillis(50))) {
      int plain = flights(relay, throughRelay(stack.frontPooledJdbcUrl().orElseThrow(), relay));
      String neonUrl = throughRelay(stack.frontNeonJdbcUrl().orElseThrow(), relay);
      int neon = flights(relay, neonUrl);
      int neonWithoutDirectTls = flights(relay, neonUrl + "&directTls=false");
      int neonWithoutStartup = flights(relay, neonUrl + "&startupParameters=false");
      System.out.printf(
          "connect + first query through the Neon front, round trips counted: plain pgJDBC %d,"
              + " jdbc:neon: %d (without directTls %d, without startupParameters %d)%n",
          plain, neon, neonWithoutDirectTls, neonWithoutStartup);
      // pgJDBC: SSLRequest, TLS, startup, SCRAM first, SCRAM final, SET application_name, query.
      assertEquals(7, plain);
      // jdbc:neon: TLS from the first byte, startup (application_name in it), SCRAM x2, query.
      assertEquals(5, neon);
      assertEquals(6, neonWithoutDirectTls, "direct TLS saves the SSLRequest");
      assertEquals(6, neonWithoutStartup, "startup parameters save pgJDBC's SET");
    }
  }

  private static String throughRelay(String url, LatencyRelay relay) {
    return url.replaceFirst(
        "socketFactoryArg=127\\.0\\.0\\.1:\\d+", "socketFactoryArg=127.0.0.1:" + relay.port());
  }

  private int flights(LatencyRelay relay, String url) throws SQLException {
    Properties credentials = stack.credentials();
    try (Connection warm = DriverManager.getConnection(url, credentials)) {
      scalar(warm, "SELECT 1"); // class loading, and any refusal the driver remembers
    }
    // A client held up between two writes of one flight (TLS 1.3 sends its Finished and the
    // StartupMessage back to back) can look like two flights, never like fewer: the least of a few.
    int least = Integer.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      relay.resetClientFlights();
      try (Connection connection = DriverManager.getConnection(url, credentials)) {
        assertEquals("1", scalar(connection, "SELECT 1"));
        least = Math.min(least, relay.clientFlights());
      }
    }
    return least;
  }
}

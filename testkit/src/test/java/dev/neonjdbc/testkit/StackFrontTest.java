package dev.neonjdbc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.front.NeonFront;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The front the local stack runs by default, reached through the URLs the stack hands out. */
@NeonStackTest
class StackFrontTest {
  private final NeonStack stack;

  StackFrontTest(NeonStack stack) {
    this.stack = stack;
  }

  @Test
  void localStackRunsTheFrontUnlessTurnedOff() {
    assumeTrue(stack.providerName().equals("local"), "only the local provider runs a front");
    String setting = System.getProperty("neon.testkit.front", System.getenv("NEON_TESTKIT_FRONT"));
    boolean off = setting != null && setting.matches("(?i)\\s*(off|false)\\s*");
    assertEquals(!off, stack.neonFront().isPresent(), "setting: " + setting);
    assertEquals(!off, stack.frontNeonJdbcUrl().isPresent());
  }

  @Test
  void frontUrlsReachTheEndpointTheirHostNames() throws SQLException {
    NeonFront front = requireFront();
    long logins = front.logins("tls");
    try (Connection pooled = connect(stack.frontPooledJdbcUrl().orElseThrow());
        Connection direct = connect(stack.frontDirectJdbcUrl().orElseThrow())) {
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(pooled));
      assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(direct));
      assertEquals(stack.database(), scalar(direct, "SELECT current_database()"));
      try (Connection reference = stack.openDirect()) {
        // The port PostgreSQL sees (a container publishes it under another).
        assertEquals(
            scalar(reference, "SELECT inet_server_port()"),
            scalar(direct, "SELECT inet_server_port()"));
      }
    }
    assertEquals(logins + 2, front.logins("tls"));
  }

  @Test
  void neonUrlNamesThePooledHostWithTheKitCaAndTheSocketFactory() {
    NeonFront front = requireFront();
    String url = stack.frontNeonJdbcUrl().orElseThrow();
    assertTrue(url.startsWith("jdbc:neon://" + front.pooledHostName() + "/"), url);
    assertTrue(url.contains("sslmode=verify-full"), url);
    assertTrue(url.contains("sslrootcert="), url);
    assertTrue(url.contains(front.socketFactoryParameters()), url);
    assertEquals("ep-neonkit-123456-pooler.local.aws.neon.tech", front.pooledHostName());
  }

  @Test
  void frontLogsIntoTheStackLogDirectory() {
    requireFront();
    assertTrue(Files.isRegularFile(stack.logDirectory().resolve("neon-front.log")));
  }

  private NeonFront requireFront() {
    assumeTrue(stack.neonFront().isPresent(), "the stack runs no front");
    return stack.neonFront().orElseThrow();
  }

  private Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, stack.credentials());
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }
}

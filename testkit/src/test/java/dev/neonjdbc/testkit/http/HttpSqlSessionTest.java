package dev.neonjdbc.testkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions and limits: requests share pooled PostgreSQL sessions but no session state (the proxy's
 * reset runs between uses), an error throws its session away, and the size limits answer 413 and
 * 507 with Neon's messages.
 */
@NeonStackTest
class HttpSqlSessionTest {
  private HttpSqlEndpoint endpoint;
  private HttpSqlClient client;

  @BeforeEach
  void setUp(NeonStack stack) throws Exception {
    assumeTrue(stack.httpSql().isPresent(), stack.httpSqlUnavailableReason());
    endpoint = stack.httpSql().orElseThrow();
    client = new HttpSqlClient(stack);
  }

  @AfterEach
  void resetLimits() {
    if (endpoint != null) {
      endpoint.resetLimits();
    }
  }

  @Test
  void sessionStateDoesNotReachTheNextRequestOnTheSameBackend() throws Exception {
    client.query("SELECT 1"); // a pooled session exists from here on
    String pid = (String) client.query("SELECT pg_backend_pid()::text").firstRow().get(0);
    client.query("SET statement_timeout = '1234ms'");
    client.query("CREATE TEMP TABLE http_leak (x int)");
    client.query("SELECT set_config('application_name', 'leaky', false)");
    long logins = endpoint.logins();

    List<Object> after =
        client
            .query(
                "SELECT pg_backend_pid()::text, current_setting('statement_timeout'),"
                    + " current_setting('application_name'), to_regclass('pg_temp.http_leak') IS NULL")
            .firstRow();
    assertEquals(pid, after.get(0), "the pool handed out another backend");
    assertEquals(logins, endpoint.logins(), "a new login was made");
    assertEquals("0", after.get(1));
    assertEquals("", after.get(2));
    assertEquals("t", after.get(3));
  }

  @Test
  void aRequestThatLeavesATransactionOpenDoesNotReturnItsSession() throws Exception {
    client.query("SELECT 1");
    String pid = (String) client.query("SELECT pg_backend_pid()::text").firstRow().get(0);
    client.query("BEGIN");
    String next = (String) client.query("SELECT pg_backend_pid()::text").firstRow().get(0);
    assertNotEquals(pid, next, "a session left in a transaction was reused");
    String idleInTransaction =
        "SELECT count(*)::text FROM pg_stat_activity"
            + " WHERE state LIKE 'idle in transaction%' AND usename = current_user";
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!"0".equals(client.query(idleInTransaction).firstRow().get(0))
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(
        List.of("0"), client.query(idleInTransaction).firstRow(), "the open transaction was kept");
  }

  @Test
  void anErrorThrowsTheSessionAway() throws Exception {
    client.query("SELECT 1");
    String pid = (String) client.query("SELECT pg_backend_pid()::text").firstRow().get(0);
    assertEquals(400, client.query("SELECT 1/0").status());
    String next = (String) client.query("SELECT pg_backend_pid()::text").firstRow().get(0);
    assertNotEquals(pid, next);
  }

  @Test
  void aClientThatGoesAwayCancelsItsQuery(NeonStack stack) throws Exception {
    endpoint.clearRequests();
    String body = HttpSqlClient.single("SELECT pg_sleep(30) AS abandoned_by_client");
    try (SSLSocket socket = client.openSocket()) {
      String request =
          "POST /sql HTTP/1.1\r\nHost: "
              + endpoint.hostName()
              + "\r\nNeon-Connection-String: "
              + stack.httpSqlConnectionString().orElseThrow()
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + body.getBytes(StandardCharsets.UTF_8).length
              + "\r\n\r\n"
              + body;
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      awaitActive(stack, 1);
    }
    awaitActive(stack, 0);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (endpoint.requests().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    HttpSqlRequest cancelled = endpoint.requests().get(0);
    assertEquals("Query cancelled, connection was terminated", cancelled.message());
    assertEquals("08P01", cancelled.sqlState());
    assertEquals(200, client.query("SELECT 1").status(), "the endpoint still answers");
  }

  /** Waits until {@code expected} backends run the abandoned query. */
  private static void awaitActive(NeonStack stack, int expected) throws Exception {
    String sql =
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
            + " AND query LIKE '%abandoned_by_client%' AND pid <> pg_backend_pid()";
    long deadline = System.nanoTime() + 10_000_000_000L;
    int seen = -1;
    try (Connection direct = stack.openDirect();
        Statement statement = direct.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet row = statement.executeQuery(sql)) {
          row.next();
          seen = row.getInt(1);
        }
        if (seen == expected) {
          return;
        }
        Thread.sleep(50);
      }
    }
    assertEquals(expected, seen, "backends running the abandoned query");
  }

  @Test
  void aBodyOverTheRequestLimitGets413() throws Exception {
    endpoint.setLimits(64, HttpSqlEndpoint.DEFAULT_RESPONSE_LIMIT);
    HttpSqlClient.Response small = client.query("SELECT 1");
    assertEquals(200, small.status());
    HttpSqlClient.Response large = client.query("SELECT '" + "x".repeat(100) + "'");
    assertEquals(413, large.status());
    assertEquals("request is too large (max is 64 bytes)", large.field("message"));
    assertEquals(413, endpoint.requests().get(endpoint.requests().size() - 1).status());
  }

  @Test
  void aResponseOverTheResponseLimitGets507() throws Exception {
    endpoint.setLimits(HttpSqlEndpoint.DEFAULT_REQUEST_LIMIT, 500);
    HttpSqlClient.Response fits = client.query("SELECT generate_series(1, 5)");
    assertEquals(200, fits.status(), fits.raw().body());
    HttpSqlClient.Response tooLarge = client.query("SELECT generate_series(1, 500)");
    assertEquals(507, tooLarge.status());
    assertEquals("response is too large (max is 500 bytes)", tooLarge.field("message"));
    assertEquals("", tooLarge.field("code"));
    endpoint.resetLimits();
    assertEquals(200, client.query("SELECT generate_series(1, 500)").status());
  }
}

package dev.neonjdbc.http;

import static dev.neonjdbc.http.HttpSupport.endpointOf;
import static dev.neonjdbc.http.HttpSupport.openHttp;
import static dev.neonjdbc.http.HttpSupport.openTcp;
import static dev.neonjdbc.http.HttpSupport.requestsSince;
import static dev.neonjdbc.http.HttpSupport.run;
import static dev.neonjdbc.http.HttpSupport.scalar;
import static dev.neonjdbc.http.HttpSupport.sqlSince;
import static dev.neonjdbc.http.HttpSupport.unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.http.HttpSqlEndpoint;
import dev.neonjdbc.testkit.http.HttpSqlRequest;
import java.io.StringReader;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;

/**
 * Which statements {@code oneShot=http} sends over the kit's SQL-over-HTTP endpoint and which run
 * on a session, judged by the endpoint's request log, by the sessions the connection opened, and by
 * what the server saw ({@code pg_stat_activity}).
 */
@NeonStackTest
class OneShotRoutingTest {
  private final NeonStack stack;
  private final HttpSqlEndpoint endpoint;

  OneShotRoutingTest(NeonStack stack) {
    this.stack = stack;
    this.endpoint = endpointOf(stack);
  }

  private static boolean noSession(Connection connection) throws SQLException {
    NeonConnection neon = connection.unwrap(NeonConnection.class);
    return neon.session(EndpointKind.POOLED).isEmpty()
        && neon.session(EndpointKind.DIRECT).isEmpty();
  }

  private long backendsNamed(String applicationName) throws SQLException {
    try (Connection observer = openTcp(stack)) {
      return Long.parseLong(
          scalar(
              observer,
              "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                  + applicationName
                  + "'"));
    }
  }

  @Test
  void autoCommitQueriesGoOverHttpAndOpenNoSession() throws SQLException {
    String app = unique("oneshot_app");
    String marker = unique("marker");
    int from = endpoint.requests().size();
    try (Connection connection = openHttp(stack, endpoint, "&ApplicationName=" + app)) {
      assertEquals("2", scalar(connection, "SELECT 1 + 1 AS " + marker));
      assertEquals("3", scalar(connection, "SELECT 3 AS " + marker));
      assertTrue(noSession(connection), "no Postgres session was opened");
      assertEquals(0, backendsNamed(app), "the server has no backend of this connection");
    }
    List<String> sent = sqlSince(endpoint, from);
    assertTrue(sent.contains("SELECT 1 + 1 AS " + marker), sent.toString());
    assertTrue(sent.contains("SELECT 3 AS " + marker), sent.toString());
  }

  @Test
  void transactionsPinsSessionStateAndMultipleStatementsUseASession() throws SQLException {
    String table = unique("oneshot_t");
    String marker = unique("m");
    try (Connection tcp = openTcp(stack)) {
      run(tcp, "CREATE TABLE " + table + " (id serial PRIMARY KEY, v text)");
    }
    try (Connection connection = openHttp(stack, endpoint, "")) {
      int from = endpoint.requests().size();
      // A transaction: its statements run on the pooled session.
      connection.setAutoCommit(false);
      run(connection, "INSERT INTO " + table + " (v) VALUES ('" + marker + "tx')");
      connection.commit();
      connection.setAutoCommit(true);
      // Two statements in one string.
      run(connection, "SELECT 1; SELECT 2 /* " + marker + "multi */");
      // A session parameter: later statements carry it on a session.
      run(connection, "SET work_mem = '5MB'");
      assertEquals("5MB", scalar(connection, "SHOW work_mem /* " + marker + "set */"));
      run(connection, "RESET work_mem");
      List<String> sent = sqlSince(endpoint, from);
      for (String sql : sent) {
        assertFalse(sql.contains(marker), "went over HTTP: " + sql);
      }
      assertFalse(noSession(connection));
      // A pin (LISTEN) keeps everything on the direct session.
      run(connection, "LISTEN " + table);
      from = endpoint.requests().size();
      assertEquals("1", scalar(connection, "SELECT 1 AS " + marker + "pinned"));
      assertTrue(connection.unwrap(NeonConnection.class).isPinned());
      assertFalse(sqlSince(endpoint, from).stream().anyMatch(s -> s.contains(marker)));
      run(connection, "UNLISTEN " + table);
    } finally {
      try (Connection tcp = openTcp(stack)) {
        run(tcp, "DROP TABLE " + table);
      }
    }
  }

  @Test
  void copyRunsOnTheConnectionsSessionNeverOverHttp() throws Exception {
    String table = unique("oneshot_copy");
    String app = unique("oneshot_copy_app");
    String marker = unique("copied");
    try (Connection tcp = openTcp(stack)) {
      run(tcp, "CREATE TABLE " + table + " (id int, v text)");
    }
    try (Connection connection = openHttp(stack, endpoint, "&ApplicationName=" + app)) {
      int from = endpoint.requests().size();
      CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
      assertEquals(
          2,
          copy.copyIn(
              "COPY " + table + " (id, v) FROM STDIN",
              new StringReader("1\t" + marker + "\n2\t" + marker + "\n")));

      // COPY through a plain Statement stays on the session too: pgJDBC's own refusal, as over TCP.
      String statementCopy = "COPY " + table + " TO STDOUT";
      SQLException overTcp;
      try (Connection tcp = openTcp(stack)) {
        overTcp = assertThrows(SQLException.class, () -> run(tcp, statementCopy));
      }
      SQLException overHttp =
          assertThrows(SQLException.class, () -> run(connection, statementCopy));
      assertEquals(overTcp.getSQLState(), overHttp.getSQLState());
      assertEquals(overTcp.getMessage(), overHttp.getMessage());

      StringWriter out = new StringWriter();
      copy.copyOut(
          "COPY (SELECT current_setting('application_name'), count(*) FROM "
              + table
              + " WHERE v = '"
              + marker
              + "') TO STDOUT",
          out);
      // The server ran it on this connection's own session (its application name), which is still
      // usable after the refusal, and the rows copied in are there.
      assertEquals(app + "\t2\n", out.toString());

      assertFalse(noSession(connection), "the COPYs opened a session");
      List<String> sent = sqlSince(endpoint, from);
      assertTrue(sent.stream().noneMatch(sql -> sql.contains(table)), "went over HTTP: " + sent);
    } finally {
      try (Connection tcp = openTcp(stack)) {
        run(tcp, "DROP TABLE " + table);
      }
    }
  }

  @Test
  void updatesGeneratedKeysAndBatchesGoOverHttp() throws SQLException {
    String table = unique("oneshot_w");
    try (Connection tcp = openTcp(stack)) {
      run(tcp, "CREATE TABLE " + table + " (id serial PRIMARY KEY, v text)");
    }
    try (Connection connection = openHttp(stack, endpoint, "");
        Statement statement = connection.createStatement()) {
      int from = endpoint.requests().size();
      assertEquals(
          1,
          statement.executeUpdate(
              "INSERT INTO " + table + " (v) VALUES ('a')", Statement.RETURN_GENERATED_KEYS));
      try (ResultSet keys = statement.getGeneratedKeys()) {
        assertTrue(keys.next());
        assertEquals(1, keys.getInt("id"));
        assertEquals("a", keys.getString("v"));
      }
      statement.addBatch("INSERT INTO " + table + " (v) VALUES ('b')");
      statement.addBatch("UPDATE " + table + " SET v = v || '!'");
      assertArrayEquals(new int[] {1, 2}, statement.executeBatch());
      assertEquals(2, statement.executeUpdate("DELETE FROM " + table + " WHERE v LIKE '%!'"));
      assertTrue(noSession(connection));
      List<HttpSqlRequest> requests = requestsSince(endpoint, from);
      assertTrue(
          requests.stream().anyMatch(r -> r.batch() && r.queries().size() == 2),
          "the batch went as one HTTP batch: " + requests);
    } finally {
      try (Connection tcp = openTcp(stack)) {
        run(tcp, "DROP TABLE " + table);
      }
    }
  }

  @Test
  void errorsCarryTheServersSqlStateAndPosition() throws SQLException {
    PSQLException overTcp;
    try (Connection tcp = openTcp(stack)) {
      overTcp =
          assertThrows(PSQLException.class, () -> scalar(tcp, "SELECT * FROM no_such_table_x"));
    }
    try (Connection connection = openHttp(stack, endpoint, "")) {
      PSQLException overHttp =
          assertThrows(
              PSQLException.class, () -> scalar(connection, "SELECT * FROM no_such_table_x"));
      assertEquals("42P01", overHttp.getSQLState());
      assertNotNull(overHttp.getServerErrorMessage());
      assertEquals(
          overTcp.getServerErrorMessage().getPosition(),
          overHttp.getServerErrorMessage().getPosition());
      assertEquals(
          overTcp.getServerErrorMessage().getMessage(),
          overHttp.getServerErrorMessage().getMessage());
      assertTrue(noSession(connection));
    }
  }

  @Test
  void badCredentialsFailTheFirstStatementWith28P01() throws SQLException {
    Properties wrong = stack.credentials();
    wrong.setProperty("password", "not-the-password");
    try (Connection connection =
        java.sql.DriverManager.getConnection(HttpSupport.httpUrl(stack, endpoint), wrong)) {
      SQLException failure = assertThrows(SQLException.class, () -> scalar(connection, "SELECT 1"));
      assertEquals("28P01", failure.getSQLState(), failure.toString());
      assertFalse(failure.getMessage().contains("not-the-password"));
    }
  }

  @Test
  void queryTimeoutAndCancelAbortTheRequest() throws Exception {
    try (Connection connection = openHttp(stack, endpoint, "");
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(1);
      long start = System.nanoTime();
      SQLException timedOut =
          assertThrows(SQLException.class, () -> statement.execute("SELECT pg_sleep(20)"));
      assertEquals("57014", timedOut.getSQLState());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));

      statement.setQueryTimeout(0);
      CompletableFuture<Void> canceller =
          CompletableFuture.runAsync(
              () -> {
                try {
                  Thread.sleep(500);
                  statement.cancel();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      start = System.nanoTime();
      SQLException cancelled =
          assertThrows(SQLException.class, () -> statement.execute("SELECT pg_sleep(20)"));
      canceller.join();
      assertEquals("57014", cancelled.getSQLState());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
      assertTrue(noSession(connection));
      assertSleepEnds("the timed-out and the cancelled query");
    }
  }

  /** The server stops the queries whose requests were aborted, as Neon's proxy does. */
  private void assertSleepEnds(String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (Connection observer = openTcp(stack)) {
      while (true) {
        long running =
            Long.parseLong(
                scalar(
                    observer,
                    "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                        + " AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep(20)%'"));
        if (running == 0) {
          return;
        }
        assertTrue(System.nanoTime() < deadline, what + " still runs on the server");
        Thread.sleep(100);
      }
    }
  }

  @Test
  void aReadTooLargeForTheEndpointRunsOnASessionAndAWriteFails() throws SQLException {
    String table = unique("oneshot_big");
    try (Connection tcp = openTcp(stack)) {
      run(tcp, "CREATE TABLE " + table + " (id serial PRIMARY KEY, v text)");
    }
    endpoint.setLimits(HttpSqlEndpoint.DEFAULT_REQUEST_LIMIT, 4096);
    try (Connection connection = openHttp(stack, endpoint, "")) {
      int from = endpoint.requests().size();
      try (Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery("SELECT repeat('x', 100) FROM generate_series(1, 1000)")) {
        int count = 0;
        while (rows.next()) {
          count++;
        }
        assertEquals(1000, count);
      }
      assertTrue(
          requestsSince(endpoint, from).stream().anyMatch(r -> r.status() == 507),
          "the endpoint refused the result");
      assertFalse(noSession(connection), "the read ran again on a session");

      SQLException tooLarge =
          assertThrows(
              SQLException.class,
              () ->
                  run(
                      connection,
                      "INSERT INTO "
                          + table
                          + " (v) SELECT repeat('y', 100) FROM generate_series(1, 1000)"
                          + " RETURNING v"));
      assertEquals("54000", tooLarge.getSQLState());
    } finally {
      endpoint.resetLimits();
      try (Connection tcp = openTcp(stack)) {
        run(tcp, "DROP TABLE " + table);
      }
    }
  }
}

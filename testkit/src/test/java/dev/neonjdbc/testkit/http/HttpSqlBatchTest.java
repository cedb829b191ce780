package dev.neonjdbc.testkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch is one transaction, with the isolation, read-only and deferrable modes of its headers.
 */
@NeonStackTest
class HttpSqlBatchTest {
  private NeonStack stack;
  private HttpSqlClient client;

  @BeforeEach
  void setUp(NeonStack stack) throws Exception {
    assumeTrue(stack.httpSql().isPresent(), stack.httpSqlUnavailableReason());
    this.stack = stack;
    client = new HttpSqlClient(stack);
    execute("CREATE TABLE IF NOT EXISTS http_batch (id int PRIMARY KEY)");
    execute("TRUNCATE http_batch");
  }

  @AfterEach
  void dropTable() throws Exception {
    if (stack.httpSql().isPresent()) {
      execute("DROP TABLE IF EXISTS http_batch");
    }
  }

  @Test
  void aBatchRunsInOneTransactionAndAnswersResultsInOrder() throws Exception {
    HttpSqlClient.Response response =
        client.post(
            HttpSqlClient.batch(
                "INSERT INTO http_batch VALUES (1), (2)",
                "SELECT count(*) FROM http_batch",
                "SELECT txid_current() = txid_current()",
                "SELECT now() = statement_timestamp()"),
            HttpSqlClient.neonHeaders(true, true));
    assertEquals(200, response.status(), response.raw().body());
    List<Map<String, Object>> results = response.results();
    assertEquals(4, results.size());
    assertEquals("INSERT", results.get(0).get("command"));
    assertEquals(List.of(List.of("2")), results.get(1).get("rows"));
    assertEquals(
        List.of(List.of("f")),
        results.get(3).get("rows"),
        "now() is the transaction's start, so a later statement's timestamp differs");
    assertEquals(2, count());
    assertTrue(stack.httpSql().orElseThrow().requests().stream().anyMatch(HttpSqlRequest::batch));
  }

  @Test
  void aFailingQueryRollsTheWholeBatchBack() throws Exception {
    HttpSqlClient.Response response =
        client.post(
            HttpSqlClient.batch(
                "INSERT INTO http_batch VALUES (1)", "INSERT INTO http_batch VALUES (1)"),
            HttpSqlClient.neonHeaders(true, true));
    assertEquals(400, response.status());
    assertEquals("23505", response.field("code"));
    assertEquals(0, count(), "the first insert was committed");
  }

  @Test
  void aReadOnlyBatchRefusesWrites() throws Exception {
    Map<String, String> headers = HttpSqlClient.neonHeaders(true, true);
    headers.put("Neon-Batch-Read-Only", "true");
    HttpSqlClient.Response response =
        client.post(HttpSqlClient.batch("INSERT INTO http_batch VALUES (1)"), headers);
    assertEquals(400, response.status());
    assertEquals("25006", response.field("code"));
    assertEquals(0, count());
  }

  @Test
  void batchHeadersSetTheTransactionModesAndComeBack() throws Exception {
    Map<String, String> headers = new LinkedHashMap<>(HttpSqlClient.neonHeaders(true, true));
    headers.put("Neon-Batch-Isolation-Level", "Serializable");
    headers.put("Neon-Batch-Read-Only", "true");
    headers.put("Neon-Batch-Deferrable", "true");
    HttpSqlClient.Response response =
        client.post(
            HttpSqlClient.batch(
                "SHOW transaction_isolation",
                "SHOW transaction_read_only",
                "SHOW transaction_deferrable"),
            headers);
    assertEquals(200, response.status(), response.raw().body());
    List<Map<String, Object>> results = response.results();
    assertEquals(List.of(List.of("serializable")), results.get(0).get("rows"));
    assertEquals(List.of(List.of("on")), results.get(1).get("rows"));
    assertEquals(List.of(List.of("on")), results.get(2).get("rows"));
    var echoed = response.raw().headers();
    assertEquals("Serializable", echoed.firstValue("neon-batch-isolation-level").orElse(null));
    assertEquals("true", echoed.firstValue("neon-batch-read-only").orElse(null));
    assertEquals("true", echoed.firstValue("neon-batch-deferrable").orElse(null));

    HttpSqlClient.Response single =
        client.post(HttpSqlClient.single("SHOW transaction_isolation"), headers);
    assertEquals(
        List.of(List.of("read committed")), single.rows(), "batch headers are for batches");
  }

  @Test
  void anUnknownIsolationLevelIsRefused() throws Exception {
    Map<String, String> headers = HttpSqlClient.neonHeaders(true, true);
    headers.put("Neon-Batch-Isolation-Level", "serializable");
    HttpSqlClient.Response response = client.post(HttpSqlClient.batch("SELECT 1"), headers);
    assertEquals(400, response.status());
    assertEquals("invalid isolation level", response.field("message"));
  }

  private int count() throws Exception {
    try (Connection direct = stack.openDirect();
        Statement statement = direct.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM http_batch")) {
      row.next();
      return row.getInt(1);
    }
  }

  private void execute(String sql) throws Exception {
    try (Connection direct = stack.openDirect();
        Statement statement = direct.createStatement()) {
      statement.execute(sql);
    }
  }
}

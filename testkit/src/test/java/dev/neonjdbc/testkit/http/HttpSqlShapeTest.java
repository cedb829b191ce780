package dev.neonjdbc.testkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The response shapes of the kit's HTTP SQL endpoint, against the stack's PostgreSQL. */
@NeonStackTest
class HttpSqlShapeTest {
  private HttpSqlClient client;
  private HttpSqlEndpoint endpoint;

  @BeforeEach
  void client(NeonStack stack) throws Exception {
    assumeTrue(stack.httpSql().isPresent(), stack.httpSqlUnavailableReason());
    endpoint = stack.httpSql().orElseThrow();
    client = new HttpSqlClient(stack);
  }

  @Test
  void singleQueryInArrayModeHasNeonsShape() throws Exception {
    HttpSqlClient.Response response =
        client.query("SELECT $1::int4 + 1 AS answer, 'x' AS letter", "41");
    assertEquals(200, response.status(), response.raw().body());
    assertEquals(
        "application/json", response.raw().headers().firstValue("content-type").orElse(""));
    assertEquals(
        "*", response.raw().headers().firstValue("access-control-allow-origin").orElse(""));
    Map<String, Object> json = response.object();
    assertEquals("SELECT", json.get("command"));
    assertEquals(new Json.Number("1"), json.get("rowCount"));
    assertEquals(Boolean.TRUE, json.get("rowAsArray"));
    assertEquals(List.of(List.of("42", "x")), json.get("rows"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> fields = (List<Map<String, Object>>) json.get("fields");
    assertEquals(2, fields.size());
    Map<String, Object> answer = fields.get(0);
    assertEquals("answer", answer.get("name"));
    assertEquals(new Json.Number("23"), answer.get("dataTypeID"));
    assertEquals(new Json.Number("0"), answer.get("tableID"));
    assertEquals(new Json.Number("0"), answer.get("columnID"));
    assertEquals(new Json.Number("4"), answer.get("dataTypeSize"));
    assertEquals(new Json.Number("-1"), answer.get("dataTypeModifier"));
    assertEquals("text", answer.get("format"));
    assertEquals(
        List.of(
            "name",
            "dataTypeID",
            "tableID",
            "columnID",
            "dataTypeSize",
            "dataTypeModifier",
            "format"),
        List.copyOf(answer.keySet()));
  }

  @Test
  void objectModeKeysRowsByColumnName() throws Exception {
    HttpSqlClient.Response response =
        client.post(
            HttpSqlClient.single("SELECT 1 AS a, NULL::text AS b"),
            HttpSqlClient.neonHeaders(true, false));
    assertEquals(200, response.status(), response.raw().body());
    Map<String, Object> row = (Map<String, Object>) response.rows().get(0);
    assertEquals("1", row.get("a"));
    assertTrue(row.containsKey("b"));
    assertNull(row.get("b"));
    assertEquals(Boolean.FALSE, response.object().get("rowAsArray"));
  }

  @Test
  void fieldsNameTheTableAndColumnOfATableColumn(NeonStack stack) throws Exception {
    try (Connection direct = stack.openDirect();
        Statement statement = direct.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS http_shape (id int PRIMARY KEY, name varchar(20))");
      statement.execute("TRUNCATE http_shape");
      try {
        HttpSqlClient.Response insert =
            client.query("INSERT INTO http_shape VALUES ($1, $2), ($3, $4)", 1, "one", 2, "two");
        assertEquals(200, insert.status(), insert.raw().body());
        assertEquals("INSERT", insert.field("command"));
        assertEquals("2", insert.field("rowCount"));
        assertEquals(List.of(), insert.rows());

        HttpSqlClient.Response select = client.query("SELECT id, name FROM http_shape ORDER BY id");
        assertEquals(List.of(List.of("1", "one"), List.of("2", "two")), select.rows());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> fields =
            (List<Map<String, Object>>) select.object().get("fields");
        long tableOid;
        try (var row = statement.executeQuery("SELECT 'http_shape'::regclass::oid")) {
          row.next();
          tableOid = row.getLong(1);
        }
        assertEquals(new Json.Number(Long.toString(tableOid)), fields.get(1).get("tableID"));
        assertEquals(new Json.Number("2"), fields.get(1).get("columnID"));
        assertEquals(new Json.Number("1043"), fields.get(1).get("dataTypeID"));
        assertEquals(new Json.Number("24"), fields.get(1).get("dataTypeModifier"), "varchar(20)");

        HttpSqlClient.Response update = client.query("UPDATE http_shape SET name = upper(name)");
        assertEquals("UPDATE", update.field("command"));
        assertEquals("2", update.field("rowCount"));
        HttpSqlClient.Response create =
            client.query("CREATE INDEX IF NOT EXISTS http_shape_name ON http_shape (name)");
        assertEquals("CREATE", create.field("command"));
        assertNull(create.field("rowCount"));
      } finally {
        statement.execute("DROP TABLE http_shape");
      }
    }
  }

  @Test
  void theRequestLogShowsQueriesAndHidesThePassword(NeonStack stack) throws Exception {
    endpoint.clearRequests();
    client.query("SELECT 'logged'");
    List<HttpSqlRequest> requests = endpoint.requests();
    assertEquals(1, requests.size());
    HttpSqlRequest request = requests.get(0);
    assertEquals("POST", request.method());
    assertEquals("/sql", request.path());
    assertEquals(List.of("SELECT 'logged'"), request.queries());
    assertFalse(request.batch());
    assertEquals(200, request.status());
    assertEquals("true", request.header("Neon-Raw-Text-Output"));
    String logged = request.header("Neon-Connection-String");
    assertTrue(logged.contains("****@"), logged);
    assertFalse(logged.contains(stack.password()), "the password reached the request log");
  }
}

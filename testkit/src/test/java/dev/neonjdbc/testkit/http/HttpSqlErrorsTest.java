package dev.neonjdbc.testkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Errors as Neon's JSON: HTTP 400, every PostgreSQL error field, and the proxy's own messages. */
@NeonStackTest
class HttpSqlErrorsTest {
  private static final List<String> ERROR_KEYS =
      List.of(
          "message",
          "code",
          "detail",
          "hint",
          "position",
          "internalPosition",
          "internalQuery",
          "severity",
          "where",
          "table",
          "column",
          "schema",
          "dataType",
          "constraint",
          "file",
          "line",
          "routine");

  private NeonStack stack;
  private HttpSqlClient client;

  @BeforeEach
  void client(NeonStack stack) throws Exception {
    assumeTrue(stack.httpSql().isPresent(), stack.httpSqlUnavailableReason());
    this.stack = stack;
    client = new HttpSqlClient(stack);
  }

  @Test
  void aSyntaxErrorCarriesSqlStateAndPosition() throws Exception {
    HttpSqlClient.Response response = client.query("SELECT 1 FROM nowhere_table");
    assertEquals(400, response.status());
    assertEquals(ERROR_KEYS, List.copyOf(response.object().keySet()));
    assertEquals("42P01", response.field("code"));
    assertEquals("relation \"nowhere_table\" does not exist", response.field("message"));
    assertEquals("15", response.field("position"));
    assertEquals("ERROR", response.field("severity"));
    assertTrue(response.field("file").endsWith(".c"), response.field("file"));
    assertTrue(Integer.parseInt(response.field("line")) > 0);
    assertEquals("parserOpenTable", response.field("routine"));
    assertNull(response.field("detail"));

    HttpSqlClient.Response divide = client.query("SELECT 1 / 0");
    assertEquals("22012", divide.field("code"));
    assertEquals("division by zero", divide.field("message"));
  }

  @Test
  void anErrorInADynamicQueryHasAnInternalPositionAndQuery() throws Exception {
    HttpSqlClient.Response response =
        client.query("DO $$ BEGIN EXECUTE 'SELECT no_such_column'; END $$");
    assertEquals(400, response.status());
    assertEquals("42703", response.field("code"));
    assertNull(response.field("position"));
    assertEquals("8", response.field("internalPosition"));
    assertEquals("SELECT no_such_column", response.field("internalQuery"));
    assertTrue(response.field("where").contains("PL/pgSQL"), response.field("where"));
  }

  @Test
  void aConstraintViolationNamesSchemaTableAndConstraint() throws Exception {
    try (Connection direct = stack.openDirect();
        Statement statement = direct.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS http_errors (id int CONSTRAINT http_errors_pk PRIMARY KEY)");
      statement.execute("TRUNCATE http_errors");
      statement.execute("INSERT INTO http_errors VALUES (1)");
      try {
        HttpSqlClient.Response response = client.query("INSERT INTO http_errors VALUES ($1)", 1);
        assertEquals(400, response.status());
        assertEquals("23505", response.field("code"));
        assertEquals("Key (id)=(1) already exists.", response.field("detail"));
        assertEquals("public", response.field("schema"));
        assertEquals("http_errors", response.field("table"));
        assertEquals("http_errors_pk", response.field("constraint"));
      } finally {
        statement.execute("DROP TABLE http_errors");
      }
    }
  }

  @Test
  void twoStatementsInOneQueryAreRefusedAsByTheExtendedProtocol() throws Exception {
    HttpSqlClient.Response response = client.query("SELECT 1; SELECT 2");
    assertEquals(400, response.status());
    assertEquals("42601", response.field("code"));
    assertEquals(
        "cannot insert multiple commands into a prepared statement", response.field("message"));
  }

  @Test
  void aWrongPasswordGetsTheProxysMessageWithoutSqlState() throws Exception {
    String wrong =
        stack
            .httpSqlConnectionString()
            .orElseThrow()
            .replace(":" + stack.password() + "@", ":wrong_pw@");
    HttpSqlClient.Response response = new HttpSqlClient(stack, wrong).query("SELECT 1");
    assertEquals(400, response.status());
    assertEquals(
        "password authentication failed for user '" + stack.user() + "'",
        response.field("message"));
    assertEquals("", response.field("code"));
  }

  @Test
  void connectionStringProblemsGetNeonsMessages() throws Exception {
    Map<String, String> cases =
        Map.of(
            "mysql://a:b@ep-neonkit-123456.local.aws.neon.tech/neondb", "incorrect scheme",
            "postgresql://ep-neonkit-123456.local.aws.neon.tech/neondb", "missing username",
            "postgresql://neon@ep-neonkit-123456.local.aws.neon.tech/neondb",
                "missing authentication credentials: required password",
            "postgresql://neon:pw@127.0.0.1/neondb", "missing hostname",
            "not a url", "invalid connection string: relative URL without a base");
    for (Map.Entry<String, String> entry : cases.entrySet()) {
      HttpSqlClient.Response response = new HttpSqlClient(stack, entry.getKey()).query("SELECT 1");
      assertEquals(400, response.status(), entry.getKey());
      assertEquals(entry.getValue(), response.field("message"), entry.getKey());
    }
    HttpSqlClient.Response missing = new HttpSqlClient(stack, null).query("SELECT 1");
    assertEquals(400, missing.status());
    assertEquals("invalid header: neon-connection-string", missing.field("message"));

    String unknownEndpoint =
        stack
            .httpSqlConnectionString()
            .orElseThrow()
            .replace("ep-neonkit-123456", "ep-nothing-000");
    HttpSqlClient.Response notFound = new HttpSqlClient(stack, unknownEndpoint).query("SELECT 1");
    assertEquals(400, notFound.status());
    assertTrue(
        notFound.field("message").contains("endpoint cannot be found"), notFound.field("message"));

    String noDatabase =
        stack.httpSqlConnectionString().orElseThrow().replace("/neondb", "/no_such_db");
    HttpSqlClient.Response database = new HttpSqlClient(stack, noDatabase).query("SELECT 1");
    assertEquals(400, database.status());
    assertEquals("3D000", database.field("code"));
  }

  @Test
  void aBodyThatIsNotAPayloadIsRefused() throws Exception {
    HttpSqlClient.Response notJson =
        client.post("{\"query\": ", HttpSqlClient.neonHeaders(true, true));
    assertEquals(400, notJson.status());
    assertTrue(
        notJson.field("message").startsWith("could not parse the HTTP request body: "),
        notJson.field("message"));
    HttpSqlClient.Response wrongShape = client.post("{\"sql\": \"SELECT 1\"}", Map.of());
    assertEquals(400, wrongShape.status());
    assertEquals(
        "could not parse the HTTP request body: data did not match any variant of untagged enum"
            + " Payload",
        wrongShape.field("message"));
  }
}

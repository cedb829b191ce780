package dev.neonjdbc.internal.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Neon's JSON error bodies become pgJDBC's exceptions with every server field. */
class HttpSqlErrorsTest {
  @Test
  void aPostgresErrorKeepsItsSqlStatePositionAndFields() {
    PSQLException error =
        HttpSqlErrors.fromResponse(
            400,
            "{\"message\":\"relation \\\"nope\\\" does not exist\",\"code\":\"42P01\","
                + "\"detail\":null,\"hint\":null,\"position\":\"15\",\"severity\":\"ERROR\","
                + "\"file\":\"parse_relation.c\",\"line\":\"1449\",\"routine\":\"parserOpenTable\"}");
    ServerErrorMessage server = error.getServerErrorMessage();
    assertEquals("42P01", error.getSQLState());
    assertEquals("relation \"nope\" does not exist", server.getMessage());
    assertEquals(15, server.getPosition());
    assertEquals("ERROR", server.getSeverity());
    assertEquals("parserOpenTable", server.getRoutine());
    assertEquals(1449, server.getLine());
    assertNull(server.getDetail());
  }

  @Test
  void neonsPasswordFailureWithoutACodeIs28P01() {
    PSQLException error =
        HttpSqlErrors.fromResponse(
            400, "{\"message\":\"password authentication failed for user 'neon'\",\"code\":\"\"}");
    assertEquals("28P01", error.getSQLState());
  }

  @Test
  void aBodyThatIsNotJsonNamesTheStatus() {
    PSQLException error = HttpSqlErrors.fromResponse(502, "<html>Bad gateway</html>");
    assertEquals("08006", error.getSQLState());
    assertTrue(error.getMessage().contains("HTTP 502"), error.getMessage());
  }

  @Test
  void jsonTextReadsEscapesAndNesting() {
    Object parsed = JsonText.parse("{\"a\":[1,null,\"x\\u00e9\\n\"],\"b\":{\"c\":true}}");
    Map<?, ?> map = (Map<?, ?>) parsed;
    List<?> list = (List<?>) map.get("a");
    assertEquals(1.0, list.get(0));
    assertNull(list.get(1));
    assertEquals("xé\n", list.get(2));
    assertEquals(Boolean.TRUE, ((Map<?, ?>) map.get("b")).get("c"));
    StringBuilder quoted = new StringBuilder();
    JsonText.quote(quoted, "a\"b\\c\u0001");
    assertEquals("\"a\\\"b\\\\c\\u0001\"", quoted.toString());
  }
}

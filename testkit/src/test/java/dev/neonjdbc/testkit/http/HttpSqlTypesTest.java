package dev.neonjdbc.testkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Values as Neon sends them: with raw text output every value is PostgreSQL's text form (or null);
 * without it, Neon's JSON conversion (booleans, int2/int4 and finite floats as JSON, json inline,
 * arrays as JSON arrays, the rest as strings).
 */
@NeonStackTest
class HttpSqlTypesTest {
  private static final String VALUES =
      "SELECT 7::int2, 42::int4, 9007199254740993::int8, 1.50::numeric, true, false,"
          + " '\\x01ff'::bytea, ARRAY[1, NULL, 3], ARRAY[['a b', 'c\"d'], ['NULL', NULL]]::text[],"
          + " '{\"a\": [1, 2]}'::json, '{\"b\": 2}'::jsonb, timestamp '2024-01-02 03:04:05.5',"
          + " date '2024-02-29', interval '1 day 2 hours', 1.25::float8, 'NaN'::float8,"
          + " '-Infinity'::float4, NULL::text, 'été'::text, '00000000-0000-0000-0000-000000000001'::uuid,"
          + " '{}'::int[]";

  private HttpSqlClient client;

  @BeforeEach
  void client(NeonStack stack) throws Exception {
    assumeTrue(stack.httpSql().isPresent(), stack.httpSqlUnavailableReason());
    client = new HttpSqlClient(stack);
  }

  @Test
  void rawTextOutputIsPostgresTextForEveryType() throws Exception {
    HttpSqlClient.Response response = client.query(VALUES);
    assertEquals(200, response.status(), response.raw().body());
    List<Object> row = response.firstRow();
    assertEquals(
        Arrays.asList(
            "7",
            "42",
            "9007199254740993",
            "1.50",
            "t",
            "f",
            "\\x01ff",
            "{1,NULL,3}",
            "{{\"a b\",\"c\\\"d\"},{\"NULL\",NULL}}",
            "{\"a\": [1, 2]}",
            "{\"b\": 2}",
            "2024-01-02 03:04:05.5",
            "2024-02-29",
            "1 day 02:00:00",
            "1.25",
            "NaN",
            "-Infinity",
            null,
            "été",
            "00000000-0000-0000-0000-000000000001",
            "{}"),
        row);
  }

  @Test
  void timestampWithTimeZoneIsTextWithItsOffset() throws Exception {
    List<Object> row = client.query("SELECT timestamptz '2024-01-02 03:04:05+00'").firstRow();
    assertTrue(
        String.valueOf(row.get(0)).matches("2024-01-0[12] \\d\\d:\\d4:05[+-]\\d\\d(:\\d\\d)?"),
        String.valueOf(row.get(0)));
  }

  @Test
  void withoutRawTextNeonConvertsToJson() throws Exception {
    HttpSqlClient.Response response =
        client.post(HttpSqlClient.single(VALUES), HttpSqlClient.neonHeaders(false, true));
    assertEquals(200, response.status(), response.raw().body());
    List<Object> row = response.firstRow();
    assertEquals(new Json.Number("7"), row.get(0));
    assertEquals(new Json.Number("42"), row.get(1));
    assertEquals("9007199254740993", row.get(2), "int8 stays a string");
    assertEquals("1.50", row.get(3), "numeric stays a string");
    assertEquals(Boolean.TRUE, row.get(4));
    assertEquals(Boolean.FALSE, row.get(5));
    assertEquals("\\x01ff", row.get(6));
    assertEquals(Arrays.asList(new Json.Number("1"), null, new Json.Number("3")), row.get(7));
    assertEquals(List.of(List.of("a b", "c\"d"), Arrays.asList("NULL", null)), row.get(8));
    assertEquals(Map.of("a", List.of(new Json.Number("1"), new Json.Number("2"))), row.get(9));
    assertEquals(Map.of("b", new Json.Number("2")), row.get(10));
    assertEquals("2024-01-02 03:04:05.5", row.get(11));
    assertEquals(new Json.Number("1.25"), row.get(14));
    assertEquals("NaN", row.get(15), "NaN stays a string");
    assertEquals("-Infinity", row.get(16));
    assertEquals(null, row.get(17));
    assertEquals(List.of(), row.get(20));
  }

  @Test
  void parametersAreUntypedTextThatPostgresInfers() throws Exception {
    HttpSqlClient.Response response =
        client.query(
            "SELECT $1 || 'x', $2::int + 1, $3::bool, $4::text IS NULL, $5::int[], $6::jsonb ->> 'k',"
                + " $7 = 'untyped'",
            "a",
            41,
            true,
            null,
            Json.parse("[1, 2, null]"),
            Json.parse("{\"k\": \"v\"}"),
            "untyped");
    assertEquals(200, response.status(), response.raw().body());
    assertEquals(Arrays.asList("ax", "42", "t", "t", "{1,2,NULL}", "v", "t"), response.firstRow());
  }
}

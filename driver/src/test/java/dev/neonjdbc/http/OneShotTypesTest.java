package dev.neonjdbc.http;

import static dev.neonjdbc.http.HttpSupport.endpointOf;
import static dev.neonjdbc.http.HttpSupport.openHttp;
import static dev.neonjdbc.http.HttpSupport.openTcp;
import static dev.neonjdbc.http.HttpSupport.run;
import static dev.neonjdbc.http.HttpSupport.sqlSince;
import static dev.neonjdbc.http.HttpSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.http.HttpSqlEndpoint;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The type round-trip table: every PostgreSQL type pgJDBC decodes returns the same Java values over
 * HTTP ({@code oneShot=http}) as over TCP: {@code getObject}, {@code getString}, the typed getters
 * that apply, and the column metadata.
 */
@NeonStackTest
class OneShotTypesTest {
  /** Each expression, with the typed getters that apply to it beyond getObject and getString. */
  private static final Object[][] TABLE = {
    {"1::int2", List.of(Integer.class, Short.class, Long.class, BigDecimal.class)},
    {"(-2147483648)::int4", List.of(Integer.class, Long.class, Double.class)},
    {"9223372036854775807::int8", List.of(Long.class, BigDecimal.class)},
    {"12345.678900::numeric(12,6)", List.of(BigDecimal.class, Double.class)},
    {"'NaN'::numeric", List.of(Double.class)},
    {"1.5::float4", List.of(Float.class, Double.class)},
    {"'NaN'::float8", List.of(Double.class)},
    {"'Infinity'::float8", List.of(Double.class)},
    {"'-Infinity'::float4", List.of(Float.class)},
    {"true", List.of(Boolean.class)},
    {"'f'::bool", List.of(Boolean.class)},
    {"'héllo wörld ''q'''::text", List.of(String.class)},
    {"'x'::char(3)", List.of(String.class)},
    {"'abc'::varchar(10)", List.of(String.class)},
    {"'\\x00ff10'::bytea", List.of(byte[].class)},
    {"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", List.of(UUID.class)},
    {"'{\"a\": [1, 2.5, null]}'::json", List.of(String.class)},
    {"'{\"b\": {\"c\": true}}'::jsonb", List.of(String.class)},
    {"'2024-02-29'::date", List.of(LocalDate.class, java.sql.Date.class)},
    {"'infinity'::date", List.of(java.sql.Date.class)},
    {"'13:45:12.123456'::time", List.of(LocalTime.class, java.sql.Time.class)},
    {"'13:45:12+02'::timetz", List.of(java.sql.Time.class)},
    {"'2024-02-29 13:45:12.5'::timestamp", List.of(LocalDateTime.class, java.sql.Timestamp.class)},
    {
      "'2024-02-29 13:45:12.5+05:30'::timestamptz",
      List.of(OffsetDateTime.class, java.sql.Timestamp.class)
    },
    {"'1 year 2 mons 3 days 04:05:06.5'::interval", List.of()},
    {"ARRAY[1, NULL, 3]::int4[]", List.of()},
    {"ARRAY[[1, 2], [3, 4]]::int8[]", List.of()},
    {"ARRAY['a', NULL, 'b c', '\"q\"']::text[]", List.of()},
    {"ARRAY['2024-01-01'::date]", List.of()},
    {"ARRAY[1.5, NULL]::numeric[]", List.of()},
    {"'192.168.0.1/24'::inet", List.of()},
    {"'10.0.0.0/8'::cidr", List.of()},
    {"'08:00:2b:01:02:03'::macaddr", List.of()},
    {"int4range(1, 10)", List.of()},
    {"'[2024-01-01,2024-02-01)'::daterange", List.of()},
    {"'(1,2)'::point", List.of()},
    {"'$12.34'::money", List.of()},
    {"'<a>1</a>'::xml", List.of()},
    {"NULL::int4", List.of(Integer.class)},
    {"NULL::text", List.of(String.class)},
    {"'abc'::name", List.of()},
    {"42::oid", List.of(Long.class)},
    {"B'1010'::bit(4)", List.of()},
  };

  private final NeonStack stack;
  private final HttpSqlEndpoint endpoint;

  OneShotTypesTest(NeonStack stack) {
    this.stack = stack;
    this.endpoint = endpointOf(stack);
  }

  @Test
  void everyTypeReadsTheSameOverHttpAsOverTcp() throws SQLException {
    List<String> differences = new ArrayList<>();
    int from = endpoint.requests().size();
    try (Connection tcp = openTcp(stack);
        Connection http = openHttp(stack, endpoint, "")) {
      for (Object[] row : TABLE) {
        String expression = (String) row[0];
        @SuppressWarnings("unchecked")
        List<Class<?>> getters = (List<Class<?>>) row[1];
        compare(tcp, http, "SELECT " + expression + " AS v", getters, differences);
      }
    }
    assertTrue(differences.isEmpty(), String.join("\n", differences));
    assertEquals(TABLE.length, sqlSince(endpoint, from).size(), "every query went over HTTP");
  }

  @Test
  void enumsAndArraysOfEnumsReadTheSame() throws SQLException {
    String type = unique("mood");
    try (Connection tcp = openTcp(stack)) {
      run(tcp, "CREATE TYPE " + type + " AS ENUM ('sad', 'ok', 'happy')");
      try (Connection http = openHttp(stack, endpoint, "")) {
        List<String> differences = new ArrayList<>();
        compare(tcp, http, "SELECT 'ok'::" + type + " AS v", List.of(String.class), differences);
        compare(
            tcp, http, "SELECT ARRAY['sad', NULL]::" + type + "[] AS v", List.of(), differences);
        assertTrue(differences.isEmpty(), String.join("\n", differences));
      } finally {
        run(tcp, "DROP TYPE " + type);
      }
    }
  }

  private static void compare(
      Connection tcp, Connection http, String sql, List<Class<?>> getters, List<String> out)
      throws SQLException {
    try (Statement overTcp = tcp.createStatement();
        Statement overHttp = http.createStatement();
        ResultSet expected = overTcp.executeQuery(sql);
        ResultSet actual = overHttp.executeQuery(sql)) {
      expected.next();
      actual.next();
      same(out, sql, "getString", expected.getString(1), actual.getString(1));
      same(out, sql, "getObject", normal(expected.getObject(1)), normal(actual.getObject(1)));
      for (Class<?> getter : getters) {
        same(
            out,
            sql,
            "getObject(" + getter.getSimpleName() + ")",
            typed(expected, getter),
            typed(actual, getter));
      }
      ResultSetMetaData want = expected.getMetaData();
      ResultSetMetaData got = actual.getMetaData();
      same(out, sql, "getColumnType", want.getColumnType(1), got.getColumnType(1));
      same(out, sql, "getColumnTypeName", want.getColumnTypeName(1), got.getColumnTypeName(1));
      same(out, sql, "getColumnClassName", want.getColumnClassName(1), got.getColumnClassName(1));
      same(out, sql, "getPrecision", want.getPrecision(1), got.getPrecision(1));
      same(out, sql, "getScale", want.getScale(1), got.getScale(1));
      same(out, sql, "getColumnLabel", want.getColumnLabel(1), got.getColumnLabel(1));
      same(out, sql, "wasNull", expected.wasNull(), actual.wasNull());
    }
  }

  /** The typed getter's value, or the SQLState and message of its failure (pgJDBC refuses some). */
  private static Object typed(ResultSet rows, Class<?> type) {
    try {
      return normal(rows.getObject(1, type));
    } catch (SQLException e) {
      return "failed " + e.getSQLState() + ": " + e.getMessage();
    }
  }

  /** Arrays and byte arrays compared by content; a java.sql.Array by its elements. */
  private static Object normal(Object value) throws SQLException {
    if (value instanceof java.sql.SQLXML xml) {
      return "SQLXML " + xml.getString();
    }
    if (value instanceof Array array) {
      return normal(array.getArray());
    }
    if (value instanceof Object[] elements) {
      return Arrays.deepToString(elements);
    }
    if (value instanceof byte[] bytes) {
      return Arrays.toString(bytes);
    }
    if (value instanceof Map<?, ?> map) {
      return map.toString();
    }
    return value;
  }

  private static void same(List<String> out, String sql, String what, Object want, Object got) {
    if (want == null ? got != null : !want.equals(got)) {
      out.add(sql + " " + what + ": TCP " + want + ", HTTP " + got);
    }
  }
}

package dev.neonjdbc.internal.transport.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** Reads one result object of the SQL-over-HTTP response into an {@link HttpSqlResult}. */
final class HttpSqlResponses {
  private HttpSqlResponses() {}

  static HttpSqlResult result(Object json) throws PSQLException {
    if (!(json instanceof Map<?, ?> map)) {
      throw malformed("a result that is not an object");
    }
    String command = map.get("command") instanceof String s ? s : "";
    long rowCount = map.get("rowCount") instanceof Double d ? d.longValue() : -1;
    List<HttpSqlResult.Column> fields = new ArrayList<>();
    boolean returnsRows = false;
    if (map.get("fields") instanceof List<?> described) {
      for (Object field : described) {
        if (!(field instanceof Map<?, ?> f)) {
          throw malformed("a field that is not an object");
        }
        fields.add(
            new HttpSqlResult.Column(
                String.valueOf(f.get("name")),
                number(f.get("dataTypeID")),
                number(f.get("tableID")),
                number(f.get("columnID")),
                number(f.get("dataTypeSize")),
                f.containsKey("dataTypeModifier") ? number(f.get("dataTypeModifier")) : -1));
      }
      returnsRows = !fields.isEmpty();
    }
    List<String[]> rows = new ArrayList<>();
    if (map.get("rows") instanceof List<?> listed) {
      for (Object row : listed) {
        if (!(row instanceof List<?> values) || values.size() != fields.size()) {
          throw malformed("a row that is not an array of " + fields.size() + " values");
        }
        String[] text = new String[values.size()];
        for (int i = 0; i < text.length; i++) {
          Object value = values.get(i);
          text[i] = value == null ? null : value.toString();
        }
        rows.add(text);
      }
    }
    return new HttpSqlResult(command, rowCount, fields, rows, returnsRows);
  }

  private static int number(Object value) {
    return value instanceof Double d ? (int) d.longValue() : 0;
  }

  static PSQLException malformed(String what) {
    return new PSQLException(
        "The SQL-over-HTTP endpoint sent a response that cannot be read: " + what,
        PSQLState.PROTOCOL_VIOLATION);
  }
}

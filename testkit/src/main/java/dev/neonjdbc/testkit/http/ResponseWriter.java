package dev.neonjdbc.testkit.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the JSON of a response the way Neon's {@code query_to_json} and {@code write_fields} do
 * ({@code proxy/src/serverless/sql_over_http.rs}): per query {@code fields} (name, dataTypeID,
 * tableID, columnID, dataTypeSize, dataTypeModifier, format {@code "text"}), {@code rows} (arrays
 * or objects by column name), {@code command} and {@code rowCount} from the command tag, {@code
 * rowAsArray}; a batch wraps them in {@code {"results": […]}}.
 *
 * <p>The response limit applies as in Neon: before each row is written, a response already longer
 * than the limit fails with {@code response is too large (max is N bytes)}. Rows arrive in full
 * before they are written (the kit needs the column types first); a result whose raw text alone
 * passes the limit fails early, so a huge result never sits in memory.
 */
final class ResponseWriter {
  private final long limit;
  private final boolean raw;
  private final TypeCatalog.Converter types;
  private final StringBuilder out = new StringBuilder();
  private long bytes;
  private int counted;
  private boolean batch;
  private int results;

  ResponseWriter(long limit, boolean raw, TypeCatalog.Converter types) {
    this.limit = limit;
    this.raw = raw;
    this.types = types;
  }

  void beginBatch() {
    batch = true;
    out.append("{\"results\":[");
  }

  void endBatch() {
    out.append("]}");
  }

  /** Runs one query on {@code session} and writes its result. */
  void query(WireSession session, String sql, List<String> params, boolean arrayMode)
      throws IOException, PgErrorException, WireSession.ResponseTooLargeException {
    List<WireSession.Column> columns = new ArrayList<>();
    List<byte[][]> rows = new ArrayList<>();
    long[] rawBytes = {0};
    String tag =
        session.extendedQuery(
            sql,
            params,
            new WireSession.ResultSink() {
              @Override
              public void columns(List<WireSession.Column> described) {
                columns.addAll(described);
              }

              @Override
              public void row(byte[][] values) throws WireSession.ResponseTooLargeException {
                for (byte[] value : values) {
                  rawBytes[0] += value == null ? 0 : value.length;
                }
                if (size() + rawBytes[0] > limit) {
                  throw tooLarge();
                }
                rows.add(values);
              }
            });
    PgTextJson json = null;
    if (!raw) {
      types.ensureKnown(columns.stream().map(WireSession.Column::typeOid).toList());
      json = types.json();
    }
    if (batch && results++ > 0) {
      out.append(',');
    }
    out.append("{\"fields\":[");
    for (int i = 0; i < columns.size(); i++) {
      WireSession.Column column = columns.get(i);
      if (i > 0) {
        out.append(',');
      }
      out.append("{\"name\":");
      Json.quote(out, column.name());
      out.append(",\"dataTypeID\":").append(Integer.toUnsignedLong(column.typeOid()));
      out.append(",\"tableID\":").append(Integer.toUnsignedLong(column.tableOid()));
      out.append(",\"columnID\":").append(column.columnId());
      out.append(",\"dataTypeSize\":").append(column.typeSize());
      out.append(",\"dataTypeModifier\":").append(column.typeModifier());
      out.append(",\"format\":\"text\"}");
    }
    out.append("],\"rows\":[");
    for (int r = 0; r < rows.size(); r++) {
      if (size() > limit) {
        throw tooLarge();
      }
      if (r > 0) {
        out.append(',');
      }
      writeRow(columns, rows.get(r), arrayMode, json);
    }
    out.append("],\"command\":");
    String[] words = tag.split(" ");
    Json.quote(out, words[0]);
    String count =
        words[0].equals("INSERT")
            ? (words.length > 2 ? words[2] : null)
            : (words.length > 1 ? words[1] : null);
    out.append(",\"rowCount\":").append(parseCount(count));
    out.append(",\"rowAsArray\":").append(arrayMode).append('}');
  }

  private void writeRow(
      List<WireSession.Column> columns, byte[][] values, boolean arrayMode, PgTextJson json) {
    out.append(arrayMode ? '[' : '{');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      if (!arrayMode) {
        Json.quote(out, columns.get(i).name());
        out.append(':');
      }
      if (values[i] == null) {
        out.append("null");
        continue;
      }
      String text = new String(values[i], StandardCharsets.UTF_8);
      if (json == null) {
        Json.quote(out, text);
      } else {
        json.append(out, text, columns.get(i).typeOid());
      }
    }
    out.append(arrayMode ? ']' : '}');
  }

  private static String parseCount(String count) {
    if (count == null) {
      return "null";
    }
    try {
      return Long.toString(Long.parseLong(count));
    } catch (NumberFormatException e) {
      return "null";
    }
  }

  private WireSession.ResponseTooLargeException tooLarge() {
    return new WireSession.ResponseTooLargeException(
        "response is too large (max is " + limit + " bytes)");
  }

  /** UTF-8 length of what is written so far, counted incrementally. */
  private long size() {
    if (counted < out.length()) {
      bytes += out.substring(counted).getBytes(StandardCharsets.UTF_8).length;
      counted = out.length();
    }
    return bytes;
  }

  /** The response body. */
  String toJson() {
    return out.toString();
  }
}

package dev.neonjdbc.internal.transport.http;

import java.util.List;

/**
 * One statement's result as Neon's SQL-over-HTTP endpoint returns it in array mode with raw text
 * output: the command tag's verb, the row count (null for commands without one) and, for statements
 * that return rows, the row description and the rows as Postgres text values.
 *
 * @param command the command tag's first word ({@code SELECT}, {@code INSERT}, ...)
 * @param rowCount the tag's row count, or -1 when the tag has none
 * @param fields the row description; empty for a statement that returns no rows
 * @param rows each row's values in text form, {@code null} for SQL NULL
 * @param returnsRows whether the statement described rows (a query with zero rows still does)
 */
public record HttpSqlResult(
    String command, long rowCount, List<Column> fields, List<String[]> rows, boolean returnsRows) {

  /**
   * One column of the row description, named as in Neon's {@code fields} entries ({@code
   * proxy/src/serverless/sql_over_http.rs}, which copies Postgres' RowDescription).
   *
   * @param name the column label
   * @param typeOid {@code dataTypeID}
   * @param tableOid {@code tableID}, 0 when the column is not a table's
   * @param columnNumber {@code columnID}, 0 when the column is not a table's
   * @param typeSize {@code dataTypeSize}
   * @param typeModifier {@code dataTypeModifier}
   */
  public record Column(
      String name, int typeOid, int tableOid, int columnNumber, int typeSize, int typeModifier) {}
}

package dev.neonjdbc.internal.transport.http;

import java.sql.SQLException;

/**
 * The endpoint refused a request (413) or a result (507) as over its size limit. For a read the
 * statement is run again over a session; for a write that may have run it is raised as is.
 */
public final class ResultTooLargeException extends SQLException {
  private static final long serialVersionUID = 1L;

  /** SQLState 54000, program_limit_exceeded. */
  static final String STATE = "54000";

  ResultTooLargeException(int status, String body) {
    super(
        "The SQL-over-HTTP endpoint refused the "
            + (status == 413 ? "request" : "result")
            + " as too large (HTTP "
            + status
            + "): "
            + (body.length() > 200 ? body.substring(0, 200) : body),
        STATE);
  }
}

package dev.neonjdbc.testkit.http;

import java.util.List;
import java.util.Map;

/**
 * One request the {@link HttpSqlEndpoint} answered, for tests that check what went over HTTP.
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param path the request path, e.g. {@code /sql}
 * @param headers request headers by lower-case name, without secrets: {@code
 *     neon-connection-string} with its password replaced by {@code ****}, no {@code authorization}
 *     or {@code cookie}
 * @param queries the SQL texts of the body, in order (one for a single query, empty when the body
 *     could not be read)
 * @param batch whether the body was a batch ({@code {"queries": […]}})
 * @param status the HTTP status answered
 * @param sqlState the SQLState of an error answer that carried one, else {@code null}
 * @param message the error message of an error answer, else {@code null}
 */
public record HttpSqlRequest(
    String method,
    String path,
    Map<String, String> headers,
    List<String> queries,
    boolean batch,
    int status,
    String sqlState,
    String message) {

  /** The header {@code name} (any case), or {@code null}. */
  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }
}

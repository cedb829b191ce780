package dev.neonjdbc.internal.transport.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * Sends statements to Neon's SQL-over-HTTP endpoint and reads their results.
 *
 * <p>The protocol followed, from {@code neondatabase/neon} ({@code proxy/src/serverless/
 * sql_over_http.rs}, {@code http_util.rs}, {@code json.rs}) and {@code neondatabase/serverless}
 * ({@code src/httpQuery.ts}): a {@code POST} whose {@code Neon-Connection-String} header carries
 * the credentials and database; {@code Neon-Raw-Text-Output: true} so every value comes back as
 * Postgres' own text form (decoded here by pgJDBC's codecs), {@code Neon-Array-Mode: true} so rows
 * are arrays; a body {@code {"query": ..., "params": [...]}} for one statement, {@code {"queries":
 * [...]}} for a batch, which the proxy runs as one transaction (isolation, read-only and deferrable
 * in {@code Neon-Batch-*} headers). A result is {@code {"command", "rowCount", "fields", "rows"}};
 * a batch's are in {@code "results"}. An error is a non-2xx status with a JSON body of the Postgres
 * error fields ({@link HttpSqlErrors}); a result over the proxy's limit is status 507, a request
 * over it 413 ({@link ResultTooLargeException}).
 *
 * <p>One {@link HttpClient} (HTTP/2, kept-alive connections) is shared by every connection with the
 * same trust anchors, so a warm connection to the endpoint serves every logical connection.
 */
public final class HttpSqlClient {
  private static final Map<String, HttpClient> CLIENTS = new ConcurrentHashMap<>();

  private final URI endpoint;
  private final String connectionString;
  private final HttpClient client;

  private HttpSqlClient(URI endpoint, String connectionString, HttpClient client) {
    this.endpoint = endpoint;
    this.connectionString = connectionString;
    this.client = client;
  }

  /**
   * A client for {@code endpoint}, authenticating with {@code connectionString}, trusting what
   * {@code pgjdbc} ({@code sslrootcert}) names.
   *
   * @throws SQLException (08001) for an unencrypted URL to a host that is not loopback
   */
  public static HttpSqlClient create(URI endpoint, String connectionString, Properties pgjdbc)
      throws SQLException {
    if (!"https".equalsIgnoreCase(endpoint.getScheme()) && !isLoopback(endpoint.getHost())) {
      throw new SQLException(
          "oneShotUrl "
              + endpoint
              + " is not https: only a loopback host may be reached without TLS",
          "08001");
    }
    String key = HttpTls.trustKey(pgjdbc);
    HttpClient client = CLIENTS.get(key);
    if (client == null) {
      client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_2)
              .sslContext(HttpTls.context(pgjdbc))
              .connectTimeout(Duration.ofSeconds(30))
              .build();
      HttpClient raced = CLIENTS.putIfAbsent(key, client);
      if (raced != null) {
        client = raced;
      }
    }
    return new HttpSqlClient(endpoint, connectionString, client);
  }

  private static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The endpoint's URL. */
  public URI endpoint() {
    return endpoint;
  }

  /** A request in flight, which {@link #cancel} aborts from another thread. */
  public static final class Call {
    private volatile CompletableFuture<?> future;
    private volatile boolean cancelled;

    /** Aborts the request: the statement's thread gets SQLState 57014, as for a cancelled query. */
    public void cancel() {
      cancelled = true;
      CompletableFuture<?> running = future;
      if (running != null) {
        running.cancel(true);
      }
    }
  }

  /**
   * Runs one statement.
   *
   * @param sql the statement, with {@code $n} parameters
   * @param params the parameters in text form ({@code null} for NULL)
   * @param timeoutSeconds the statement's timeout, 0 for none
   * @param call the handle that can cancel it
   */
  public HttpSqlResult query(String sql, List<String> params, int timeoutSeconds, Call call)
      throws SQLException {
    StringBuilder body = new StringBuilder(sql.length() + 32);
    appendQuery(body, sql, params);
    Object response = send(body.toString(), Map.of(), timeoutSeconds, call);
    return HttpSqlResponses.result(response);
  }

  /**
   * Runs statements as one transaction (Neon's batch query).
   *
   * @param statements each statement with its text parameters
   */
  public List<HttpSqlResult> batch(
      List<String> statements, List<List<String>> params, int timeoutSeconds, Call call)
      throws SQLException {
    StringBuilder body = new StringBuilder("{\"queries\":[");
    for (int i = 0; i < statements.size(); i++) {
      if (i > 0) {
        body.append(',');
      }
      appendQuery(body, statements.get(i), params.get(i));
    }
    body.append("]}");
    Object response = send(body.toString(), Map.of(), timeoutSeconds, call);
    if (!(response instanceof Map<?, ?> map) || !(map.get("results") instanceof List<?> list)) {
      throw HttpSqlResponses.malformed("a batch response without results");
    }
    List<HttpSqlResult> results = new ArrayList<>(list.size());
    for (Object each : list) {
      results.add(HttpSqlResponses.result(each));
    }
    return results;
  }

  private static void appendQuery(StringBuilder body, String sql, List<String> params) {
    body.append("{\"query\":");
    JsonText.quote(body, sql);
    body.append(",\"params\":[");
    for (int i = 0; i < params.size(); i++) {
      if (i > 0) {
        body.append(',');
      }
      JsonText.quote(body, params.get(i));
    }
    body.append("]}");
  }

  private Object send(String body, Map<String, String> headers, int timeoutSeconds, Call call)
      throws SQLException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json")
            .header("Neon-Connection-String", connectionString)
            .header("Neon-Raw-Text-Output", "true")
            .header("Neon-Array-Mode", "true")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    if (timeoutSeconds > 0) {
      request.timeout(Duration.ofSeconds(timeoutSeconds));
    }
    CompletableFuture<HttpResponse<String>> future =
        client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    call.future = future;
    if (call.cancelled) {
      future.cancel(true);
    }
    HttpResponse<String> response;
    try {
      response = future.get();
    } catch (CancellationException e) {
      throw cancelled();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new PSQLException(
          "Interrupted while waiting for the SQL-over-HTTP endpoint", PSQLState.QUERY_CANCELED, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        throw cancelled();
      }
      if (call.cancelled) {
        throw cancelled();
      }
      throw new PSQLException(
          "The SQL-over-HTTP endpoint " + endpoint + " could not be reached: " + cause,
          PSQLState.CONNECTION_FAILURE,
          cause instanceof IOException ? cause : e);
    } finally {
      call.future = null;
    }
    int status = response.statusCode();
    if (status == 413 || status == 507) {
      throw new ResultTooLargeException(status, response.body());
    }
    if (status / 100 != 2) {
      throw HttpSqlErrors.fromResponse(status, response.body());
    }
    try {
      return JsonText.parse(response.body());
    } catch (IllegalArgumentException e) {
      throw HttpSqlResponses.malformed(e.getMessage());
    }
  }

  private static PSQLException cancelled() {
    // pgJDBC's wording when a timeout or cancel() ends a statement.
    return new PSQLException(
        "ERROR: canceling statement due to user request", PSQLState.QUERY_CANCELED);
  }
}

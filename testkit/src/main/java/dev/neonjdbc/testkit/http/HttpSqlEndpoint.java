package dev.neonjdbc.testkit.http;

import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.ws.PemTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An HTTP SQL endpoint shaped like Neon's SQL-over-HTTP ({@code POST https://api.DOMAIN/sql}),
 * backed by a stack's PostgreSQL, for tests of HTTP one-shot clients (Neon's own {@code neon()}
 * from {@code @neondatabase/serverless} among them).
 *
 * <p>What it follows in {@code neondatabase/neon}: {@code proxy/src/serverless/sql_over_http.rs}
 * (headers {@code Neon-Connection-String}, {@code Neon-Raw-Text-Output}, {@code Neon-Array-Mode},
 * {@code Neon-Batch-Isolation-Level}/{@code -Read-Only}/{@code -Deferrable}; single and batch
 * bodies; the batch as one transaction; the response and error JSON; 413, 507 and their messages;
 * {@code Access-Control-Allow-Origin: *}), {@code json.rs} (parameters to text, text to JSON),
 * {@code http_util.rs} ({@code get_conn_info}), {@code error.rs} (messages), {@code
 * conn_pool_lib.rs} with {@code libs/proxy/tokio-postgres2/src/client.rs} (sessions pooled per
 * database and role, reset before reuse, thrown away after an error or when left in a transaction)
 * and {@code tokio-postgres2/src/query.rs} ({@code query_raw_txt}: unnamed statement, untyped text
 * parameters, text results). See {@link SqlOverHttp} for the steps.
 *
 * <p>It listens on {@code 127.0.0.1} with TLS from the kit's CA: a certificate for {@link
 * #hostName()} ({@code api.local.aws.neon.tech}), {@code *.DOMAIN} and the loopback names. The Neon
 * names do not resolve, so clients connect to {@link #address()}: {@link #loopbackUrl()} works
 * as-is (the certificate names {@code 127.0.0.1}); clients that can pin a name to an address
 * (Node's {@code https} {@code lookup}) use {@link #url()} and keep SNI and host name checks.
 *
 * <p>Requests are logged ({@link #requests()}) without secrets. A client that goes away while its
 * request runs (an aborted request, a timeout) cancels the running query, as on Neon; the log then
 * shows Neon's {@code Query cancelled, connection was terminated}. HTTP/1.1 with keep-alive ({@link
 * HttpsListener}), where Neon's proxy also offers HTTP/2. One difference from Neon: an empty array
 * in non-raw output is {@code []}.
 */
public final class HttpSqlEndpoint implements AutoCloseable {
  /** Neon's default request limit ({@code sql_over_http_max_request_size_bytes}): 10 MiB. */
  public static final long DEFAULT_REQUEST_LIMIT = 10L * 1024 * 1024;

  /** Neon's default response limit ({@code sql_over_http_max_response_size_bytes}): 10 MiB. */
  public static final long DEFAULT_RESPONSE_LIMIT = 10L * 1024 * 1024;

  /** The path Neon serves SQL on. */
  public static final String PATH = "/sql";

  private static final String LOOPBACK = "127.0.0.1";

  private final String hostName;
  private final HttpsListener listener;
  private final SessionPool pool = new SessionPool();
  private final SqlOverHttp sql;
  private final List<HttpSqlRequest> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile long requestLimit = DEFAULT_REQUEST_LIMIT;
  private volatile long responseLimit = DEFAULT_RESPONSE_LIMIT;

  private HttpSqlEndpoint(
      String domain,
      Path certificate,
      Path key,
      Function<String, InetSocketAddress> computes,
      String endpointNotFound) {
    this.hostName = "api." + domain;
    this.sql = new SqlOverHttp(pool, new TypeCatalog(), computes, endpointNotFound);
    try {
      listener =
          new HttpsListener(
              PemTls.serverContext(certificate, key), LOOPBACK, this::answer, () -> requestLimit);
    } catch (IOException e) {
      throw new NeonStackException("the HTTP SQL endpoint cannot listen: " + e, e);
    }
  }

  /**
   * Starts an endpoint and returns once it listens.
   *
   * @param domain the Neon domain, e.g. {@code local.aws.neon.tech}; the endpoint is {@code
   *     api.DOMAIN}
   * @param certificate PEM certificate valid for {@code api.DOMAIN} and {@code 127.0.0.1}
   * @param key its PEM PKCS8 key
   * @param computes the PostgreSQL address serving an endpoint id ({@code ep-…}, without {@code
   *     -pooler}), {@code null} for an unknown one
   * @param endpointNotFound the message for a connection string naming an unknown endpoint
   * @throws NeonStackException when it cannot listen or read the certificate
   */
  public static HttpSqlEndpoint start(
      String domain,
      Path certificate,
      Path key,
      Function<String, InetSocketAddress> computes,
      String endpointNotFound) {
    return new HttpSqlEndpoint(domain, certificate, key, computes, endpointNotFound);
  }

  /** The endpoint's Neon host name, {@code api.local.aws.neon.tech}. */
  public String hostName() {
    return hostName;
  }

  /** The loopback port it listens on. */
  public int port() {
    return listener.address().getPort();
  }

  /** Where it listens: {@code 127.0.0.1:port()}. */
  public InetSocketAddress address() {
    return listener.address();
  }

  /**
   * {@code https://api.local.aws.neon.tech:PORT/sql}: the Neon URL with the kit's port, for clients
   * that pin {@link #hostName()} to {@link #address()}.
   */
  public String url() {
    return "https://" + hostName + ":" + port() + PATH;
  }

  /** {@code https://127.0.0.1:PORT/sql}: reachable without name resolution, TLS still verified. */
  public String loopbackUrl() {
    return "https://" + LOOPBACK + ":" + port() + PATH;
  }

  /** Every request answered since start or the last {@link #clearRequests()}, oldest first. */
  public List<HttpSqlRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Forgets the logged requests. */
  public void clearRequests() {
    requests.clear();
  }

  /**
   * Sets the request body limit (larger bodies get 413) and the response limit (a response that
   * grows past it gets 507), in bytes; both default to Neon's 10 MiB. Tests that change them put
   * them back with {@link #resetLimits()}.
   */
  public void setLimits(long requestBytes, long responseBytes) {
    if (requestBytes < 0 || responseBytes < 0) {
      throw new IllegalArgumentException("limits must not be negative");
    }
    this.requestLimit = requestBytes;
    this.responseLimit = responseBytes;
  }

  /** Back to Neon's defaults ({@link #DEFAULT_REQUEST_LIMIT}, {@link #DEFAULT_RESPONSE_LIMIT}). */
  public void resetLimits() {
    setLimits(DEFAULT_REQUEST_LIMIT, DEFAULT_RESPONSE_LIMIT);
  }

  /** The request body limit in bytes. */
  public long requestLimit() {
    return requestLimit;
  }

  /** The response limit in bytes. */
  public long responseLimit() {
    return responseLimit;
  }

  /** PostgreSQL logins made so far: a request served by a pooled session adds none. */
  public long logins() {
    return pool.logins();
  }

  /** Idle PostgreSQL sessions held by the pool. */
  public int idleSessions() {
    return pool.idleSessions();
  }

  /** Stops listening and closes every pooled session. */
  @Override
  public void close() {
    listener.close();
    pool.close();
  }

  @Override
  public String toString() {
    return "HttpSqlEndpoint[" + url() + "]";
  }

  private HttpsListener.Answer answer(
      HttpsListener.Request request, long limit, HttpsListener.Cancellation cancellation) {
    Map<String, String> headers = request.headers();
    String method = request.method();
    String path = request.path();
    List<String> queries = new ArrayList<>();
    SqlOverHttp.Answer answer;
    if (!path.equals(PATH)) {
      answer = plainAnswer(404, "{\"message\":\"Not found\"}");
    } else if (method.equals("OPTIONS")) {
      answer = corsPreflight();
    } else if (!method.equals("POST")) {
      answer = plainAnswer(400, "{\"message\":\"method not allowed\"}");
    } else {
      try {
        answer = sql.handle(headers, request.body(), limit, responseLimit, queries, cancellation);
      } catch (RuntimeException e) {
        // Neon's JsonConversionError: the compute sent what the proxy cannot convert.
        answer = plainAnswer(500, "{\"message\":\"could not parse postgres response\"}");
      }
    }
    Map<String, String> responseHeaders = new LinkedHashMap<>();
    responseHeaders.put("Content-Type", "application/json");
    responseHeaders.put("Access-Control-Allow-Origin", "*");
    responseHeaders.putAll(answer.headers());
    requests.add(
        new HttpSqlRequest(
            method,
            path,
            withoutSecrets(headers),
            List.copyOf(queries),
            isBatch(answer, queries),
            answer.status(),
            answer.sqlState(),
            answer.message()));
    return new HttpsListener.Answer(
        answer.status(), responseHeaders, answer.body().getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isBatch(SqlOverHttp.Answer answer, List<String> queries) {
    return answer.body().startsWith("{\"results\"") || queries.size() > 1;
  }

  private static SqlOverHttp.Answer plainAnswer(int status, String body) {
    return new SqlOverHttp.Answer(status, body, Map.of(), null, null);
  }

  private static SqlOverHttp.Answer corsPreflight() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Access-Control-Allow-Methods", "POST");
    headers.put(
        "Access-Control-Allow-Headers",
        "Authorization, Neon-Connection-String, Neon-Raw-Text-Output, Neon-Array-Mode,"
            + " Neon-Pool-Opt-In, Neon-Batch-Read-Only, Neon-Batch-Isolation-Level,"
            + " Neon-Batch-Deferrable");
    return new SqlOverHttp.Answer(200, "", headers, null, null);
  }

  private static Map<String, String> withoutSecrets(Map<String, String> headers) {
    Map<String, String> clean = new LinkedHashMap<>();
    headers.forEach(
        (name, value) -> {
          if (name.equals(ConnectionInfo.HEADER)) {
            clean.put(name, ConnectionInfo.masked(value));
          } else if (!name.equals("authorization") && !name.equals("cookie")) {
            clean.put(name, value);
          }
        });
    return Collections.unmodifiableMap(clean);
  }
}

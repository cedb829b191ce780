package dev.neonjdbc.testkit.http;

import dev.neonjdbc.testkit.NeonStack;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client of the kit's HTTP SQL endpoint for tests: {@code java.net.http.HttpClient} trusting the
 * kit's CA, posting to {@link HttpSqlEndpoint#loopbackUrl()} with Neon's headers.
 */
final class HttpSqlClient {
  /** A response: status, headers and the body parsed as JSON. */
  record Response(int status, HttpResponse<String> raw, Object json) {
    @SuppressWarnings("unchecked")
    Map<String, Object> object() {
      return (Map<String, Object>) json;
    }

    /** {@code rows} of a single result. */
    @SuppressWarnings("unchecked")
    List<Object> rows() {
      return (List<Object>) object().get("rows");
    }

    /** The first row of a single result in array mode. */
    @SuppressWarnings("unchecked")
    List<Object> firstRow() {
      return (List<Object>) rows().get(0);
    }

    /** {@code results} of a batch. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> results() {
      return (List<Map<String, Object>>) object().get("results");
    }

    String field(String name) {
      Object value = object().get(name);
      if (value instanceof Json.Number number) {
        return number.literal();
      }
      return value == null ? null : String.valueOf(value);
    }
  }

  private final HttpClient client;
  private final SSLContext tls;
  private final HttpSqlEndpoint endpoint;
  private final String connectionString;

  HttpSqlClient(NeonStack stack) throws Exception {
    this(stack, stack.httpSqlConnectionString().orElseThrow());
  }

  HttpSqlClient(NeonStack stack, String connectionString) throws Exception {
    this.endpoint = stack.httpSql().orElseThrow();
    this.connectionString = connectionString;
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(stack.trustStore())) {
      trust.load(in, stack.trustStorePassword().toCharArray());
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    this.tls = SSLContext.getInstance("TLS");
    tls.init(null, factory.getTrustManagers(), null);
    this.client =
        HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
  }

  /**
   * Posts {@code {"query": sql, "params": params}} in raw-text array mode, as Neon's driver does.
   */
  Response query(String sql, Object... params) throws Exception {
    return post(single(sql, params), neonHeaders(true, true));
  }

  /** Posts a body with the given extra headers (plus the connection string). */
  Response post(String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(endpoint.loopbackUrl()))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (connectionString != null) {
      request.header("Neon-Connection-String", connectionString);
    }
    headers.forEach(request::header);
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    Object json = response.body().isEmpty() ? null : Json.parse(response.body());
    return new Response(response.statusCode(), response, json);
  }

  /** A raw TLS socket to the endpoint, trusting the kit's CA, for tests that speak HTTP by hand. */
  SSLSocket openSocket() throws Exception {
    SSLSocket socket =
        (SSLSocket)
            tls.getSocketFactory()
                .createSocket(endpoint.address().getAddress(), endpoint.address().getPort());
    socket.startHandshake();
    return socket;
  }

  /** Neon's output headers. */
  static Map<String, String> neonHeaders(boolean raw, boolean arrayMode) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Neon-Raw-Text-Output", String.valueOf(raw));
    headers.put("Neon-Array-Mode", String.valueOf(arrayMode));
    return headers;
  }

  /** {@code {"query": sql, "params": [...]}}; params are Strings, numbers, booleans or null. */
  static String single(String sql, Object... params) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", sql);
    body.put("params", java.util.Arrays.stream(params).map(HttpSqlClient::jsonValue).toList());
    return Json.toJson(body);
  }

  /** {@code {"queries": [{"query": …}, …]}} of parameterless queries. */
  static String batch(String... sqls) {
    List<Object> queries =
        List.of(sqls).stream()
            .map(sql -> (Object) Map.of("query", sql, "params", List.of()))
            .toList();
    return Json.toJson(Map.of("queries", queries));
  }

  private static Object jsonValue(Object value) {
    if (value instanceof Number number && !(value instanceof Json.Number)) {
      return new Json.Number(number.toString());
    }
    return value;
  }
}

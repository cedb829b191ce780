package dev.neonjdbc.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.http.HttpSqlEndpoint;
import dev.neonjdbc.testkit.http.HttpSqlRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/** Connections of the one-shot tests: the kit's Neon front for sessions, its HTTP SQL endpoint. */
final class HttpSupport {
  private static final AtomicLong NAMES = new AtomicLong();

  private HttpSupport() {}

  /** The kit's HTTP endpoint, or the test is skipped (with the kit's reason). */
  static HttpSqlEndpoint endpointOf(NeonStack stack) {
    assumeTrue(stack.httpSql().isPresent(), stack::httpSqlUnavailableReason);
    assumeTrue(stack.frontNeonJdbcUrl().isPresent(), "the provider runs no Neon front");
    return stack.httpSql().orElseThrow();
  }

  /** The front's {@code jdbc:neon:} URL with {@code oneShot=http} and the kit's endpoint. */
  static String httpUrl(NeonStack stack, HttpSqlEndpoint endpoint) {
    return stack.frontNeonJdbcUrl().orElseThrow()
        + "&oneShot=http&oneShotUrl="
        + URLEncoder.encode(endpoint.loopbackUrl(), StandardCharsets.UTF_8);
  }

  /** A connection with {@code oneShot=http}, plus {@code extra} URL parameters. */
  static Connection openHttp(NeonStack stack, HttpSqlEndpoint endpoint, String extra)
      throws SQLException {
    return DriverManager.getConnection(httpUrl(stack, endpoint) + extra, stack.credentials());
  }

  /** The same front URL without the one-shot route: every statement on a session (TCP). */
  static Connection openTcp(NeonStack stack) throws SQLException {
    return DriverManager.getConnection(stack.frontNeonJdbcUrl().orElseThrow(), stack.credentials());
  }

  static Connection openTcp(NeonStack stack, Properties credentials) throws SQLException {
    return DriverManager.getConnection(stack.frontNeonJdbcUrl().orElseThrow(), credentials);
  }

  static String unique(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }

  static void run(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** The SQL texts the endpoint received since {@code from} requests were logged. */
  static List<String> sqlSince(HttpSqlEndpoint endpoint, int from) {
    return endpoint.requests().subList(from, endpoint.requests().size()).stream()
        .flatMap(request -> request.queries().stream())
        .toList();
  }

  /** The requests the endpoint answered since {@code from}. */
  static List<HttpSqlRequest> requestsSince(HttpSqlEndpoint endpoint, int from) {
    List<HttpSqlRequest> all = endpoint.requests();
    return all.subList(from, all.size());
  }
}

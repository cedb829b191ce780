package dev.neonjdbc.datasource;

import dev.neonjdbc.EndpointKind;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one check of one endpoint of a {@link NeonDataSource} found ({@link
 * NeonDataSource#checkEndpoints}).
 *
 * @param kind the endpoint: pooled, direct or a read replica's pooled endpoint
 * @param address {@code host:port} of the endpoint (no credentials), or {@code null} when it could
 *     not be told
 * @param status whether it answered
 * @param check how it was checked (see {@link Check})
 * @param latency how long the check took
 * @param error why it is down (the driver's message, passwords masked), or {@code null}
 * @param sqlState the SQLState of the failure, or {@code null}
 */
public record EndpointHealth(
    EndpointKind kind,
    String address,
    Status status,
    Check check,
    Duration latency,
    String error,
    String sqlState) {

  /** Whether an endpoint answered. */
  public enum Status {
    /** It answered within the timeout. */
    UP,
    /** It refused, failed or did not answer within the timeout. */
    DOWN,
    /** It was not checked (see {@link EndpointHealth#error()} for why). */
    UNKNOWN
  }

  /** How an endpoint was checked. */
  public enum Check {
    /**
     * {@code SELECT 1} through a logical connection of the data source: the work the application
     * does anyway (on the pooled endpoint a PgBouncer client, no PostgreSQL backend of its own).
     */
    QUERY,
    /** An idle session of the direct pool, borrowed and validated ({@code isValid}). */
    IDLE_SESSION,
    /**
     * A TCP connect and PostgreSQL's SSLRequest, answered {@code S} or {@code N} by the server
     * before any login: no session, no authentication, no backend attached to a database.
     */
    SSL_REQUEST,
    /** Not checked. */
    NONE
  }

  /** Whether the endpoint answered. */
  public boolean isUp() {
    return status == Status.UP;
  }

  /**
   * The result as plain values (status, address, check, latencyMillis, error, sqlState; absent
   * entries left out), in a stable order, for health endpoints and logs.
   */
  public Map<String, Object> details() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("status", status.name());
    if (address != null) {
      details.put("address", address);
    }
    details.put("check", check.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    details.put("latencyMillis", latency.toMillis());
    if (error != null) {
      details.put("error", error);
    }
    if (sqlState != null) {
      details.put("sqlState", sqlState);
    }
    return details;
  }
}

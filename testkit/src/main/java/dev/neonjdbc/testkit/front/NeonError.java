package dev.neonjdbc.testkit.front;

import java.util.Locale;

/**
 * The errors the front sends, with the texts and SQLStates of Neon's proxy ({@code
 * neondatabase/neon}, folder {@code proxy/src}; the file each text comes from is named below).
 *
 * <p>Neon's proxy writes every error it raises itself with SQLState {@code XX000} and severity
 * {@code ERROR}, and nothing but severity, code and message ({@code pqproto.rs}, {@code
 * write_error}; {@code stream.rs}, {@code throw_error}: "TODO: either preserve the error code from
 * postgres, or assign error codes to proxy errors"). The one exception here is {@link
 * #ADMIN_SHUTDOWN}, which PostgreSQL itself sends when the compute shuts down, and which the proxy
 * passes through.
 */
public enum NeonError {
  /** No endpoint in SNI, options or password: {@code auth/mod.rs}, {@code MissingEndpointName}. */
  MISSING_ENDPOINT(
      "Endpoint ID is not specified. Either please upgrade the postgres client library (libpq)"
          + " for SNI support or pass the endpoint ID (first part of the domain name) as a"
          + " parameter: '?options=endpoint%%3D<endpoint-id>'. See more at https://neon.tech/sni",
      false),
  /** SNI and options name different endpoints: {@code auth/credentials.rs}. */
  INCONSISTENT_ENDPOINT(
      "Inconsistent project name inferred from SNI ('%s') and project option ('%s').", false),
  /** An endpoint id with characters other than letters, digits, hyphen: {@code credentials.rs}. */
  MALFORMED_ENDPOINT(
      "Project name ('%s') must contain only alphanumeric characters and hyphen.", false),
  /** No {@code user} in the startup packet: {@code auth/credentials.rs}, {@code MissingKey}. */
  MISSING_PARAMETER("Parameter '%s' is missing in startup packet.", false),
  /**
   * An endpoint this front does not serve: the proxy's text for the control plane's 404 ({@code
   * control_plane/messages.rs}, {@code get_user_facing_message}).
   */
  ENDPOINT_NOT_FOUND("Control plane request failed: endpoint cannot be found", false),
  /** Wrong password or unknown role: {@code auth/mod.rs}, {@code PasswordFailed}. */
  PASSWORD_FAILED("password authentication failed for user '%s'", false),
  /** A StartupMessage without TLS on the TCP port: {@code pglb/mod.rs}, ERR_INSECURE_CONNECTION. */
  TLS_REQUIRED("connection is insecure (try using `sslmode=require`)", false),
  /** Channel binding data differ from the front's certificate: {@code scram/exchange.rs}. */
  CHANNEL_BINDING_MISMATCH("insecure connection: secure channel data mismatch", false),
  /** The client could bind but said the server cannot ({@code y}): {@code scram/exchange.rs}. */
  SCRAM_PLUS_NOT_USED("SCRAM-PLUS not used", false),
  /** Any other SASL error as the client sees it: {@code sasl/mod.rs}, {@code to_string_client}. */
  AUTH_PROTOCOL_VIOLATION("authentication protocol violation", false),
  /**
   * The compute cannot be reached (not started yet, or TCP/TLS to it failed): {@code
   * compute/mod.rs}, {@code COULD_NOT_CONNECT}. Retryable: the proxy itself retries it ({@code
   * proxy/connect_compute.rs}).
   */
  COULD_NOT_CONNECT("Couldn't connect to compute node", true),
  /**
   * The control plane failed to wake the compute, without a message for users: {@code
   * control_plane/errors.rs}, {@code REQUEST_FAILED}. Retryable.
   */
  CONTROL_PLANE_REQUEST_FAILED("Control plane request failed", true),
  /**
   * Too many connects wait for the same wake-up: {@code control_plane/errors.rs} and {@code
   * compute/mod.rs}, {@code TooManyConnectionAttempts}. Retryable after a pause.
   */
  TOO_MANY_CONNECTION_ATTEMPTS(
      "Failed to acquire permit to connect to the database. Too many database connection attempts"
          + " are currently ongoing.",
      true),
  /**
   * Sessions cut by a suspend: PostgreSQL's own FATAL for a fast shutdown ({@code
   * src/backend/tcop/postgres.c}, {@code ProcessInterrupts}), passed through by the proxy.
   */
  ADMIN_SHUTDOWN("FATAL", "57P01", "terminating connection due to administrator command", true);

  /**
   * Appended by the proxy to a compute's "unsupported startup parameter" error: {@code
   * compute/mod.rs}, {@code PostgresError::to_string_client}.
   */
  public static final String UNSUPPORTED_STARTUP_PARAMETER_HINT =
      ". Please use unpooled connection or remove this parameter from the startup package. More"
          + " details: https://neon.tech/docs/connect/connection-errors#unsupported-startup-parameter";

  /** The SQLState of every error the proxy raises itself. */
  public static final String PROXY_SQLSTATE = "XX000";

  private final String severity;
  private final String sqlState;
  private final String template;
  private final boolean retryable;

  NeonError(String template, boolean retryable) {
    this("ERROR", PROXY_SQLSTATE, template, retryable);
  }

  NeonError(String severity, String sqlState, String template, boolean retryable) {
    this.severity = severity;
    this.sqlState = sqlState;
    this.template = template;
    this.retryable = retryable;
  }

  /** {@code ERROR}, or {@code FATAL} for {@link #ADMIN_SHUTDOWN}. */
  public String severity() {
    return severity;
  }

  /** {@code XX000} for the proxy's own errors. */
  public String sqlState() {
    return sqlState;
  }

  /** Whether a client should retry the connect (Neon's cold-start and capacity errors). */
  public boolean retryable() {
    return retryable;
  }

  /** The message, with {@code arguments} in place of the {@code %s} in Neon's text. */
  public String message(Object... arguments) {
    return String.format(Locale.ROOT, template, arguments);
  }
}

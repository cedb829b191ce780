package dev.neonjdbc.internal.routing;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Which failed connects are worth another attempt while a compute wakes up, and how long to wait
 * before it.
 *
 * <p>Only the opening of a session is ever retried: the connector calls this for a failed login,
 * before any statement has been sent on the session; a session that fails later is reported, never
 * replaced behind the application's back.
 *
 * <p>Retried:
 *
 * <ul>
 *   <li>the network said no or went away before the login was over: connection refused, no route,
 *       connect timed out, reset, end of stream (a compute that is starting, a server restarting);
 *   <li>{@code 57P03} cannot_connect_now ("the database system is starting up", "… is shutting
 *       down", "… not yet accepting connections"), and the same texts relayed by Neon's proxy;
 *   <li>Neon's proxy errors for a compute it could not reach yet. Neon's proxy sends its own errors
 *       with SQLState {@code XX000} ({@code proxy/src/stream.rs}, {@code throw_error}), so the
 *       message decides: "Couldn't connect to compute node" ({@code COULD_NOT_CONNECT}, {@code
 *       proxy/src/compute/mod.rs}), "Failed to acquire permit to connect to the database" (the
 *       proxy's own limit on concurrent wake-ups, same file), and "Control plane request failed"
 *       without further detail ({@code REQUEST_FAILED}, {@code proxy/src/control_plane/errors.rs}:
 *       the control plane could not be asked; the detailed variants name a missing or disabled
 *       endpoint or exceeded quotas, which another attempt does not fix, as {@code
 *       Reason::can_retry} in {@code proxy/src/control_plane/messages.rs} also decides);
 *   <li>PgBouncer's "server login has been failing, try again later" and "pgbouncer cannot connect
 *       to server": the pooler's server is down or starting.
 * </ul>
 *
 * <p>Never retried: authentication failures ({@code 28P01}, {@code 28000}), any other answer of the
 * server (an unknown database, too many connections, a refused parameter), an unknown host, and a
 * certificate that does not verify.
 */
final class ConnectRetryPolicy {
  /** Texts of server errors that say "not yet", matched case-insensitively as prefixes. */
  private static final List<String> WAKING_PREFIXES =
      List.of(
          "couldn't connect to compute node",
          "failed to acquire permit to connect to the database",
          "the database system is starting up",
          "the database system is not yet accepting connections",
          "the database system is shutting down",
          "server login has been failing",
          "pgbouncer cannot connect to server");

  /** Neon's control-plane error without detail: the request itself failed. */
  private static final String CONTROL_PLANE_UNREACHABLE = "control plane request failed";

  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 2000;

  private ConnectRetryPolicy() {}

  /** Whether a login that failed with {@code error} may be tried again. */
  static boolean isRetryable(SQLException error) {
    ServerErrorMessage server =
        error instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
    if (server != null) {
      return isWaking(error.getSQLState(), server.getMessage());
    }
    return isTransientNetworkFailure(error);
  }

  private static boolean isWaking(String state, String message) {
    if ("28P01".equals(state) || "28000".equals(state)) {
      return false;
    }
    if ("57P03".equals(state)) {
      return true;
    }
    String text = message == null ? "" : message.trim().toLowerCase(Locale.ROOT);
    for (String prefix : WAKING_PREFIXES) {
      if (text.startsWith(prefix)) {
        return true;
      }
    }
    return text.equals(CONTROL_PLANE_UNREACHABLE);
  }

  private static boolean isTransientNetworkFailure(SQLException error) {
    boolean transientCause = false;
    for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof UnknownHostException
          || cause instanceof CertificateException
          || cause instanceof SSLPeerUnverifiedException) {
        return false;
      }
      if (cause instanceof ConnectException
          || cause instanceof NoRouteToHostException
          || cause instanceof SocketTimeoutException
          || cause instanceof EOFException
          || cause instanceof SocketException) {
        transientCause = true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return transientCause;
  }

  /**
   * Milliseconds to wait before attempt {@code attempt + 1} (attempts count from 1): 100 ms,
   * doubling up to 2 s, each with up to a quarter of random spread so that clients woken together
   * do not knock together.
   */
  static long backoffMillis(int attempt) {
    long base = FIRST_BACKOFF_MILLIS << Math.min(attempt - 1, 10);
    long capped = Math.min(base, MAX_BACKOFF_MILLIS);
    return capped - ThreadLocalRandom.current().nextLong(capped / 4 + 1);
  }
}

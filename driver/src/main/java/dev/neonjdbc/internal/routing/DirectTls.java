package dev.neonjdbc.internal.routing;

import dev.neonjdbc.internal.config.Endpoint;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.postgresql.util.PSQLException;

/**
 * Direct TLS ({@code sslNegotiation=direct}): the client starts the TLS handshake at once, with
 * ALPN {@code postgresql}, instead of asking with an SSLRequest first (one round trip fewer).
 * PostgreSQL 17 and Neon's proxy accept it; older servers and PgBouncer do not, and this class
 * tells such a refusal from other failures and remembers, per host and port, who refused.
 *
 * <p>How a refusal shows: a server that does not speak direct TLS reads the ClientHello's first
 * bytes as the length of a startup packet. PostgreSQL before 17 finds it absurd ("invalid length of
 * startup packet" in its log) and closes the connection without a word, so the handshake ends in an
 * end of stream ({@code SSLHandshakeException} "Remote host terminated the handshake", caused by an
 * {@code EOFException}). PgBouncer answers with a plaintext error packet, which the handshake reads
 * as a record that is not TLS ({@code SSLException} "Unsupported or unrecognized SSL message").
 * PgBouncer 1.24 says nothing and waits, so the handshake read times out after {@code
 * connectTimeout}: that too is a refusal, paid once per host in ten minutes. Either way the
 * handshake failed before the server sent anything of TLS, so no certificate was seen: a failure
 * about a certificate is never taken for a refusal.
 */
final class DirectTls {
  /** How long a refusal is remembered before direct TLS is tried on that host again. */
  static final long REMEMBER_NANOS = TimeUnit.MINUTES.toNanos(10);

  private static final Map<String, Long> REFUSED_UNTIL = new ConcurrentHashMap<>();

  private DirectTls() {}

  /** Whether {@code endpoint} refused direct TLS within the last ten minutes. */
  static boolean refusedRecently(Endpoint endpoint) {
    Long until = REFUSED_UNTIL.get(key(endpoint));
    if (until == null) {
      return false;
    }
    if (until - System.nanoTime() > 0) {
      return true;
    }
    REFUSED_UNTIL.remove(key(endpoint), until);
    return false;
  }

  /** Remembers that {@code endpoint} refused direct TLS. */
  static void rememberRefusal(Endpoint endpoint) {
    REFUSED_UNTIL.put(key(endpoint), System.nanoTime() + REMEMBER_NANOS);
  }

  /**
   * Whether a connect with direct TLS failed because the server does not speak it: the TLS
   * handshake failed, the server sent no error of its own, and no certificate was involved.
   */
  static boolean isRefusal(SQLException error) {
    if (error instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      return false;
    }
    // PgBouncer 1.24 reads the ClientHello as the start of a very long startup packet and waits
    // for the rest: pgJDBC's handshake read times out ("SSL error", SocketTimeoutException).
    boolean handshakeFailed =
        error.getMessage() != null
            && error.getMessage().startsWith("SSL error")
            && error.getCause() instanceof SocketTimeoutException;
    for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof CertificateException || cause instanceof SSLPeerUnverifiedException) {
        return false;
      }
      if (cause instanceof SSLException) {
        handshakeFailed = true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return handshakeFailed;
  }

  private static String key(Endpoint endpoint) {
    return endpoint.host().toLowerCase(Locale.ROOT) + ":" + endpoint.port();
  }
}

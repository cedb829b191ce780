package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.config.ConfigErrors;
import dev.neonjdbc.internal.config.Endpoint;
import dev.neonjdbc.internal.transport.LoginDeadline;
import dev.neonjdbc.internal.transport.LoginSocketFactory;
import dev.neonjdbc.spi.RoutingEvents;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one physical pgJDBC session: the attempts, the fallback from direct TLS, the retries while
 * a compute wakes up, and the overall login deadline.
 *
 * <p>A session is opened before any statement is sent on it, so retrying here never repeats work: a
 * statement that fails on an open session is never retried (see {@link ConnectRetryPolicy}).
 */
final class SessionLogin {
  private static final Logger LOG = LoggerFactory.getLogger(SessionLogin.class);
  private static final org.postgresql.Driver PGJDBC = new org.postgresql.Driver();
  private static final String SOCKET_FACTORY = "socketFactory";
  private static final String CONNECT_TIMEOUT = "connectTimeout";
  private static final String SSL_NEGOTIATION = "sslNegotiation";
  private static final int PGJDBC_DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

  private final boolean retry;
  private final long loginTimeoutMillis;
  private final boolean directTls;

  /**
   * @param retry whether failed logins are retried ({@code connectRetry})
   * @param loginTimeoutMillis the overall deadline for one session, 0 for none
   * @param directTls whether to try direct TLS first (already checked against sslmode and
   *     transport)
   */
  SessionLogin(boolean retry, long loginTimeoutMillis, boolean directTls) {
    this.retry = retry;
    this.loginTimeoutMillis = loginTimeoutMillis;
    this.directTls = directTls;
  }

  /** Whether connects try direct TLS first. */
  boolean directTls() {
    return directTls;
  }

  /**
   * Opens a session to {@code endpoint} at pgJDBC URL {@code url} with {@code properties} (not
   * modified), reporting each retry to {@code events} as one of {@code kind}'s endpoint.
   *
   * @throws SQLException the last attempt's failure, or 08001 naming loginTimeout when the deadline
   *     passed
   */
  Connection open(
      String url, Endpoint endpoint, Properties properties, EndpointKind kind, RoutingEvents events)
      throws SQLException {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(loginTimeoutMillis);
    int attempt = 0;
    boolean fallenBack = false;
    while (true) {
      attempt++;
      boolean direct = directTls && !fallenBack && !DirectTls.refusedRecently(endpoint);
      Properties attemptProperties = attemptProperties(properties, direct, deadline);
      LoginDeadline watch = loginTimeoutMillis > 0 ? LoginDeadline.arm(deadline) : null;
      Connection connection = null;
      SQLException failure = null;
      boolean inTime;
      try {
        connection = PGJDBC.connect(url, attemptProperties);
        if (connection == null) {
          failure =
              new SQLException("pgJDBC refused the URL " + url, ConfigErrors.UNABLE_TO_CONNECT);
        }
      } catch (SQLException e) {
        failure = e;
      } finally {
        inTime = watch == null || watch.finish();
      }
      if (!inTime) {
        if (connection != null) {
          closeQuietly(connection);
        }
        throw timedOut(endpoint, attempt, start, failure);
      }
      if (connection != null) {
        if (attempt > 1) {
          LOG.info(
              "opened a session to {} after {} attempts in {} ms",
              endpoint,
              attempt,
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        return connection;
      }
      if (direct && DirectTls.isRefusal(failure)) {
        // Not a failure of the server: it speaks only the SSLRequest. Ask it that way at once.
        DirectTls.rememberRefusal(endpoint);
        fallenBack = true;
        LOG.debug("{} refused direct TLS; using the SSLRequest for ten minutes", endpoint);
        continue;
      }
      if (!retry || !ConnectRetryPolicy.isRetryable(failure)) {
        throw failure;
      }
      long pause = ConnectRetryPolicy.backoffMillis(attempt);
      if (loginTimeoutMillis > 0) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= pause) {
          throw timedOut(endpoint, attempt, start, failure);
        }
      }
      events.connectRetried(kind, attempt + 1, failure.getSQLState());
      LOG.debug(
          "connect to {} failed ({}: {}); attempt {} in {} ms",
          endpoint,
          failure.getSQLState(),
          failure.getMessage(),
          attempt + 1,
          pause);
      sleep(pause, failure);
    }
  }

  /**
   * The properties of one attempt: the connect timeout cut to what is left of the deadline, the
   * socket factory that lets the deadline drop the attempt's sockets, and the TLS negotiation.
   */
  private Properties attemptProperties(Properties base, boolean direct, long deadline) {
    Properties properties = new Properties();
    properties.putAll(base);
    if (direct) {
      properties.setProperty(SSL_NEGOTIATION, "direct");
    }
    if (loginTimeoutMillis > 0) {
      String inner = properties.getProperty(SOCKET_FACTORY);
      if (inner != null) {
        properties.setProperty(LoginSocketFactory.INNER_FACTORY, inner);
      }
      properties.setProperty(SOCKET_FACTORY, LoginSocketFactory.class.getName());
      long leftMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      long leftSeconds = (leftMillis + 999) / 1000;
      int configured = connectTimeoutSeconds(base);
      long timeout = configured == 0 ? leftSeconds : Math.min(configured, leftSeconds);
      properties.setProperty(CONNECT_TIMEOUT, Long.toString(timeout));
    }
    return properties;
  }

  private static int connectTimeoutSeconds(Properties properties) {
    String value = properties.getProperty(CONNECT_TIMEOUT);
    if (value == null) {
      return PGJDBC_DEFAULT_CONNECT_TIMEOUT_SECONDS;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      // Validated when the URL was read; pgJDBC's default is the safe answer here.
      return PGJDBC_DEFAULT_CONNECT_TIMEOUT_SECONDS;
    }
  }

  private SQLException timedOut(Endpoint endpoint, int attempts, long start, SQLException last) {
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    String lastText =
        last == null ? "" : "; last failure: " + last.getSQLState() + " " + last.getMessage();
    return new SQLException(
        "Could not open a session to "
            + endpoint
            + " within loginTimeout ("
            + loginTimeoutMillis
            + " ms): "
            + attempts
            + (attempts == 1 ? " attempt" : " attempts")
            + " in "
            + elapsed
            + " ms"
            + lastText,
        ConfigErrors.UNABLE_TO_CONNECT,
        last);
  }

  private static void sleep(long millis, SQLException failure) throws SQLException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      SQLException interrupted =
          new SQLException(
              "Interrupted while waiting to retry a connect: " + failure.getMessage(),
              ConfigErrors.UNABLE_TO_CONNECT,
              failure);
      interrupted.addSuppressed(e);
      throw interrupted;
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // The deadline dropped its socket; there is nothing left to close cleanly.
    }
  }
}

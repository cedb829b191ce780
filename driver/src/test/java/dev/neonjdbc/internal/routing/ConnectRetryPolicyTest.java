package dev.neonjdbc.internal.routing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/**
 * Which login failures are retried, for the errors the kit cannot produce yet (Neon's proxy). The
 * server errors are built from their wire form, as pgJDBC reads them; the real-stack tests in
 * {@link ComputeWakeUpTest} and {@link ConnectPathTest} show the retries themselves.
 */
class ConnectRetryPolicyTest {

  @Test
  void neonProxyErrorsForAComputeNotReadyAreRetried() {
    assertTrue(retryable("XX000", "Couldn't connect to compute node"));
    assertTrue(retryable("XX000", "Couldn't connect to compute node: connection refused"));
    assertTrue(
        retryable(
            "XX000",
            "Failed to acquire permit to connect to the database. Too many database connection"
                + " attempts are currently ongoing."));
    assertTrue(retryable("XX000", "Control plane request failed"));
    assertTrue(retryable("XX000", "the database system is starting up"));
  }

  @Test
  void neonProxyErrorsThatAnotherAttemptDoesNotFixAreNot() {
    assertFalse(retryable("XX000", "Control plane request failed: endpoint cannot be found"));
    assertFalse(retryable("XX000", "Control plane request failed: endpoint is disabled"));
    assertFalse(retryable("XX000", "Too many connections attempts"));
  }

  @Test
  void postgresAndPgBouncerWakeUpErrorsAreRetried() {
    assertTrue(retryable("57P03", "the database system is not yet accepting connections"));
    assertTrue(
        retryable("08P01", "server login has been failing, try again later (server_login_retry)"));
    assertTrue(retryable("08P01", "pgbouncer cannot connect to server"));
  }

  @Test
  void authenticationAndOtherServerAnswersAreNeverRetried() {
    assertFalse(retryable("28P01", "password authentication failed for user \"neon\""));
    assertFalse(retryable("28000", "the database system is starting up"));
    assertFalse(retryable("3D000", "database \"nope\" does not exist"));
    assertFalse(retryable("53300", "sorry, too many clients already"));
    assertFalse(retryable("08P01", "password authentication failed"));
  }

  @Test
  void refusedAndResetConnectsAreRetriedUnknownHostsAndCertificatesAreNot() {
    assertTrue(ConnectRetryPolicy.isRetryable(failure(new ConnectException("refused"))));
    assertTrue(ConnectRetryPolicy.isRetryable(failure(new EOFException())));
    assertFalse(ConnectRetryPolicy.isRetryable(failure(new UnknownHostException("ep-x"))));
    SSLHandshakeException badCertificate = new SSLHandshakeException("PKIX path building failed");
    badCertificate.initCause(new CertificateException("unknown CA"));
    assertFalse(ConnectRetryPolicy.isRetryable(failure(badCertificate)));
  }

  @Test
  void backoffGrowsAndStaysBounded() {
    assertTrue(ConnectRetryPolicy.backoffMillis(1) <= 100);
    assertTrue(ConnectRetryPolicy.backoffMillis(3) > 100);
    assertTrue(ConnectRetryPolicy.backoffMillis(30) <= 2000);
  }

  private static boolean retryable(String state, String message) {
    ServerErrorMessage server =
        new ServerErrorMessage("SFATAL\0VFATAL\0C" + state + "\0M" + message + "\0");
    return ConnectRetryPolicy.isRetryable(new PSQLException(server));
  }

  private static SQLException failure(Throwable cause) {
    return new PSQLException(
        "The connection attempt failed.", PSQLState.CONNECTION_UNABLE_TO_CONNECT, cause);
  }
}

package dev.neonjdbc.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.local.LocalNeonStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The connect path on the shared stack: direct TLS and its fallback on servers that refuse it
 * (PostgreSQL before 17, PgBouncer), direct TLS where PostgreSQL 17 speaks it, session parameters
 * in the StartupMessage, and what is never retried. Attempts are counted by a forwarder that counts
 * the connections it accepts.
 */
@NeonStackTest
class ConnectPathTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  @Test
  void directTlsFallsBackOnceOnPostgresBefore17AndTheHostIsRemembered(NeonStack stack)
      throws Exception {
    if (speaksDirectTls(stack)) {
      usesDirectTlsWithOneAttempt(stack, stack.directPort());
    } else {
      fallsBackOnceAndRemembers(stack, stack.directPort());
    }
  }

  @Test
  void directTlsFallsBackOnceOnPgBouncerAndTheHostIsRemembered(NeonStack stack) throws Exception {
    // PgBouncer 1.18 answers in plaintext; 1.24 waits for the rest of what it takes for a startup
    // packet, so the handshake read times out: bounded here by connectTimeout.
    fallsBackOnceAndRemembers(stack, stack.pooledPort());
  }

  private static void fallsBackOnceAndRemembers(NeonStack stack, int port) throws Exception {
    Properties properties = stack.credentials();
    properties.setProperty("directTls", "true");
    properties.setProperty("connectTimeout", "2");
    try (CountingForwarder forwarder = new CountingForwarder("127.0.0.1", port)) {
      try (Connection connection = connect(stack, forwarder.port(), properties)) {
        assertEquals("1", scalar(connection, "SELECT 1"));
      }
      assertEquals(2, forwarder.accepted(), "direct TLS refused, then the SSLRequest");
      try (Connection connection = connect(stack, forwarder.port(), properties)) {
        assertEquals("1", scalar(connection, "SELECT 1"));
      }
      assertEquals(3, forwarder.accepted(), "the refusal is remembered: one attempt");
    }
  }

  private static void usesDirectTlsWithOneAttempt(NeonStack stack, int port) throws Exception {
    Properties properties = stack.credentials();
    properties.setProperty("directTls", "true");
    try (CountingForwarder forwarder = new CountingForwarder("127.0.0.1", port)) {
      for (int i = 1; i <= 2; i++) {
        try (Connection connection = connect(stack, forwarder.port(), properties)) {
          assertEquals("1", scalar(connection, "SELECT 1"));
        }
        assertEquals(i, forwarder.accepted(), "PostgreSQL 17 speaks direct TLS: no fallback");
      }
    }
  }

  @Test
  void anExplicitSslNegotiationIsHonouredWithoutFallback(NeonStack stack) throws Exception {
    Properties properties = stack.credentials();
    properties.setProperty("sslnegotiation", "direct");
    try (CountingForwarder forwarder = new CountingForwarder("127.0.0.1", stack.directPort())) {
      if (speaksDirectTls(stack)) {
        try (Connection connection = connect(stack, forwarder.port(), properties)) {
          assertEquals("1", scalar(connection, "SELECT 1"));
        }
      } else {
        SQLException error =
            assertThrows(
                SQLException.class, () -> connect(stack, forwarder.port(), properties).close());
        assertTrue(error.getSQLState().startsWith("08"), error.getSQLState());
      }
      assertEquals(1, forwarder.accepted());
    }
  }

  /** PostgreSQL 17 and later accept TLS from the first byte. */
  private static boolean speaksDirectTls(NeonStack stack) throws SQLException {
    try (Connection connection = stack.openDirect()) {
      return Integer.parseInt(scalar(connection, "SHOW server_version_num")) >= 170000;
    }
  }

  @Test
  void startupParametersPutApplicationNameInTheStartupMessage(NeonStack stack) throws Exception {
    Path log = postgresLog(stack);
    String withStartup = "startup_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    String withSet = "after_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    for (String[] run : new String[][] {{withStartup, "true"}, {withSet, "false"}}) {
      Properties properties = stack.credentials();
      properties.setProperty("ApplicationName", run[0]);
      properties.setProperty("startupParameters", run[1]);
      try (Connection connection = connect(stack, stack.directPort(), properties)) {
        assertEquals(run[0], scalar(connection, "SHOW application_name"));
      }
    }
    // PostgreSQL logs the application name in "connection authorized" only when it came with
    // the StartupMessage; pgJDBC's SET after login comes too late for that line.
    assertTrue(authorizedWithApplicationName(log, withStartup), "in the StartupMessage");
    assertFalse(authorizedWithApplicationName(log, withSet), "set after login");
  }

  @Test
  void pgBouncerAcceptsTheStartupParameters(NeonStack stack) throws Exception {
    String name = "pooled_startup_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    Properties properties = stack.credentials();
    properties.setProperty("ApplicationName", name);
    properties.setProperty("startupParameters", "true");
    try (Connection connection = connect(stack, stack.pooledPort(), properties)) {
      assertEquals(name, scalar(connection, "SHOW application_name"));
    }
  }

  @Test
  void authenticationErrorsAreNotRetried(NeonStack stack) throws Exception {
    for (int port : new int[] {stack.directPort(), stack.pooledPort()}) {
      Properties properties = stack.credentials();
      properties.setProperty("password", "wrong_" + stack.password());
      properties.setProperty("connectRetry", "true");
      properties.setProperty("loginTimeout", "20");
      try (CountingForwarder forwarder = new CountingForwarder("127.0.0.1", port)) {
        SQLException error =
            assertThrows(
                SQLException.class, () -> connect(stack, forwarder.port(), properties).close());
        assertFalse(error.getMessage().contains(stack.password()), error.getMessage());
        assertEquals(1, forwarder.accepted(), "one attempt: " + error.getMessage());
      }
    }
  }

  @Test
  void aTransactionNeverSeesARetry(NeonStack stack) throws Exception {
    Properties properties = stack.credentials();
    properties.setProperty("connectRetry", "true");
    properties.setProperty("loginTimeout", "20");
    try (CountingForwarder forwarder = new CountingForwarder("127.0.0.1", stack.directPort());
        Connection connection = connect(stack, forwarder.port(), properties)) {
      connection.setAutoCommit(false);
      String pid = scalar(connection, "SELECT pg_backend_pid()");
      try (Connection superuser = stack.openSuperuser();
          Statement statement = superuser.createStatement()) {
        statement.execute("SELECT pg_terminate_backend(" + pid + ")");
      }
      SQLException error = assertThrows(SQLException.class, () -> scalar(connection, "SELECT 1"));
      // The server's goodbye (57P01) or the closed session (08006): reported, not replaced.
      assertTrue(
          error.getSQLState().equals("57P01") || error.getSQLState().startsWith("08"),
          error.getSQLState());
      assertThrows(SQLException.class, connection::commit);
      assertEquals(1, forwarder.accepted(), "no new session was opened behind the transaction");
    }
  }

  private static Connection connect(NeonStack stack, int port, Properties properties)
      throws SQLException {
    String url =
        "jdbc:neon://127.0.0.1:" + port + "/" + stack.database() + "?" + stack.sslParameters();
    return new dev.neonjdbc.Driver().connect(url, properties);
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  private static Path postgresLog(NeonStack stack) {
    assumeTrue(stack instanceof LocalNeonStack, "reads the local PostgreSQL's log");
    Path inLogs = stack.logDirectory().resolve("postgresql.log");
    return Files.exists(inLogs)
        ? inLogs
        : ((LocalNeonStack) stack).stackDirectory().resolve("logs/postgresql.log");
  }

  private static boolean authorizedWithApplicationName(Path log, String name) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    for (String line : lines) {
      if (line.contains("connection authorized") && line.contains("application_name=" + name)) {
        return true;
      }
    }
    return false;
  }
}

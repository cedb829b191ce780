package dev.neonjdbc.datasource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.datasource.EndpointHealth.Check;
import dev.neonjdbc.datasource.EndpointHealth.Status;
import dev.neonjdbc.spi.NeonEndpoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks each endpoint of a {@link NeonDataSource} once, in parallel, each within the timeout, and
 * without opening a direct session that nothing else needs:
 *
 * <ul>
 *   <li><b>pooled</b>: {@code SELECT 1} through a logical connection, the application's own kind of
 *       work (on Neon a PgBouncer client; PgBouncer lends it a backend it already holds);
 *   <li><b>direct</b>: an idle session of the direct pool, when the pool holds one, borrowed and
 *       validated ({@code isValid}) and given back; otherwise a TCP connect (through pgJDBC's
 *       socket factory, as sessions connect) and PostgreSQL's SSLRequest, which the server answers
 *       with one byte ({@code S} or {@code N}) before any login. The connection is closed on that
 *       byte: no startup message, no authentication, no session in {@code pg_stat_activity} or
 *       {@code pg_stat_database.sessions}, nothing in the direct pool;
 *   <li><b>replica</b> (when read replicas are configured): {@code SELECT 1} on a read-only logical
 *       connection, which the router sends to a replica's pooled endpoint; down when it ran on the
 *       primary instead (no replica answered).
 * </ul>
 *
 * <p>One narrow race remains: when another thread takes the direct pool's last idle session between
 * the look and the borrow, HikariCP opens a new one for the check.
 */
final class EndpointChecks {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService CHECKS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "neon-endpoint-check-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });

  /** PostgreSQL's SSLRequest: length 8, code 80877103. */
  private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};

  private final NeonDataSource dataSource;
  private final DataSourceRuntime runtime;
  private final EndpointAddresses addresses;
  private final Duration timeout;

  private EndpointChecks(
      NeonDataSource dataSource,
      DataSourceRuntime runtime,
      EndpointAddresses addresses,
      Duration timeout) {
    this.dataSource = dataSource;
    this.runtime = runtime;
    this.addresses = addresses;
    this.timeout = timeout;
  }

  /** Checks every endpoint of a started data source: pooled, then direct, then replica. */
  static List<EndpointHealth> run(
      NeonDataSource dataSource,
      DataSourceRuntime runtime,
      EndpointAddresses addresses,
      Duration timeout) {
    return new EndpointChecks(dataSource, runtime, addresses, timeout).run();
  }

  private List<EndpointHealth> run() {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Future<EndpointHealth> pooled = CHECKS.submit(this::checkPooled);
    Future<EndpointHealth> direct =
        addresses.direct() == null ? null : CHECKS.submit(this::checkDirect);
    Future<EndpointHealth> replica =
        addresses.replicas() ? CHECKS.submit(this::checkReplica) : null;
    List<EndpointHealth> results = new ArrayList<>();
    EndpointHealth pooledResult =
        await(pooled, deadline, start, EndpointKind.POOLED, addresses.pooled(), Check.QUERY);
    results.add(pooledResult);
    if (direct != null) {
      EndpointHealth directResult =
          await(direct, deadline, start, EndpointKind.DIRECT, addresses.direct(), Check.NONE);
      // A URL that forces route=direct runs the query on direct: that result stands for it.
      if (pooledResult.kind() != EndpointKind.DIRECT) {
        results.add(directResult);
      }
    }
    if (replica != null) {
      results.add(await(replica, deadline, start, EndpointKind.REPLICA, null, Check.QUERY));
    }
    return results;
  }

  private EndpointHealth await(
      Future<EndpointHealth> check,
      long deadline,
      long start,
      EndpointKind kind,
      String address,
      Check how) {
    try {
      return check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      check.cancel(true);
      return new EndpointHealth(
          kind,
          address,
          Status.DOWN,
          how,
          Duration.ofNanos(System.nanoTime() - start),
          "no answer within " + timeout.toMillis() + " ms",
          "08001");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      check.cancel(true);
      return new EndpointHealth(
          kind, address, Status.UNKNOWN, how, elapsed(start), "interrupted", null);
    } catch (ExecutionException e) {
      return down(kind, address, how, start, e.getCause());
    }
  }

  // ---- the checks ----------------------------------------------------------------------------

  private EndpointHealth checkPooled() {
    return query(EndpointKind.POOLED, addresses.pooled(), false);
  }

  private EndpointHealth checkReplica() {
    return query(EndpointKind.REPLICA, null, true);
  }

  /** {@code SELECT 1} on a new logical connection, read-only for the replica. */
  private EndpointHealth query(EndpointKind expected, String knownAddress, boolean readOnly) {
    long start = System.nanoTime();
    EndpointKind kind = expected;
    try (Connection connection = dataSource.getConnection()) {
      if (readOnly) {
        connection.setReadOnly(true);
      }
      NeonConnection neon = connection.unwrap(NeonConnection.class);
      if (!readOnly) {
        kind = neon.endpointFor("SELECT 1");
      }
      try (Statement statement = connection.createStatement()) {
        statement.setQueryTimeout(seconds());
        statement.execute("SELECT 1");
      }
      Optional<Connection> session = neon.session(kind);
      if (readOnly && session.isEmpty()) {
        return new EndpointHealth(
            kind,
            null,
            Status.DOWN,
            Check.QUERY,
            elapsed(start),
            "no replica answered: read-only work runs on the primary",
            null);
      }
      String address = session.isPresent() ? addressOf(session.get()) : null;
      return new EndpointHealth(
          kind,
          address != null ? address : knownAddress,
          Status.UP,
          Check.QUERY,
          elapsed(start),
          null,
          null);
    } catch (SQLException | RuntimeException e) {
      return down(kind, knownAddress, Check.QUERY, start, e);
    }
  }

  private EndpointHealth checkDirect() throws SQLException {
    HikariDataSource pool = runtime.pool(EndpointKind.DIRECT);
    HikariPoolMXBean bean = pool == null ? null : pool.getHikariPoolMXBean();
    if (bean != null && bean.getIdleConnections() > 0) {
      return idleDirectSession(pool);
    }
    if (addresses.webSocket()) {
      return new EndpointHealth(
          EndpointKind.DIRECT,
          addresses.direct(),
          Status.UNKNOWN,
          Check.NONE,
          Duration.ZERO,
          "no idle direct session to check, and over the WebSocket tunnel there is no TCP"
              + " endpoint to probe without a session",
          null);
    }
    return sslRequest(addresses.direct());
  }

  private EndpointHealth idleDirectSession(HikariDataSource pool) {
    long start = System.nanoTime();
    String address = addresses.direct();
    try (Connection session = pool.getConnection()) {
      String own = addressOf(session);
      address = own != null ? own : address;
      if (session.isValid(seconds())) {
        return new EndpointHealth(
            EndpointKind.DIRECT,
            address,
            Status.UP,
            Check.IDLE_SESSION,
            elapsed(start),
            null,
            null);
      }
      return new EndpointHealth(
          EndpointKind.DIRECT,
          address,
          Status.DOWN,
          Check.IDLE_SESSION,
          elapsed(start),
          "an idle direct session failed validation",
          "08006");
    } catch (SQLException | RuntimeException e) {
      return down(EndpointKind.DIRECT, address, Check.IDLE_SESSION, start, e);
    }
  }

  /** TCP connect and SSLRequest: the server's one-byte answer, no login. */
  private EndpointHealth sslRequest(String address) throws SQLException {
    long start = System.nanoTime();
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    try (Socket socket = addresses.socketFactory().createSocket()) {
      socket.connect(addresses.socketAddress(address), millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write(SSL_REQUEST);
      out.flush();
      InputStream in = socket.getInputStream();
      int answer = in.read();
      if (answer == 'S' || answer == 'N') {
        return new EndpointHealth(
            EndpointKind.DIRECT, address, Status.UP, Check.SSL_REQUEST, elapsed(start), null, null);
      }
      String problem =
          answer < 0
              ? "closed the connection without answering the SSLRequest"
              : "answered the SSLRequest with byte " + answer + ", not S or N";
      return new EndpointHealth(
          EndpointKind.DIRECT,
          address,
          Status.DOWN,
          Check.SSL_REQUEST,
          elapsed(start),
          problem,
          "08006");
    } catch (IOException e) {
      return new EndpointHealth(
          EndpointKind.DIRECT,
          address,
          Status.DOWN,
          Check.SSL_REQUEST,
          elapsed(start),
          masked(e.toString()),
          "08001");
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private int seconds() {
    return (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
  }

  private EndpointHealth down(
      EndpointKind kind, String address, Check how, long start, Throwable failure) {
    String sqlState =
        failure instanceof SQLException ? ((SQLException) failure).getSQLState() : null;
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    return new EndpointHealth(
        kind, address, Status.DOWN, how, elapsed(start), masked(message), sqlState);
  }

  /** The message with the data source's password masked, should any text quote it. */
  private String masked(String message) {
    String password = dataSource.getPassword();
    return password == null || password.isEmpty()
        ? message
        : message.replace(password, NeonEndpoints.MASK);
  }

  private static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * {@code host:port} of a pgJDBC session, from its URL ({@code jdbc:postgresql://HOST:PORT/DB}).
   */
  static String addressOf(Connection session) {
    try {
      String url = session.getMetaData().getURL();
      int from = url.indexOf("//");
      if (from < 0) {
        return null;
      }
      int to = url.indexOf('/', from + 2);
      String authority = url.substring(from + 2, to < 0 ? url.length() : to);
      int at = authority.lastIndexOf('@'); // never shown: user-info, if any, is dropped
      return at < 0 ? authority : authority.substring(at + 1);
    } catch (SQLException | RuntimeException e) {
      return null;
    }
  }
}

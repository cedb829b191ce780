package dev.neonjdbc.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A streaming read replica of a {@link NeonStack}'s primary, shaped like a Neon read replica: a
 * compute of its own (a PostgreSQL hot standby fed by streaming replication) with its own
 * <em>pooled</em> endpoint (PgBouncer, {@code pool_mode=transaction}) and <em>direct</em> endpoint,
 * the same database, role, password and TLS as the primary.
 *
 * <p>Obtain it with {@link NeonStack#replica()}: it starts on the first call and is shared by the
 * JVM's tests; the stack stops it. A test that takes it down with {@link #stop()} brings it back
 * with {@link #start()} before it ends.
 *
 * <p>The replica is read-only: a write fails as PostgreSQL says, SQLState {@code 25006} ({@code
 * cannot execute … in a read-only transaction}), and {@code pg_is_in_recovery()} is true on both
 * endpoints. What the primary commits becomes visible after replay; {@link #awaitReplay(Duration)}
 * waits for it.
 *
 * <p>URLs returned here carry no credentials: use {@link NeonStack#credentials()} or the {@code
 * open…} methods.
 */
public interface ReplicaStack {

  /** Host name or address of the replica's pooled endpoint (its PgBouncer). */
  String pooledHost();

  /** TCP port of the replica's pooled endpoint. */
  int pooledPort();

  /** Host name or address of the replica's direct endpoint (its PostgreSQL). */
  String directHost();

  /** TCP port of the replica's direct endpoint. */
  int directPort();

  /**
   * The pooled endpoint as {@code host:port} ({@code [v6]:port} for an IPv6 literal), e.g. {@code
   * 127.0.0.1:40123}: what a {@code jdbc:neon:} URL property that lists replica hosts takes.
   */
  String pooledAddress();

  /** The direct endpoint as {@code host:port}, like {@link #pooledAddress()}. */
  String directAddress();

  /**
   * {@code jdbc:postgresql://POOLED_HOST:PORT/neondb?<sslParameters>}, with the primary's TLS
   * parameters ({@link NeonStack#sslParameters()}).
   */
  String pooledJdbcUrl();

  /** {@code jdbc:postgresql://DIRECT_HOST:PORT/neondb?<sslParameters>}. */
  String directJdbcUrl();

  /** Opens a plain pgJDBC connection to the replica's pooled endpoint as the stack's role. */
  Connection openPooled() throws SQLException;

  /** Opens a plain pgJDBC connection to the replica's direct endpoint as the stack's role. */
  Connection openDirect() throws SQLException;

  /**
   * Takes the replica down: its PgBouncer and PostgreSQL stop (open sessions are cut), and
   * connections to its endpoints are refused until {@link #start()}. Its Neon host names stay
   * routed by the front, which then answers that it cannot reach the compute. Idempotent.
   *
   * @throws UnsupportedOperationException when the provider does not control the replica (Neon)
   */
  void stop();

  /**
   * Brings a stopped replica back on the same host names and ports, and returns once a client can
   * log in through its pooled endpoint; it then catches up with the primary by streaming. No-op
   * when it runs.
   *
   * @throws NeonStackException when it does not come back
   * @throws UnsupportedOperationException when the provider does not control the replica (Neon)
   */
  void start();

  /** Whether the replica runs (between {@link #start()} and {@link #stop()}). */
  boolean isRunning();

  /**
   * Waits until the replica has replayed everything the primary has written so far: the primary's
   * WAL position is read once ({@code pg_current_wal_insert_lsn()}, which covers a commit the kit's
   * primary has not flushed yet since it runs with {@code synchronous_commit=off}; the {@code
   * pg_current_wal_lsn()} write position can lag it), then the replica's {@code
   * pg_last_wal_replay_lsn()} is polled until it reaches that position.
   *
   * @return the primary's WAL position that was reached, e.g. {@code 0/3000148}
   * @throws NeonStackException when {@code timeout} passes first (naming both positions), or the
   *     replica is stopped
   */
  String awaitReplay(Duration timeout);

  /**
   * The replica's pooled Neon host name through the kit's front ({@link NeonStack#neonFront()}),
   * e.g. {@code ep-neonkit-replica-654321-pooler.local.aws.neon.tech}: the front routes it to the
   * replica's PgBouncer. Empty when no front runs.
   */
  Optional<String> frontPooledHostName();

  /**
   * The replica's direct Neon host name through the front, e.g. {@code
   * ep-neonkit-replica-654321.local.aws.neon.tech}; empty when no front runs.
   */
  Optional<String> frontDirectHostName();

  /**
   * A plain pgJDBC URL to {@link #frontPooledHostName()} through the front, with the TLS and socket
   * factory parameters of {@link NeonStack#frontPooledJdbcUrl()}; empty when no front runs.
   */
  Optional<String> frontPooledJdbcUrl();

  /** Like {@link #frontPooledJdbcUrl()} for {@link #frontDirectHostName()}. */
  Optional<String> frontDirectJdbcUrl();

  /**
   * The replica described for configuration from the environment, ordered and unmodifiable:
   *
   * <ul>
   *   <li>{@code NEON_REPLICA_POOLED}: {@link #pooledAddress()}; {@code NEON_REPLICA_DIRECT}:
   *       {@link #directAddress()};
   *   <li>{@code REPLICA_DATABASE_URL} and {@code REPLICA_DATABASE_URL_UNPOOLED}: libpq URLs with
   *       credentials and the primary's libpq TLS parameters, like the primary's {@code
   *       DATABASE_URL} and {@code DATABASE_URL_UNPOOLED};
   *   <li>{@code REPLICA_PGHOST}, {@code REPLICA_PGPORT}, {@code REPLICA_PGHOST_UNPOOLED}, {@code
   *       REPLICA_PGPORT_UNPOOLED};
   *   <li>when the front runs, {@code NEON_REPLICA_HOST}: {@link #frontPooledHostName()}.
   * </ul>
   */
  Map<String, String> environment();

  /**
   * Directory holding the replica's logs (locally {@code replica-postgresql.log}, {@code
   * replica-pgbouncer.log}, {@code pg_basebackup.log} in the stack's log directory).
   */
  Path logDirectory();

  /** How long the replica took to start the first time (base backup, server, pooler). */
  Duration startupTime();
}

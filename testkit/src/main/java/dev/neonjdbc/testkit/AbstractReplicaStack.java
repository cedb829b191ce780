package dev.neonjdbc.testkit;

import dev.neonjdbc.testkit.front.NeonFront;
import dev.neonjdbc.testkit.front.NeonFrontConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What every provider's replica has in common: addresses, URLs, connections, the environment, the
 * wait for replay, and the stop/start bookkeeping. A provider adds how its servers stop, start
 * again and are removed for good.
 *
 * <p>A provider constructs it once its servers run (after the base backup), and the stack calls
 * {@link #shutdown()} when it stops.
 */
public abstract class AbstractReplicaStack implements ReplicaStack {
  private static final long REPLAY_POLL_MILLIS = 20;

  private final NeonStack primary;
  private final String pooledHost;
  private final int pooledPort;
  private final String directHost;
  private final int directPort;
  private final Path logDirectory;
  private volatile Duration startupTime = Duration.ZERO;
  private final String frontEndpointId;
  private boolean running = true;
  private boolean removed;

  /**
   * A replica whose servers run now.
   *
   * @param primary the stack whose primary it replicates (credentials, TLS, front)
   * @param frontEndpointId the endpoint id the primary's front routes to this replica, e.g. {@code
   *     ep-neonkit-replica-654321}; {@code null} when no front runs
   */
  protected AbstractReplicaStack(
      NeonStack primary,
      String pooledHost,
      int pooledPort,
      String directHost,
      int directPort,
      Path logDirectory,
      String frontEndpointId) {
    this.primary = primary;
    this.pooledHost = pooledHost;
    this.pooledPort = pooledPort;
    this.directHost = directHost;
    this.directPort = directPort;
    this.logDirectory = logDirectory;
    this.frontEndpointId = frontEndpointId;
  }

  /** Stops the replica's pooler and server, keeping their data for {@link #startServers()}. */
  protected abstract void stopServers();

  /**
   * Starts the stopped pooler and server again on the same ports, returning once a client can log
   * in through the pooler.
   */
  protected abstract void startServers();

  /** Removes what the servers left (data, containers); they are stopped already. */
  protected abstract void removeServers();

  /** Records how long the first start took, for {@link #startupTime()}. */
  protected final void startedIn(Duration took) {
    this.startupTime = took;
  }

  /** The stack this replica follows. */
  protected final NeonStack primary() {
    return primary;
  }

  @Override
  public String pooledHost() {
    return pooledHost;
  }

  @Override
  public int pooledPort() {
    return pooledPort;
  }

  @Override
  public String directHost() {
    return directHost;
  }

  @Override
  public int directPort() {
    return directPort;
  }

  @Override
  public String pooledAddress() {
    return address(pooledHost, pooledPort);
  }

  @Override
  public String directAddress() {
    return address(directHost, directPort);
  }

  @Override
  public String pooledJdbcUrl() {
    return jdbcUrl(pooledAddress());
  }

  @Override
  public String directJdbcUrl() {
    return jdbcUrl(directAddress());
  }

  @Override
  public Connection openPooled() throws SQLException {
    return AbstractNeonStack.connect(pooledJdbcUrl(), primary.credentials());
  }

  @Override
  public Connection openDirect() throws SQLException {
    return AbstractNeonStack.connect(directJdbcUrl(), primary.credentials());
  }

  @Override
  public final synchronized void stop() {
    if (running) {
      running = false;
      stopServers();
    }
  }

  @Override
  public final synchronized void start() {
    if (removed) {
      throw new NeonStackException("the replica was removed with its stack");
    }
    if (!running) {
      startServers();
      running = true;
    }
  }

  @Override
  public final synchronized boolean isRunning() {
    return running;
  }

  /** Stops the replica for good and removes its data; called by the stack's stop. Idempotent. */
  public final synchronized void shutdown() {
    if (removed) {
      return;
    }
    removed = true;
    running = false;
    stopServers();
    removeServers();
  }

  @Override
  public String awaitReplay(Duration timeout) {
    if (!isRunning()) {
      throw new NeonStackException("the replica is stopped: nothing replays");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    String target;
    try (Connection onPrimary = primary.openDirect()) {
      target = scalar(onPrimary, "SELECT pg_current_wal_insert_lsn()::text");
    } catch (SQLException e) {
      throw new NeonStackException("cannot read the primary's WAL position: " + e.getMessage(), e);
    }
    String replayed = null;
    try (Connection onReplica = openDirect()) {
      String check =
          "SELECT pg_last_wal_replay_lsn()::text, pg_last_wal_replay_lsn() >= '"
              + target
              + "'::pg_lsn";
      while (true) {
        try (Statement statement = onReplica.createStatement();
            ResultSet row = statement.executeQuery(check)) {
          row.next();
          replayed = row.getString(1);
          if (row.getBoolean(2)) {
            return target;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new NeonStackException(
              "the replica replayed up to "
                  + replayed
                  + " but not the primary's "
                  + target
                  + " within "
                  + timeout
                  + " (logs in "
                  + logDirectory
                  + ")");
        }
        Thread.sleep(REPLAY_POLL_MILLIS);
      }
    } catch (SQLException e) {
      throw new NeonStackException(
          "cannot read the replica's replay position: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NeonStackException("interrupted while waiting for the replica to replay", e);
    }
  }

  @Override
  public Optional<String> frontPooledHostName() {
    return front().map(front -> frontEndpointId + "-pooler." + front.config().domain());
  }

  @Override
  public Optional<String> frontDirectHostName() {
    return front().map(front -> frontEndpointId + "." + front.config().domain());
  }

  @Override
  public Optional<String> frontPooledJdbcUrl() {
    return frontPooledHostName().flatMap(this::frontJdbcUrl);
  }

  @Override
  public Optional<String> frontDirectJdbcUrl() {
    return frontDirectHostName().flatMap(this::frontJdbcUrl);
  }

  /**
   * The id the front routes to this replica: {@link NeonFrontConfig#REPLICA_ENDPOINT_ID} unless the
   * provider chose another.
   */
  protected final Optional<String> frontEndpointId() {
    return Optional.ofNullable(frontEndpointId);
  }

  @Override
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("NEON_REPLICA_POOLED", pooledAddress());
    env.put("NEON_REPLICA_DIRECT", directAddress());
    env.put("REPLICA_DATABASE_URL", libpqUrl(pooledAddress()));
    env.put("REPLICA_DATABASE_URL_UNPOOLED", libpqUrl(directAddress()));
    env.put("REPLICA_PGHOST", pooledHost);
    env.put("REPLICA_PGPORT", Integer.toString(pooledPort));
    env.put("REPLICA_PGHOST_UNPOOLED", directHost);
    env.put("REPLICA_PGPORT_UNPOOLED", Integer.toString(directPort));
    frontPooledHostName().ifPresent(host -> env.put("NEON_REPLICA_HOST", host));
    return Collections.unmodifiableMap(env);
  }

  @Override
  public Path logDirectory() {
    return logDirectory;
  }

  @Override
  public Duration startupTime() {
    return startupTime;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "[pooled "
        + pooledAddress()
        + ", direct "
        + directAddress()
        + frontPooledHostName().map(host -> ", front " + host).orElse("")
        + (isRunning() ? "" : ", stopped")
        + "]";
  }

  private Optional<NeonFront> front() {
    return frontEndpointId == null ? Optional.empty() : primary.neonFront();
  }

  private Optional<String> frontJdbcUrl(String host) {
    return front()
        .map(
            front ->
                "jdbc:postgresql://"
                    + host
                    + "/"
                    + AbstractNeonStack.encode(primary.database())
                    + "?sslmode=verify-full&sslrootcert="
                    + URLEncoder.encode(primary.caCertificate().toString(), StandardCharsets.UTF_8)
                    + "&"
                    + front.socketFactoryParameters());
  }

  private String jdbcUrl(String address) {
    String url =
        "jdbc:postgresql://" + address + "/" + AbstractNeonStack.encode(primary.database());
    String tls = primary.sslParameters();
    return tls.isEmpty() ? url : url + "?" + tls;
  }

  private String libpqUrl(String address) {
    Map<String, String> primaryEnv = primary.environment();
    Map<String, String> tls = new LinkedHashMap<>();
    if (primaryEnv.containsKey("PGSSLMODE")) {
      tls.put("sslmode", primaryEnv.get("PGSSLMODE"));
    }
    if (primaryEnv.containsKey("PGSSLROOTCERT")) {
      tls.put("sslrootcert", primaryEnv.get("PGSSLROOTCERT"));
    }
    String url =
        "postgresql://"
            + AbstractNeonStack.encode(primary.user())
            + ":"
            + AbstractNeonStack.encode(primary.password())
            + "@"
            + address
            + "/"
            + AbstractNeonStack.encode(primary.database());
    String query = AbstractNeonStack.query(tls);
    return query.isEmpty() ? url : url + "?" + query;
  }

  private static String address(String host, int port) {
    String bracketed = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return bracketed + ":" + port;
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }
}

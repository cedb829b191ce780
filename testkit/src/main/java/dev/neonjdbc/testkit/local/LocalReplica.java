package dev.neonjdbc.testkit.local;

import dev.neonjdbc.testkit.AbstractReplicaStack;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.front.NeonFront;
import dev.neonjdbc.testkit.front.NeonFrontConfig;
import dev.neonjdbc.testkit.pgbouncer.PgBouncerConfig;
import dev.neonjdbc.testkit.process.FileTrees;
import dev.neonjdbc.testkit.process.ServiceUser;
import dev.neonjdbc.testkit.tls.TlsMaterial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/**
 * The local stack's read replica: a hot standby made by {@code pg_basebackup -R} from the stack's
 * PostgreSQL, streaming from it through a physical replication slot, and a PgBouncer of its own in
 * front of it, configured like the primary's (transaction mode, TLS, the same SCRAM auth file: the
 * standby's {@code pg_authid} is the primary's).
 *
 * <p>Layout inside the stack directory: {@code replica/pgdata/}, {@code replica/pgbouncer/} (ini,
 * pid file) and the superuser's password file for the base backup and the WAL receiver; the
 * standby's Unix socket sits beside the primary's (its port names it). Logs in the stack's log
 * directory: {@code pg_basebackup.log}, {@code replica-postgresql.log}, {@code
 * replica-pgbouncer.log}, {@code replica-pgbouncer.console.log}, {@code replica.txt}.
 */
final class LocalReplica extends AbstractReplicaStack {
  static final String DIRECTORY = "replica";
  static final String DATA_DIRECTORY = DIRECTORY + "/pgdata";
  static final String PGBOUNCER_PID_FILE = DIRECTORY + "/pgbouncer/pgbouncer.pid";

  /** The physical replication slot on the primary, also the standby's {@code application_name}. */
  static final String SLOT = "neonkit_replica";

  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(30);

  private final LocalPostgres postgres;
  private final LocalPgBouncer pgbouncer;
  private final Path pgbouncerLog;
  private final Path directory;

  /**
   * What the replica needs from the stack that started it.
   *
   * @param primaryPostgres the running primary to back up
   * @param serviceLogs where PostgreSQL and PgBouncer may write their logs
   * @param authFile the primary PgBouncer's auth file (the standby has the same SCRAM secrets)
   * @param maxPreparedStatements the primary PgBouncer's setting, see {@link PgBouncerConfig}
   */
  record Setup(
      LocalBinaries binaries,
      ServiceUser serviceUser,
      TlsMaterial tls,
      Path stackDirectory,
      Path serviceLogs,
      LocalPostgres primaryPostgres,
      String superuserPassword,
      Path authFile,
      int maxPreparedStatements) {}

  private LocalReplica(
      NeonStack primary,
      LocalPostgres postgres,
      LocalPgBouncer pgbouncer,
      Path pgbouncerLog,
      Path directory,
      String frontEndpointId) {
    super(
        primary,
        LOOPBACK,
        pgbouncer.port(),
        LOOPBACK,
        postgres.port(),
        primary.logDirectory(),
        frontEndpointId);
    this.postgres = postgres;
    this.pgbouncer = pgbouncer;
    this.pgbouncerLog = pgbouncerLog;
    this.directory = directory;
  }

  /**
   * Takes the base backup, starts the standby and its PgBouncer, waits until a client logs in
   * through that PgBouncer, and has the stack's front (if any) route {@link
   * NeonFrontConfig#REPLICA_ENDPOINT_ID} to them.
   *
   * @throws NeonStackException when a step fails; what was started is stopped again
   */
  static LocalReplica start(NeonStack primary, Setup setup) {
    long startNanos = System.nanoTime();
    Path logDirectory = primary.logDirectory();
    Path directory = setup.stackDirectory().resolve(DIRECTORY);
    Path pgbouncerDirectory = directory.resolve("pgbouncer");
    Path passFile = directory.resolve("primary.pgpass");
    LocalPostgres postgres = null;
    LocalPgBouncer pgbouncer =
        new LocalPgBouncer(
            setup.binaries(),
            setup.serviceUser(),
            pgbouncerDirectory.resolve("pgbouncer.ini"),
            logDirectory.resolve("replica-pgbouncer.console.log"));
    try {
      Files.createDirectories(pgbouncerDirectory);
      Files.writeString(
          passFile,
          "*:*:*:" + LocalPostgres.SUPERUSER + ":" + setup.superuserPassword() + "\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(passFile, PosixFilePermissions.fromString("rw-------"));
      setup.serviceUser().own(directory);
      postgres =
          setup
              .primaryPostgres()
              .cloneFrom(
                  setup.stackDirectory().resolve(DATA_DIRECTORY),
                  setup.serviceLogs().resolve("replica-postgresql.log"),
                  passFile,
                  SLOT,
                  logDirectory.resolve("pg_basebackup.log"));
      postgres.start();

      Path pgbouncerLog = setup.serviceLogs().resolve("replica-pgbouncer.log");
      LocalPostgres standby = postgres;
      pgbouncer.start(
          port ->
              new PgBouncerConfig(
                  LOOPBACK,
                  port,
                  setup.stackDirectory().toString(),
                  standby.port(),
                  primary.database(),
                  primary.singleBackendDatabase(),
                  setup.authFile().toString(),
                  setup.tls().serverKey().toString(),
                  setup.tls().serverCertificate().toString(),
                  setup.tls().caCertificate().toString(),
                  pgbouncerLog.toString(),
                  setup.stackDirectory().resolve(PGBOUNCER_PID_FILE).toString(),
                  setup.maxPreparedStatements()),
          pgbouncerLog);

      Optional<NeonFront> front = primary.neonFront();
      LocalReplica replica =
          new LocalReplica(
              primary,
              postgres,
              pgbouncer,
              pgbouncerLog,
              directory,
              front.isPresent() ? NeonFrontConfig.REPLICA_ENDPOINT_ID : null);
      pgbouncer.awaitLogin(replica::openPooled, LOGIN_TIMEOUT, pgbouncerLog);
      front.ifPresent(
          running ->
              running.route(
                  NeonFrontConfig.REPLICA_ENDPOINT_ID,
                  LOOPBACK,
                  replica.pooledPort(),
                  LOOPBACK,
                  replica.directPort()));
      replica.startedIn(Duration.ofNanos(System.nanoTime() - startNanos));
      replica.writeSummary(logDirectory);
      return replica;
    } catch (IOException | RuntimeException e) {
      pgbouncer.stop();
      if (postgres != null) {
        postgres.stop();
      }
      FileTrees.deleteQuietly(directory);
      if (e instanceof NeonStackException failure) {
        throw failure;
      }
      throw new NeonStackException(
          "the local read replica failed to start (logs in " + logDirectory + "): " + e, e);
    }
  }

  @Override
  protected void stopServers() {
    pgbouncer.stop();
    postgres.stop();
  }

  @Override
  protected void startServers() {
    postgres.restart();
    pgbouncer.restart(pgbouncerLog);
    pgbouncer.awaitLogin(this::openPooled, LOGIN_TIMEOUT, pgbouncerLog);
  }

  @Override
  protected void removeServers() {
    FileTrees.deleteQuietly(directory);
  }

  private void writeSummary(Path logDirectory) throws IOException {
    String summary =
        String.format(
            "neon-testkit local read replica started in %d ms (pg_basebackup -R, slot %s):"
                + " direct %s, pooled %s (its own PgBouncer), %s%n",
            startupTime().toMillis(),
            SLOT,
            directAddress(),
            pooledAddress(),
            frontPooledHostName()
                .map(host -> "Neon front names " + host + " and " + frontDirectHostName().get())
                .orElse("no Neon front"));
    Files.writeString(logDirectory.resolve("replica.txt"), summary, StandardCharsets.UTF_8);
  }
}

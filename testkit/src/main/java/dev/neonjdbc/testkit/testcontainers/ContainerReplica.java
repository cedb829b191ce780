package dev.neonjdbc.testkit.testcontainers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.VolumesFrom;
import dev.neonjdbc.testkit.AbstractReplicaStack;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.front.NeonFront;
import dev.neonjdbc.testkit.front.NeonFrontConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;

/**
 * The container stack's read replica: a standby container of the kit's image that takes {@code
 * pg_basebackup -R} from the primary's container over the kit's network (physical slot {@value
 * #SLOT}) and runs as a hot standby, and a PgBouncer container configured like the primary's,
 * reaching the standby over its Unix socket. Both publish fixed loopback ports, so that {@link
 * #stop()} ({@code docker stop} of the standby with a fast shutdown, {@code docker kill} of the
 * stateless PgBouncer) and {@link #start()} ({@code docker start}; the standby skips the base
 * backup it already has) keep the replica's addresses. Output goes to {@code
 * replica-postgresql.log} and {@code replica-pgbouncer.log}, also after a restart.
 */
final class ContainerReplica extends AbstractReplicaStack {
  /** The physical replication slot on the primary, also the standby's {@code application_name}. */
  static final String SLOT = "neonkit_replica";

  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(60);
  private static final int STOP_TIMEOUT_SECONDS = 20;
  private static final String SOCKET_DIRECTORY = "/var/run/postgresql";

  private final DockerClient docker;
  private final KitContainers containers;
  private final GenericContainer<?> postgres;
  private final GenericContainer<?> pgbouncer;

  /**
   * What the replica needs from the stack that started it.
   *
   * @param primaryHost the primary container's name on {@code network}
   * @param withTls adds the kit's TLS files to a container
   * @param pgbouncerIni the primary PgBouncer's configuration (the same fits the replica's)
   * @param authFile the primary PgBouncer's auth file (the standby has the same SCRAM secrets)
   */
  record Setup(
      DockerClient docker,
      KitContainers containers,
      KitImages images,
      Network network,
      String primaryHost,
      String host,
      UnaryOperator<GenericContainer<?>> withTls,
      String superuserPassword,
      String pgbouncerIni,
      String authFile) {}

  private ContainerReplica(
      NeonStack primary,
      String host,
      DockerClient docker,
      KitContainers containers,
      GenericContainer<?> postgres,
      GenericContainer<?> pgbouncer,
      String frontEndpointId) {
    super(
        primary,
        host,
        pgbouncer.getMappedPort(ContainerFiles.PGBOUNCER_PORT),
        host,
        postgres.getMappedPort(ContainerFiles.POSTGRES_PORT),
        primary.logDirectory(),
        frontEndpointId);
    this.docker = docker;
    this.containers = containers;
    this.postgres = postgres;
    this.pgbouncer = pgbouncer;
  }

  /**
   * Starts the standby and its PgBouncer, waits until a client logs in through that PgBouncer, and
   * has the front (if any) route {@link NeonFrontConfig#REPLICA_ENDPOINT_ID} to them.
   *
   * @throws NeonStackException when a container fails; what was started is removed
   */
  static ContainerReplica start(NeonStack primary, Setup setup) {
    long startNanos = System.nanoTime();
    Path logDirectory = primary.logDirectory();
    GenericContainer<?> postgres = null;
    GenericContainer<?> pgbouncer = null;
    try {
      postgres =
          setup
              .withTls()
              .apply(
                  setup
                      .containers()
                      .container(
                          setup.images().postgresImage(),
                          "replica-postgres",
                          setup.network(),
                          ContainerFiles.standbyScript(setup.primaryHost(), SLOT),
                          ContainerFiles.POSTGRES_PORT,
                          setup.containers().freeHostPort(),
                          logDirectory.resolve("replica-postgresql.log")))
              .withCreateContainerCmdModifier(
                  cmd -> cmd.withVolumes(new Volume(SOCKET_DIRECTORY)).withStopSignal("SIGINT"))
              .withCopyToContainer(
                  text("*:*:*:postgres:" + setup.superuserPassword() + "\n"),
                  ContainerFiles.PRIMARY_PASSFILE)
              .waitingFor(
                  Wait.forLogMessage(".*database system is ready to accept.*\\s", 1)
                      .withStartupTimeout(STARTUP_TIMEOUT));
      postgres.start();

      String postgresId = postgres.getContainerId();
      pgbouncer =
          setup
              .withTls()
              .apply(
                  setup
                      .containers()
                      .container(
                          setup.images().pgbouncerImage(),
                          "replica-pgbouncer",
                          setup.network(),
                          ContainerFiles.pgbouncerScript(),
                          ContainerFiles.PGBOUNCER_PORT,
                          setup.containers().freeHostPort(),
                          logDirectory.resolve("replica-pgbouncer.log")))
              .withCreateContainerCmdModifier(
                  cmd -> cmd.getHostConfig().withVolumesFrom(new VolumesFrom(postgresId)))
              .withCopyToContainer(text(setup.pgbouncerIni()), ContainerFiles.PGBOUNCER_INI)
              .withCopyToContainer(text(setup.authFile()), ContainerFiles.PGBOUNCER_AUTH_FILE)
              .waitingFor(
                  Wait.forLogMessage(".*process up: PgBouncer.*\\s", 1)
                      .withStartupTimeout(STARTUP_TIMEOUT));
      pgbouncer.start();

      Optional<NeonFront> front = primary.neonFront();
      ContainerReplica replica =
          new ContainerReplica(
              primary,
              setup.host(),
              setup.docker(),
              setup.containers(),
              postgres,
              pgbouncer,
              front.isPresent() ? NeonFrontConfig.REPLICA_ENDPOINT_ID : null);
      replica.awaitPooledLogin();
      front.ifPresent(
          running ->
              running.route(
                  NeonFrontConfig.REPLICA_ENDPOINT_ID,
                  replica.pooledHost(),
                  replica.pooledPort(),
                  replica.directHost(),
                  replica.directPort()));
      replica.startedIn(Duration.ofNanos(System.nanoTime() - startNanos));
      replica.writeSummary(logDirectory);
      return replica;
    } catch (IOException | RuntimeException e) {
      stopQuietly(pgbouncer);
      stopQuietly(postgres);
      if (e instanceof NeonStackException failure) {
        throw failure;
      }
      throw new NeonStackException(
          "the container read replica failed to start (logs in " + logDirectory + "): " + e, e);
    }
  }

  @Override
  protected void stopServers() {
    try {
      docker.killContainerCmd(pgbouncer.getContainerId()).exec();
    } catch (DockerException e) {
      // Already stopped.
    }
    try {
      docker.stopContainerCmd(postgres.getContainerId()).withTimeout(STOP_TIMEOUT_SECONDS).exec();
    } catch (DockerException e) {
      // Already stopped.
    }
  }

  @Override
  protected void startServers() {
    docker.startContainerCmd(postgres.getContainerId()).exec();
    containers.followAgain(
        postgres.getContainerId(), logDirectory().resolve("replica-postgresql.log"));
    docker.startContainerCmd(pgbouncer.getContainerId()).exec();
    containers.followAgain(
        pgbouncer.getContainerId(), logDirectory().resolve("replica-pgbouncer.log"));
    awaitPooledLogin();
  }

  @Override
  protected void removeServers() {
    stopQuietly(pgbouncer);
    stopQuietly(postgres);
  }

  /** The Docker ids of the standby and its PgBouncer. */
  String[] containerIds() {
    return new String[] {postgres.getContainerId(), pgbouncer.getContainerId()};
  }

  private void awaitPooledLogin() {
    long deadline = System.nanoTime() + LOGIN_TIMEOUT.toNanos();
    while (true) {
      try (Connection connection = openPooled();
          Statement statement = connection.createStatement()) {
        statement.execute("SELECT 1");
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new NeonStackException(
              "cannot log in through the replica's PgBouncer: "
                  + e.getMessage()
                  + " (logs in "
                  + logDirectory()
                  + ")",
              e);
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NeonStackException("interrupted while waiting for the replica", e);
      }
    }
  }

  private void writeSummary(Path logDirectory) throws IOException {
    String summary =
        String.format(
            "neon-testkit container read replica started in %d ms (pg_basebackup -R over the"
                + " kit's network, slot %s): direct %s, pooled %s (its own PgBouncer), %s%n",
            startupTime().toMillis(),
            SLOT,
            directAddress(),
            pooledAddress(),
            frontPooledHostName()
                .map(host -> "Neon front names " + host + " and " + frontDirectHostName().get())
                .orElse("no Neon front"));
    Files.writeString(logDirectory.resolve("replica.txt"), summary, StandardCharsets.UTF_8);
  }

  private static Transferable text(String content) {
    return Transferable.of(content.getBytes(StandardCharsets.UTF_8), 0600);
  }

  private static void stopQuietly(GenericContainer<?> container) {
    if (container == null) {
      return;
    }
    try {
      container.stop();
    } catch (RuntimeException e) {
      // The kit's reaper removes what is left.
    }
  }
}

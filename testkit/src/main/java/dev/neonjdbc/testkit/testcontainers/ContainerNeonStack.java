package dev.neonjdbc.testkit.testcontainers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.VolumesFrom;
import dev.neonjdbc.testkit.AbstractNeonStack;
import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.PgBouncerAdmin;
import dev.neonjdbc.testkit.StackDescription;
import dev.neonjdbc.testkit.front.FrontCertificates;
import dev.neonjdbc.testkit.front.NeonFront;
import dev.neonjdbc.testkit.local.LocalBinaries;
import dev.neonjdbc.testkit.local.LocalNeonStack;
import dev.neonjdbc.testkit.pgbouncer.PgBouncerConfig;
import dev.neonjdbc.testkit.pgbouncer.PoolerKind;
import dev.neonjdbc.testkit.pgbouncer.PsqlPgBouncerAdmin;
import dev.neonjdbc.testkit.postgres.ClusterBootstrap;
import dev.neonjdbc.testkit.postgres.Passwords;
import dev.neonjdbc.testkit.process.FileTrees;
import dev.neonjdbc.testkit.tls.TlsMaterial;
import dev.neonjdbc.testkit.tls.TlsMaterialGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;

/**
 * The stack in Docker, through Testcontainers. On one new Docker network it starts:
 *
 * <ul>
 *   <li>a PostgreSQL container: a fresh {@code initdb} cluster with TLS from the kit's CA, SCRAM
 *       for every login, {@code max_connections=200}, durability off;
 *   <li>a PgBouncer container with the local provider's {@code pgbouncer.ini} (transaction pooling,
 *       SCRAM auth file holding the server's secrets, client TLS, aliases {@code neondb} and {@code
 *       neondb_single} with one server connection) plus {@code max_prepared_statements}, reaching
 *       PostgreSQL through its Unix socket, in a volume the two containers share.
 * </ul>
 *
 * <p>In front of both, in this JVM, runs the same Neon front as the local provider's ({@link
 * #neonFront()}; turned off the same way, see {@link LocalNeonStack#frontWanted()}).
 *
 * <p>Both run the kit's image (PostgreSQL 17 and PgBouncer 1.24 from Debian's packages, built on
 * first use and never pulled: {@link KitImages}) unless {@code NEON_TESTKIT_POSTGRES_IMAGE} or
 * {@code NEON_TESTKIT_PGBOUNCER_IMAGE} names another. Their ports are published on {@code
 * 127.0.0.1} only; the WebSocket proxies and latency relays run in this JVM, as with the local
 * provider. As there, pooled sessions reach PostgreSQL over its Unix socket, so {@code
 * inet_server_addr()} is NULL on them and the container's address on direct ones. Container output
 * goes to {@code postgresql.log} and {@code pgbouncer.log} in the log directory as it comes.
 * Containers and network carry owner labels: the shutdown hook removes them, and {@link
 * ContainerReaper} removes those of killed JVMs.
 */
public final class ContainerNeonStack extends AbstractNeonStack {
  /**
   * {@code max_prepared_statements} of the pooler, as on Neon (PgBouncer 1.21 and later keep
   * protocol-level prepared statements across transactions).
   */
  public static final int MAX_PREPARED_STATEMENTS = 1000;

  private static final String USER = "neon";
  private static final String DATABASE = "neondb";
  private static final String SINGLE_BACKEND_DATABASE = "neondb_single";
  private static final String SUPERUSER = "postgres";
  private static final String SOCKET_DIRECTORY = "/var/run/postgresql";
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(30);

  private final Network network;
  private final GenericContainer<?> postgres;
  private final GenericContainer<?> pgbouncer;
  private final Path workDirectory;
  private final String superuserPassword;
  private final String adminPassword;
  private final ContainerReplica.Setup replicaSetup;

  private volatile NeonFront front;

  private ContainerNeonStack(
      StackDescription description,
      Network network,
      GenericContainer<?> postgres,
      GenericContainer<?> pgbouncer,
      Path workDirectory,
      String superuserPassword,
      String adminPassword,
      ContainerReplica.Setup replicaSetup) {
    super(description);
    this.network = network;
    this.postgres = postgres;
    this.pgbouncer = pgbouncer;
    this.workDirectory = workDirectory;
    this.superuserPassword = superuserPassword;
    this.adminPassword = adminPassword;
    this.replicaSetup = replicaSetup;
  }

  /**
   * Removes what killed JVMs left, builds the kit's image if it is missing, then starts both
   * containers and prepares the database.
   *
   * @param logDirectory existing directory for the logs, kept after stop
   * @throws NeonStackException when the engine, an image or a container fails, with the reason
   */
  public static ContainerNeonStack start(Path logDirectory) {
    long startNanos = System.nanoTime();
    DockerClient docker = Docker.client();
    ContainerReaper.reapAbandoned(docker);
    KitImages images = KitImages.load();
    Duration imageBuild = images.ensurePresent(docker, logDirectory);
    KitContainers containers = new KitContainers(docker);

    String superuserPassword = Passwords.alphanumeric(24);
    String adminPassword = Passwords.alphanumeric(24);
    String password = Passwords.neonStyle();
    Network network = containers.network();
    GenericContainer<?> postgres = null;
    GenericContainer<?> pgbouncer = null;
    Path workDirectory = null;
    try {
      workDirectory = Files.createTempDirectory("neonkit-tc-");
      String host = containers.host();
      TlsMaterial tls =
          TlsMaterialGenerator.generate(
              workDirectory.resolve("tls"), extraNames(host), Passwords.alphanumeric(16));

      postgres =
          withTls(
                  containers.container(
                      images.postgresImage(),
                      "postgres",
                      network,
                      ContainerFiles.postgresScript(SUPERUSER),
                      ContainerFiles.POSTGRES_PORT,
                      logDirectory.resolve("postgresql.log")),
                  tls)
              // An anonymous volume for the Unix socket, which PgBouncer's container mounts too.
              .withCreateContainerCmdModifier(cmd -> cmd.withVolumes(new Volume(SOCKET_DIRECTORY)))
              .withCopyToContainer(
                  text(superuserPassword + "\n"), ContainerFiles.SUPERUSER_PASSWORD_FILE)
              .withCopyToContainer(
                  text(ContainerFiles.postgresqlConf()), ContainerFiles.POSTGRESQL_CONF)
              .withCopyToContainer(text(ContainerFiles.pgHbaConf()), ContainerFiles.PG_HBA_CONF)
              .waitingFor(
                  Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 1)
                      .withStartupTimeout(STARTUP_TIMEOUT));
      postgres.start();

      Map<String, String> jdbcTls = new LinkedHashMap<>();
      jdbcTls.put("sslmode", "verify-full");
      jdbcTls.put("sslrootcert", tls.caCertificate().toString());
      int directPort = postgres.getMappedPort(ContainerFiles.POSTGRES_PORT);
      String bootstrapUrl =
          "jdbc:postgresql://" + host + ":" + directPort + "/postgres?" + query(jdbcTls);
      Map<String, String> secrets;
      String serverVersion;
      try (Connection superuser = connect(bootstrapUrl, login(SUPERUSER, superuserPassword))) {
        serverVersion = scalar(superuser, "SHOW server_version");
        secrets =
            ClusterBootstrap.createRolesAndDatabase(
                superuser, USER, password, DATABASE, SINGLE_BACKEND_DATABASE, adminPassword);
      }

      String postgresId = postgres.getContainerId();
      pgbouncer =
          withTls(
                  containers.container(
                      images.pgbouncerImage(),
                      "pgbouncer",
                      network,
                      ContainerFiles.pgbouncerScript(),
                      ContainerFiles.PGBOUNCER_PORT,
                      logDirectory.resolve("pgbouncer.log")),
                  tls)
              .withCreateContainerCmdModifier(
                  cmd -> cmd.getHostConfig().withVolumesFrom(new VolumesFrom(postgresId)))
              .withCopyToContainer(text(pgbouncerIni()), ContainerFiles.PGBOUNCER_INI)
              .withCopyToContainer(
                  text(PgBouncerConfig.authFile(secrets)), ContainerFiles.PGBOUNCER_AUTH_FILE)
              .waitingFor(
                  Wait.forLogMessage(".*process up: PgBouncer.*\\s", 1)
                      .withStartupTimeout(STARTUP_TIMEOUT));
      pgbouncer.start();

      StackDescription description =
          new StackDescription(
              "testcontainers",
              host,
              pgbouncer.getMappedPort(ContainerFiles.PGBOUNCER_PORT),
              host,
              directPort,
              DATABASE,
              SINGLE_BACKEND_DATABASE,
              USER,
              password,
              tls,
              jdbcTls,
              new LinkedHashMap<>(jdbcTls),
              logDirectory,
              PoolerKind.configured().keepsPreparedStatements());
      ContainerNeonStack stack =
          new ContainerNeonStack(
              description,
              network,
              postgres,
              pgbouncer,
              workDirectory,
              superuserPassword,
              adminPassword,
              new ContainerReplica.Setup(
                  docker,
                  containers,
                  images,
                  network,
                  postgres.getNetworkAliases().get(0),
                  host,
                  container -> withTlsUnchecked(container, tls),
                  superuserPassword,
                  pgbouncerIni(),
                  PgBouncerConfig.authFile(secrets)));
      stack.awaitPooledLogin();
      if (LocalNeonStack.frontWanted()) {
        // The same front as the local provider's, in this JVM, before the published ports.
        stack.front = FrontCertificates.startInFrontOf(stack, tls, workDirectory.resolve("front"));
      }
      stack.writeSummary(
          images,
          serverVersion,
          containers.loopbackOnly(),
          imageBuild,
          Duration.ofNanos(System.nanoTime() - startNanos));
      return stack;
    } catch (IOException | SQLException | RuntimeException e) {
      stopQuietly(pgbouncer);
      stopQuietly(postgres);
      closeQuietly(network);
      FileTrees.deleteQuietly(workDirectory);
      if (e instanceof NeonStackException failure) {
        throw failure;
      }
      throw new NeonStackException(
          "the Testcontainers stack failed to start (logs in " + logDirectory + "): " + e, e);
    }
  }

  /** Pooled sessions come over the Unix socket, as with the local provider. */
  @Override
  protected String pooledSessionQuery() {
    return "SELECT inet_server_addr() IS NULL";
  }

  /** The container provider runs replicas: see {@link ContainerReplica}. */
  @Override
  public String replicaUnavailableReason() {
    return null;
  }

  /**
   * Starts the read replica: a standby container that takes {@code pg_basebackup -R} from the
   * PostgreSQL container over the kit's network, its own PgBouncer container, and the front's route
   * for its Neon host names.
   */
  @Override
  protected ContainerReplica startReplica() {
    return ContainerReplica.start(this, replicaSetup);
  }

  @Override
  public Connection openSuperuser() throws SQLException {
    return connect(directJdbcUrl(), login(SUPERUSER, superuserPassword));
  }

  /**
   * The admin console, reached with a {@code psql} installed on this machine, else with the one in
   * the PgBouncer container; empty when neither exists.
   */
  @Override
  public Optional<PgBouncerAdmin> pgbouncerAdmin() {
    Optional<PgBouncerAdmin> local =
        LocalBinaries.findPsql()
            .map(
                psql ->
                    new PsqlPgBouncerAdmin(
                        psql,
                        pooledHost(),
                        pooledPort(),
                        caCertificate(),
                        ClusterBootstrap.PGBOUNCER_ADMIN,
                        adminPassword));
    if (local.isPresent() || !ExecPgBouncerAdmin.usable(pgbouncer)) {
      return local;
    }
    return Optional.of(
        new ExecPgBouncerAdmin(pgbouncer, ClusterBootstrap.PGBOUNCER_ADMIN, adminPassword));
  }

  /** The admin console through the PgBouncer container's own {@code psql}. */
  PgBouncerAdmin adminInContainer() {
    return new ExecPgBouncerAdmin(pgbouncer, ClusterBootstrap.PGBOUNCER_ADMIN, adminPassword);
  }

  /**
   * Logins without TLS (the kit's WebSocket proxies) get the cleartext password request: see the
   * container's {@code pg_hba.conf}.
   */
  @Override
  public boolean tunnelUsesCleartextPassword() {
    return true;
  }

  /** The Neon front in this JVM, unless turned off as for the local provider. */
  @Override
  public Optional<NeonFront> neonFront() {
    return Optional.ofNullable(front);
  }

  /**
   * Stops the front, removes the replica's containers (if one was started), both containers and the
   * network, and deletes the temp files.
   */
  @Override
  protected synchronized void stop() {
    NeonFront running = front;
    if (running != null) {
      running.close();
    }
    stopReplica();
    stopQuietly(pgbouncer);
    stopQuietly(postgres);
    closeQuietly(network);
    FileTrees.deleteQuietly(workDirectory);
  }

  /** The Docker id of the PostgreSQL container. */
  String postgresContainerId() {
    return postgres.getContainerId();
  }

  /** The Docker id of the PgBouncer container. */
  String pgbouncerContainerId() {
    return pgbouncer.getContainerId();
  }

  /** The Docker id of the stack's network. */
  String networkId() {
    return network.getId();
  }

  /**
   * Waits until a client can log in through PgBouncer with SCRAM: that proves PgBouncer reaches
   * PostgreSQL with the client's keys, not just that its port is open.
   */
  private void awaitPooledLogin() throws SQLException {
    long deadline = System.nanoTime() + LOGIN_TIMEOUT.toNanos();
    while (true) {
      try (Connection connection = openPooled()) {
        scalar(connection, "SELECT 1");
        return;
      } catch (SQLException e) {
        if (!pgbouncer.isRunning() || System.nanoTime() > deadline) {
          throw new NeonStackException(
              "cannot log in through PgBouncer: "
                  + e.getMessage()
                  + " (log "
                  + logDirectory().resolve("pgbouncer.log")
                  + ")",
              e);
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NeonStackException("interrupted while waiting for PgBouncer", e);
      }
    }
  }

  private void writeSummary(
      KitImages images,
      String serverVersion,
      boolean loopbackOnly,
      Duration imageBuild,
      Duration took)
      throws IOException {
    String summary =
        String.format(
            "neon-testkit testcontainers stack started in %d ms (image build %d ms):"
                + " PostgreSQL %s (%s) direct %s:%d, PgBouncer (%s) pooled %s:%d reaching it over"
                + " the Unix socket (transaction mode, max_prepared_statements=%d, databases %s"
                + " and %s with pool_size=1), ports on %s, user %s, TLS CA %s; kit image %s"
                + " (postgresql %s, pgbouncer %s)%n",
            took.toMillis(),
            imageBuild.toMillis(),
            serverVersion,
            images.postgresImage(),
            directHost(),
            directPort(),
            images.pgbouncerImage(),
            pooledHost(),
            pooledPort(),
            poolerKeepsPreparedStatements() ? MAX_PREPARED_STATEMENTS : 0,
            database(),
            singleBackendDatabase(),
            loopbackOnly ? "loopback only" : "the Docker host",
            user(),
            caCertificate(),
            images.kitImage(),
            images.postgresqlPackage(),
            images.pgbouncerPackage());
    Files.writeString(logDirectory().resolve("stack.txt"), summary, StandardCharsets.UTF_8);
  }

  /**
   * The local provider's configuration, listening on the container's port; the pooler keeps
   * prepared statements unless {@link PoolerKind#PLAIN} is chosen ({@code
   * max_prepared_statements=0} on the same 1.24 binary).
   */
  private static String pgbouncerIni() {
    return new PgBouncerConfig(
            "0.0.0.0",
            ContainerFiles.PGBOUNCER_PORT,
            SOCKET_DIRECTORY,
            ContainerFiles.POSTGRES_PORT,
            DATABASE,
            SINGLE_BACKEND_DATABASE,
            ContainerFiles.PGBOUNCER_AUTH_FILE,
            ContainerFiles.TLS_DIRECTORY + "/server.key",
            ContainerFiles.TLS_DIRECTORY + "/server.pem",
            ContainerFiles.TLS_DIRECTORY + "/ca.pem",
            "",
            "",
            PoolerKind.configured().keepsPreparedStatements() ? MAX_PREPARED_STATEMENTS : 0)
        .render();
  }

  private static GenericContainer<?> withTlsUnchecked(
      GenericContainer<?> container, TlsMaterial tls) {
    try {
      return withTls(container, tls);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GenericContainer<?> withTls(GenericContainer<?> container, TlsMaterial tls)
      throws IOException {
    return container
        .withCopyToContainer(
            file(tls.serverCertificate()), ContainerFiles.TLS_DIRECTORY + "/server.pem")
        .withCopyToContainer(file(tls.serverKey()), ContainerFiles.TLS_DIRECTORY + "/server.key")
        .withCopyToContainer(file(tls.caCertificate()), ContainerFiles.TLS_DIRECTORY + "/ca.pem");
  }

  /** The server certificate must also name the Docker host when it is not this machine. */
  private static List<String> extraNames(String dockerHost) {
    if (dockerHost.equals("127.0.0.1")) {
      return List.of();
    }
    boolean address = dockerHost.matches("[0-9.]+") || dockerHost.contains(":");
    return List.of((address ? "IP:" : "DNS:") + dockerHost);
  }

  private static Transferable file(Path path) throws IOException {
    return Transferable.of(Files.readAllBytes(path), 0644);
  }

  private static Transferable text(String content) {
    return Transferable.of(content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  private static Properties login(String user, String password) {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    return properties;
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
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

  private static void closeQuietly(Network network) {
    try {
      network.close();
    } catch (RuntimeException e) {
      // The kit's reaper removes what is left.
    }
  }
}

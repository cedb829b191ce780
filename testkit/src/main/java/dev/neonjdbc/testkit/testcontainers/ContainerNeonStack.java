package dev.neonjdbc.testkit.testcontainers;

import com.github.dockerjava.api.model.ContainerNetwork;
import dev.neonjdbc.testkit.AbstractNeonStack;
import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.PgBouncerAdmin;
import dev.neonjdbc.testkit.StackDescription;
import dev.neonjdbc.testkit.local.LocalBinaries;
import dev.neonjdbc.testkit.pgbouncer.PgBouncerConfig;
import dev.neonjdbc.testkit.pgbouncer.PsqlPgBouncerAdmin;
import dev.neonjdbc.testkit.postgres.ClusterBootstrap;
import dev.neonjdbc.testkit.postgres.Passwords;
import dev.neonjdbc.testkit.process.FileTrees;
import dev.neonjdbc.testkit.tls.TlsMaterial;
import dev.neonjdbc.testkit.tls.TlsMaterialGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The stack in Docker, through Testcontainers. It starts, on one new Docker network:
 *
 * <ul>
 *   <li>a PostgreSQL container ({@value #DEFAULT_POSTGRES_IMAGE}, or {@code
 *       $NEON_TESTKIT_POSTGRES_IMAGE}) with TLS from the kit's CA ({@code ssl=on}), SCRAM for every
 *       login ({@code initdb --auth-host=scram-sha-256 --auth-local=scram-sha-256}), {@code
 *       max_connections=200} and durability off, its port 5432 published on a random host port;
 *   <li>a PgBouncer container ({@value #DEFAULT_PGBOUNCER_IMAGE}, or {@code
 *       $NEON_TESTKIT_PGBOUNCER_IMAGE}) with the same {@code pgbouncer.ini} as the local provider
 *       (transaction pooling, SCRAM auth file holding the server's secrets, client TLS, aliases
 *       {@code neondb} and {@code neondb_single}), reaching PostgreSQL by its network alias, its
 *       port 6432 published on a random host port.
 * </ul>
 *
 * <p>PgBouncer reaches PostgreSQL over TCP here, so pooled sessions are recognised by their client
 * address (the PgBouncer container's) rather than by a NULL {@code inet_server_addr()}. Container
 * logs are written to the log directory when the stack stops.
 */
public final class ContainerNeonStack extends AbstractNeonStack {
  /** PostgreSQL image used unless {@code NEON_TESTKIT_POSTGRES_IMAGE} names another. */
  public static final String DEFAULT_POSTGRES_IMAGE = "postgres:16";

  /** PgBouncer image used unless {@code NEON_TESTKIT_PGBOUNCER_IMAGE} names another. */
  public static final String DEFAULT_PGBOUNCER_IMAGE = "edoburu/pgbouncer:latest";

  private static final String USER = "neon";
  private static final String DATABASE = "neondb";
  private static final String SINGLE_BACKEND_DATABASE = "neondb_single";
  private static final String SUPERUSER = "postgres";
  private static final String POSTGRES_ALIAS = "postgres";
  private static final int POSTGRES_PORT = 5432;
  private static final int PGBOUNCER_PORT = 6432;
  private static final String PG_TLS_DIR = "/var/lib/postgresql/tls";
  private static final String PGBOUNCER_DIR = "/etc/pgbouncer";

  private final Network network;
  private final GenericContainer<?> postgres;
  private final GenericContainer<?> pgbouncer;
  private final Path workDirectory;
  private final String pgbouncerAddress;
  private final String superuserPassword;
  private final String adminPassword;

  private ContainerNeonStack(
      StackDescription description,
      Network network,
      GenericContainer<?> postgres,
      GenericContainer<?> pgbouncer,
      Path workDirectory,
      String pgbouncerAddress,
      String superuserPassword,
      String adminPassword) {
    super(description);
    this.network = network;
    this.postgres = postgres;
    this.pgbouncer = pgbouncer;
    this.workDirectory = workDirectory;
    this.pgbouncerAddress = pgbouncerAddress;
    this.superuserPassword = superuserPassword;
    this.adminPassword = adminPassword;
  }

  /**
   * Starts both containers and prepares the database.
   *
   * @param logDirectory existing directory for container logs, written at stop
   */
  @SuppressWarnings("resource") // the containers and network are closed by stop()
  public static ContainerNeonStack start(Path logDirectory) {
    String superuserPassword = Passwords.alphanumeric(24);
    String adminPassword = Passwords.alphanumeric(24);
    String password = Passwords.neonStyle();
    Network network = Network.newNetwork();
    GenericContainer<?> postgres = null;
    GenericContainer<?> pgbouncer = null;
    Path workDirectory = null;
    try {
      workDirectory = Files.createTempDirectory("neonkit-tc-");
      String dockerHost = DockerClientFactory.instance().dockerHostIpAddress();
      TlsMaterial tls =
          TlsMaterialGenerator.generate(
              workDirectory.resolve("tls"), extraNames(dockerHost), Passwords.alphanumeric(16));

      postgres =
          new GenericContainer<>(image("NEON_TESTKIT_POSTGRES_IMAGE", DEFAULT_POSTGRES_IMAGE))
              .withNetwork(network)
              .withNetworkAliases(POSTGRES_ALIAS)
              .withEnv("POSTGRES_PASSWORD", superuserPassword)
              .withEnv(
                  "POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256 --auth-local=scram-sha-256")
              .withCopyToContainer(file(tls.serverCertificate()), "/tls-in/server.pem")
              .withCopyToContainer(file(tls.serverKey()), "/tls-in/server.key")
              .withCopyToContainer(file(tls.caCertificate()), "/tls-in/ca.pem")
              .withExposedPorts(POSTGRES_PORT)
              // The key must belong to postgres with mode 0600, which a copied file cannot.
              .withCommand("sh", "-c", postgresStartScript())
              .waitingFor(
                  Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2)
                      .withStartupTimeout(Duration.ofMinutes(2)));
      postgres.start();

      Map<String, String> jdbcTls = new LinkedHashMap<>();
      jdbcTls.put("sslmode", "verify-full");
      jdbcTls.put("sslrootcert", tls.caCertificate().toString());
      String bootstrapUrl =
          "jdbc:postgresql://"
              + postgres.getHost()
              + ":"
              + postgres.getMappedPort(POSTGRES_PORT)
              + "/postgres?"
              + query(jdbcTls);
      Map<String, String> secrets;
      try (Connection superuser = connect(bootstrapUrl, login(SUPERUSER, superuserPassword))) {
        secrets =
            ClusterBootstrap.createRolesAndDatabase(
                superuser, USER, password, DATABASE, SINGLE_BACKEND_DATABASE, adminPassword);
      }

      PgBouncerConfig config =
          new PgBouncerConfig(
              "0.0.0.0",
              PGBOUNCER_PORT,
              POSTGRES_ALIAS,
              POSTGRES_PORT,
              DATABASE,
              SINGLE_BACKEND_DATABASE,
              PGBOUNCER_DIR + "/userlist.txt",
              PGBOUNCER_DIR + "/tls/server.key",
              PGBOUNCER_DIR + "/tls/server.pem",
              PGBOUNCER_DIR + "/tls/ca.pem",
              "",
              "");
      pgbouncer =
          new GenericContainer<>(image("NEON_TESTKIT_PGBOUNCER_IMAGE", DEFAULT_PGBOUNCER_IMAGE))
              .withNetwork(network)
              .withCopyToContainer(text(config.render()), PGBOUNCER_DIR + "/pgbouncer.ini")
              .withCopyToContainer(
                  text(PgBouncerConfig.authFile(secrets)), PGBOUNCER_DIR + "/userlist.txt")
              .withCopyToContainer(file(tls.serverCertificate()), PGBOUNCER_DIR + "/tls/server.pem")
              .withCopyToContainer(file(tls.serverKey()), PGBOUNCER_DIR + "/tls/server.key")
              .withCopyToContainer(file(tls.caCertificate()), PGBOUNCER_DIR + "/tls/ca.pem")
              .withExposedPorts(PGBOUNCER_PORT)
              .waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(1)));
      pgbouncer.start();
      String pgbouncerAddress = networkAddress(pgbouncer, network);

      StackDescription description =
          new StackDescription(
              "testcontainers",
              pgbouncer.getHost(),
              pgbouncer.getMappedPort(PGBOUNCER_PORT),
              postgres.getHost(),
              postgres.getMappedPort(POSTGRES_PORT),
              DATABASE,
              SINGLE_BACKEND_DATABASE,
              USER,
              password,
              tls,
              jdbcTls,
              new LinkedHashMap<>(jdbcTls),
              logDirectory);
      ContainerNeonStack stack =
          new ContainerNeonStack(
              description,
              network,
              postgres,
              pgbouncer,
              workDirectory,
              pgbouncerAddress,
              superuserPassword,
              adminPassword);
      Files.writeString(
          logDirectory.resolve("stack.txt"),
          "neon-testkit testcontainers stack: "
              + description
              + ", PgBouncer at "
              + pgbouncerAddress
              + " on the Docker network\n",
          StandardCharsets.UTF_8);
      return stack;
    } catch (IOException | SQLException | RuntimeException e) {
      stopQuietly(pgbouncer);
      stopQuietly(postgres);
      network.close();
      FileTrees.deleteQuietly(workDirectory);
      throw new NeonStackException("the Testcontainers stack failed to start: " + e, e);
    }
  }

  /** Pooled sessions come from the PgBouncer container's address on the Docker network. */
  @Override
  protected String pooledSessionQuery() {
    return "SELECT coalesce(inet_client_addr() = inet '" + pgbouncerAddress + "', false)";
  }

  @Override
  public Connection openSuperuser() throws SQLException {
    return connect(directJdbcUrl(), login(SUPERUSER, superuserPassword));
  }

  /**
   * The admin console, reached with a {@code psql} installed on this machine; empty without one.
   */
  @Override
  public Optional<PgBouncerAdmin> pgbouncerAdmin() {
    return LocalBinaries.findPsql()
        .map(
            psql ->
                new PsqlPgBouncerAdmin(
                    psql,
                    pooledHost(),
                    pooledPort(),
                    caCertificate(),
                    ClusterBootstrap.PGBOUNCER_ADMIN,
                    adminPassword));
  }

  /** Saves the container logs, stops both containers, removes the network and temp files. */
  @Override
  protected synchronized void stop() {
    saveLogs(postgres, "postgresql.log");
    saveLogs(pgbouncer, "pgbouncer.log");
    stopQuietly(pgbouncer);
    stopQuietly(postgres);
    network.close();
    FileTrees.deleteQuietly(workDirectory);
  }

  private void saveLogs(GenericContainer<?> container, String fileName) {
    try {
      Files.writeString(
          logDirectory().resolve(fileName), container.getLogs(), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      // Logs are a convenience; stopping matters more.
    }
  }

  private static String postgresStartScript() {
    return String.join(
        " && ",
        "mkdir -p " + PG_TLS_DIR,
        "cp /tls-in/server.pem /tls-in/server.key /tls-in/ca.pem " + PG_TLS_DIR,
        "chown -R postgres:postgres " + PG_TLS_DIR,
        "chmod 600 " + PG_TLS_DIR + "/server.key",
        "exec docker-entrypoint.sh postgres"
            + " -c ssl=on"
            + " -c ssl_cert_file="
            + PG_TLS_DIR
            + "/server.pem"
            + " -c ssl_key_file="
            + PG_TLS_DIR
            + "/server.key"
            + " -c ssl_ca_file="
            + PG_TLS_DIR
            + "/ca.pem"
            + " -c password_encryption=scram-sha-256"
            + " -c max_connections=200"
            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
  }

  private static String networkAddress(GenericContainer<?> container, Network network) {
    for (ContainerNetwork attached :
        container.getContainerInfo().getNetworkSettings().getNetworks().values()) {
      if (network.getId().equals(attached.getNetworkID())) {
        return attached.getIpAddress();
      }
    }
    throw new NeonStackException("PgBouncer container has no address on the stack's network");
  }

  /** The server certificate must also name the Docker host when it is not this machine. */
  private static List<String> extraNames(String dockerHost) {
    if (dockerHost == null || dockerHost.equals("localhost") || dockerHost.equals("127.0.0.1")) {
      return List.of();
    }
    boolean address = dockerHost.matches("[0-9.]+") || dockerHost.contains(":");
    return List.of((address ? "IP:" : "DNS:") + dockerHost);
  }

  private static DockerImageName image(String variable, String defaultImage) {
    String configured = System.getenv(variable);
    return DockerImageName.parse(
        configured == null || configured.isBlank() ? defaultImage : configured);
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

  private static void stopQuietly(GenericContainer<?> container) {
    if (container == null) {
      return;
    }
    try {
      container.stop();
    } catch (RuntimeException e) {
      // Testcontainers' reaper removes what is left.
    }
  }
}

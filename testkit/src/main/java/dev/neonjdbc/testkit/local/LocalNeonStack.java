package dev.neonjdbc.testkit.local;

import dev.neonjdbc.testkit.AbstractNeonStack;
import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.PgBouncerAdmin;
import dev.neonjdbc.testkit.StackDescription;
import dev.neonjdbc.testkit.front.FrontCertificates;
import dev.neonjdbc.testkit.front.NeonFront;
import dev.neonjdbc.testkit.pgbouncer.PgBouncerBinary;
import dev.neonjdbc.testkit.pgbouncer.PgBouncerConfig;
import dev.neonjdbc.testkit.pgbouncer.PoolerKind;
import dev.neonjdbc.testkit.pgbouncer.PsqlPgBouncerAdmin;
import dev.neonjdbc.testkit.postgres.ClusterBootstrap;
import dev.neonjdbc.testkit.postgres.Passwords;
import dev.neonjdbc.testkit.process.FileTrees;
import dev.neonjdbc.testkit.process.ServiceUser;
import dev.neonjdbc.testkit.tls.TlsMaterial;
import dev.neonjdbc.testkit.tls.TlsMaterialGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The stack from local binaries: a fresh PostgreSQL cluster and a PgBouncer in front of it.
 *
 * <p>Layout: a short stack directory {@code /tmp/neonkit-N/} (Unix socket paths must stay under
 * about 100 characters) holds {@code tls/}, {@code pgdata/}, {@code pgbouncer/} (ini, auth file,
 * pid file) and PostgreSQL's Unix socket; it is deleted at stop. Logs ({@code initdb.log}, {@code
 * postgresql.log}, {@code pgbouncer.log}, {@code pgbouncer.console.log}, {@code stack.txt}) go to
 * the log directory and are kept.
 *
 * <p>The pooled endpoint is the PgBouncer {@link PoolerKind#configured()} asks for: by default
 * PgBouncer 1.21 or later with {@code max_prepared_statements=1000}, as on Neon; with {@code plain}
 * the system's PgBouncer (Debian 12's 1.18), which keeps no prepared statements.
 *
 * <p>PostgreSQL listens on {@code 127.0.0.1} and on the socket. PgBouncer listens on {@code
 * 127.0.0.1} only and reaches PostgreSQL through the socket, so {@code inet_server_addr()} is NULL
 * on pooled sessions and {@code 127.0.0.1} on direct ones.
 *
 * <p>In front of both runs a {@link NeonFront} ({@link #neonFront()}), as Neon's proxy stands in
 * front of a compute: TLS with SNI routing for {@code
 * ep-neonkit-123456[-pooler].local.aws.neon.tech}, direct TLS, SCRAM-SHA-256-PLUS, the {@code wss}
 * front, suspend and wake. It starts once a client can log in through PgBouncer, presents a
 * certificate from the stack's CA, logs to {@code neon-front.log}, and stops before PgBouncer. The
 * stack's own URLs ({@link #pooledJdbcUrl()}, {@link #directJdbcUrl()}, {@link #neonJdbcUrl()})
 * still name PgBouncer and PostgreSQL themselves. Turn the front off with the system property
 * {@value #FRONT_PROPERTY} or, when that is not set, the environment variable {@value
 * #FRONT_VARIABLE}, set to {@code off} (or {@code false}); {@code on} (or {@code true}) is the
 * default.
 */
public final class LocalNeonStack extends AbstractNeonStack {
  static final String DATA_DIRECTORY = "pgdata";
  static final String PGBOUNCER_PID_FILE = "pgbouncer/pgbouncer.pid";

  private static final String USER = "neon";
  private static final String DATABASE = "neondb";
  private static final String SINGLE_BACKEND_DATABASE = "neondb_single";
  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(20);

  /** System property that turns the Neon front on or off: {@code on} (default) or {@code off}. */
  public static final String FRONT_PROPERTY = "neon.testkit.front";

  /** Environment variable read when {@link #FRONT_PROPERTY} is not set. */
  public static final String FRONT_VARIABLE = "NEON_TESTKIT_FRONT";

  private final Path stackDirectory;
  private final Path serviceLogDirectory;
  private final LocalPostgres postgres;
  private final LocalPgBouncer pgbouncer;
  private final String superuserPassword;
  private final String adminPassword;
  private final Path psql;
  private final LocalReplica.Setup replicaSetup;
  private volatile NeonFront front;

  private LocalNeonStack(
      StackDescription description,
      Path stackDirectory,
      Path serviceLogDirectory,
      LocalPostgres postgres,
      LocalPgBouncer pgbouncer,
      String superuserPassword,
      String adminPassword,
      Path psql,
      LocalReplica.Setup replicaSetup) {
    super(description);
    this.stackDirectory = stackDirectory;
    this.serviceLogDirectory = serviceLogDirectory;
    this.postgres = postgres;
    this.pgbouncer = pgbouncer;
    this.superuserPassword = superuserPassword;
    this.adminPassword = adminPassword;
    this.psql = psql;
    this.replicaSetup = replicaSetup;
  }

  /**
   * Starts a new stack. The caller stops it with {@link #stop()} (the shared stack's shutdown hook
   * does).
   *
   * @param logDirectory existing directory for the logs, kept after stop
   * @throws NeonStackException when a binary is missing (with the install command) or a step fails
   */
  public static LocalNeonStack start(Path logDirectory) {
    long startNanos = System.nanoTime();
    PoolerKind pooler = PoolerKind.configured();
    LocalBinaries binaries = LocalBinaries.locate(pooler);
    int maxPreparedStatements = maxPreparedStatements(pooler, binaries.pgbouncer());
    ServiceUser serviceUser = ServiceUser.current();
    Path tempRoot = tempRoot();
    StaleStackReaper.reap(tempRoot, binaries, serviceUser);

    Path stackDirectory;
    try {
      stackDirectory = Files.createTempDirectory(tempRoot, StaleStackReaper.DIRECTORY_PREFIX);
      StaleStackReaper.claim(stackDirectory);
    } catch (IOException e) {
      throw new NeonStackException("cannot create a stack directory under " + tempRoot, e);
    }
    Path serviceLogs = serviceLogDirectory(serviceUser, logDirectory, stackDirectory);
    String superuserPassword = Passwords.alphanumeric(24);
    String adminPassword = Passwords.alphanumeric(24);
    String password = Passwords.neonStyle();
    TlsMaterial tls =
        TlsMaterialGenerator.generate(
            stackDirectory.resolve("tls"), List.of(), Passwords.alphanumeric(16));

    LocalPostgres postgres =
        new LocalPostgres(
            binaries,
            serviceUser,
            stackDirectory.resolve(DATA_DIRECTORY),
            stackDirectory,
            serviceLogs.resolve("postgresql.log"),
            tls);
    Path pgbouncerDirectory = stackDirectory.resolve("pgbouncer");
    LocalPgBouncer pgbouncer =
        new LocalPgBouncer(
            binaries,
            serviceUser,
            pgbouncerDirectory.resolve("pgbouncer.ini"),
            logDirectory.resolve("pgbouncer.console.log"));
    boolean frontWanted = frontWanted();
    NeonFront front = null;
    try {
      Path passwordFile = stackDirectory.resolve("superuser.pw");
      Files.writeString(passwordFile, superuserPassword + "\n", StandardCharsets.UTF_8);
      Files.createDirectories(pgbouncerDirectory);
      serviceUser.own(stackDirectory);
      postgres.initialize(passwordFile, logDirectory.resolve("initdb.log"));
      Files.delete(passwordFile);
      postgres.start();

      Map<String, String> jdbcTls = new LinkedHashMap<>();
      jdbcTls.put("sslmode", "verify-full");
      jdbcTls.put("sslrootcert", tls.caCertificate().toString());
      String serverVersion;
      Map<String, String> secrets;
      String directUrl =
          "jdbc:postgresql://" + LOOPBACK + ":" + postgres.port() + "/postgres?" + query(jdbcTls);
      try (Connection superuser = connect(directUrl, superuserLogin(superuserPassword))) {
        serverVersion = scalar(superuser, "SHOW server_version");
        secrets =
            ClusterBootstrap.createRolesAndDatabase(
                superuser, USER, password, DATABASE, SINGLE_BACKEND_DATABASE, adminPassword);
      }

      Path authFile = pgbouncerDirectory.resolve("auth_file.txt");
      Files.writeString(authFile, PgBouncerConfig.authFile(secrets), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(authFile, PosixFilePermissions.fromString("rw-------"));
      serviceUser.own(pgbouncerDirectory);
      Path pgbouncerLog = serviceLogs.resolve("pgbouncer.log");
      pgbouncer.start(
          port ->
              new PgBouncerConfig(
                  LOOPBACK,
                  port,
                  stackDirectory.toString(),
                  postgres.port(),
                  DATABASE,
                  SINGLE_BACKEND_DATABASE,
                  authFile.toString(),
                  tls.serverKey().toString(),
                  tls.serverCertificate().toString(),
                  tls.caCertificate().toString(),
                  pgbouncerLog.toString(),
                  stackDirectory.resolve(PGBOUNCER_PID_FILE).toString(),
                  maxPreparedStatements),
          pgbouncerLog);

      Map<String, String> libpqTls = new LinkedHashMap<>(jdbcTls);
      StackDescription description =
          new StackDescription(
              "local",
              LOOPBACK,
              pgbouncer.port(),
              LOOPBACK,
              postgres.port(),
              DATABASE,
              SINGLE_BACKEND_DATABASE,
              USER,
              password,
              tls,
              jdbcTls,
              libpqTls,
              logDirectory,
              pooler.keepsPreparedStatements());
      LocalNeonStack stack =
          new LocalNeonStack(
              description,
              stackDirectory,
              serviceLogs,
              postgres,
              pgbouncer,
              superuserPassword,
              adminPassword,
              binaries.psql(),
              new LocalReplica.Setup(
                  binaries,
                  serviceUser,
                  tls,
                  stackDirectory,
                  serviceLogs,
                  postgres,
                  superuserPassword,
                  authFile,
                  maxPreparedStatements));
      pgbouncer.awaitLogin(stack::openPooled, LOGIN_TIMEOUT, pgbouncerLog);
      if (frontWanted) {
        front = FrontCertificates.startInFrontOf(stack, tls, stackDirectory.resolve("front"));
        stack.front = front;
      }
      stack.writeSummary(
          serverVersion,
          binaries.pgbouncer(),
          maxPreparedStatements,
          Duration.ofNanos(System.nanoTime() - startNanos));
      return stack;
    } catch (IOException | SQLException | RuntimeException e) {
      if (front != null) {
        front.close();
      }
      pgbouncer.stop();
      postgres.stop();
      preserveLogs(serviceLogs, logDirectory);
      FileTrees.deleteQuietly(stackDirectory);
      if (e instanceof NeonStackException failure) {
        throw failure;
      }
      throw new NeonStackException(
          "the local test stack failed to start (logs in " + logDirectory + "): " + e, e);
    }
  }

  /** Tunnelled logins come from here; {@code pg_hba.conf} gives them cleartext passwords. */
  @Override
  protected String tunnelSourceAddress() {
    return LocalPostgres.TUNNEL_SOURCE_ADDRESS;
  }

  @Override
  protected String pooledSessionQuery() {
    return "SELECT inet_server_addr() IS NULL";
  }

  /** The local provider runs replicas: see {@link LocalReplica}. */
  @Override
  public String replicaUnavailableReason() {
    return null;
  }

  /**
   * Starts the read replica: {@code pg_basebackup -R} from this stack's PostgreSQL, a hot standby
   * on a free port, its own PgBouncer, and the front's route for its Neon host names.
   */
  @Override
  protected LocalReplica startReplica() {
    return LocalReplica.start(this, replicaSetup);
  }

  @Override
  public Connection openSuperuser() throws SQLException {
    return connect(directJdbcUrl(), superuserLogin(superuserPassword));
  }

  @Override
  public Optional<NeonFront> neonFront() {
    return Optional.ofNullable(front);
  }

  @Override
  public Optional<PgBouncerAdmin> pgbouncerAdmin() {
    return Optional.of(
        new PsqlPgBouncerAdmin(
            psql,
            pooledHost(),
            pooledPort(),
            caCertificate(),
            ClusterBootstrap.PGBOUNCER_ADMIN,
            adminPassword));
  }

  /**
   * Stops the front, the replica (if one was started), PgBouncer and PostgreSQL and deletes the
   * stack directory; logs stay. Idempotent.
   */
  @Override
  public synchronized void stop() {
    NeonFront running = front;
    if (running != null) {
      running.close();
    }
    stopReplica();
    pgbouncer.stop();
    postgres.stop();
    preserveLogs(serviceLogDirectory, logDirectory());
    FileTrees.deleteQuietly(stackDirectory);
  }

  /** The directory holding data, sockets, certificates and PgBouncer's files (deleted at stop). */
  public Path stackDirectory() {
    return stackDirectory;
  }

  /**
   * Whether this JVM wants the front: {@value #FRONT_PROPERTY}, else {@value #FRONT_VARIABLE}, else
   * on.
   *
   * @throws NeonStackException when the setting is neither on/true nor off/false
   */
  public static boolean frontWanted() {
    String value = System.getProperty(FRONT_PROPERTY);
    String source = FRONT_PROPERTY;
    if (value == null || value.isBlank()) {
      value = System.getenv(FRONT_VARIABLE);
      source = FRONT_VARIABLE;
    }
    if (value == null || value.isBlank()) {
      return true;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default -> throw new NeonStackException(source + " must be on or off, got: " + value);
    };
  }

  /**
   * Neon's value when the pooler is to keep prepared statements; otherwise zero, or nothing at all
   * for a PgBouncer older than 1.21, which does not know the setting.
   */
  private static int maxPreparedStatements(PoolerKind pooler, PgBouncerBinary pgbouncer) {
    if (pooler.keepsPreparedStatements()) {
      return PgBouncerConfig.NEON_MAX_PREPARED_STATEMENTS;
    }
    return pgbouncer.supportsPreparedStatements() ? 0 : PgBouncerConfig.PGBOUNCER_DEFAULT;
  }

  private void writeSummary(
      String serverVersion, PgBouncerBinary pgbouncer, int maxPreparedStatements, Duration took)
      throws IOException {
    String summary =
        String.format(
            "neon-testkit local stack started in %d ms: PostgreSQL %s direct %s:%d, %s (%s)"
                + " pooled %s:%d (transaction mode, %s, databases %s and %s with pool_size=1),"
                + " user %s, TLS CA %s, stack directory %s; %s%n",
            took.toMillis(),
            serverVersion,
            directHost(),
            directPort(),
            pgbouncer.versionLine(),
            pgbouncer.executable(),
            pooledHost(),
            pooledPort(),
            maxPreparedStatements < 0
                ? "no prepared statements"
                : "max_prepared_statements=" + maxPreparedStatements,
            database(),
            singleBackendDatabase(),
            user(),
            caCertificate(),
            stackDirectory,
            front == null
                ? "no Neon front"
                : "Neon front "
                    + front.pooledHostName()
                    + " and "
                    + front.directHostName()
                    + " at "
                    + front.config().listenAddress()
                    + ":"
                    + front.port()
                    + " (wss :"
                    + front.webSocketPort()
                    + ")");
    Files.writeString(logDirectory().resolve("stack.txt"), summary, StandardCharsets.UTF_8);
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  private static Properties superuserLogin(String password) {
    Properties properties = new Properties();
    properties.setProperty("user", LocalPostgres.SUPERUSER);
    properties.setProperty("password", password);
    return properties;
  }

  /**
   * Where PostgreSQL and PgBouncer write their logs: the kept log directory when the service user
   * can write there, else a directory inside the stack copied to the log directory at stop.
   */
  private static Path serviceLogDirectory(
      ServiceUser serviceUser, Path logDirectory, Path stackDirectory) {
    serviceUser.own(logDirectory);
    if (serviceUser.canWrite(logDirectory)) {
      return logDirectory;
    }
    Path fallback = stackDirectory.resolve("logs");
    try {
      return Files.createDirectories(fallback);
    } catch (IOException e) {
      throw new NeonStackException("cannot create " + fallback, e);
    }
  }

  private static void preserveLogs(Path serviceLogs, Path logDirectory) {
    if (!serviceLogs.equals(logDirectory)) {
      FileTrees.copyFilesQuietly(serviceLogs, logDirectory);
    }
  }

  /** {@code /tmp} when usable: {@code java.io.tmpdir} can be too long for Unix socket paths. */
  private static Path tempRoot() {
    Path tmp = Path.of("/tmp");
    return Files.isDirectory(tmp) && Files.isWritable(tmp)
        ? tmp
        : Path.of(System.getProperty("java.io.tmpdir"));
  }
}

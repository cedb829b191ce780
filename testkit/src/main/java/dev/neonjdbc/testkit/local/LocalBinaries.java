package dev.neonjdbc.testkit.local;

import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.pgbouncer.PgBouncerBinary;
import dev.neonjdbc.testkit.pgbouncer.PoolerKind;
import dev.neonjdbc.testkit.process.CommandResult;
import dev.neonjdbc.testkit.process.Commands;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the PostgreSQL server programs, PgBouncer and openssl are on this machine.
 *
 * <p>PostgreSQL is looked for, in order, in {@code $NEON_TESTKIT_PG_BINDIR}, {@code pg_config
 * --bindir}, the highest {@code /usr/lib/postgresql/N/bin}, and {@code PATH}.
 *
 * <p>PgBouncer depends on the {@link PoolerKind} asked for. One that keeps prepared statements
 * (1.21 or later) is {@code $NEON_TESTKIT_PGBOUNCER_PREPARED}, else the one {@code
 * testkit/scripts/build-pgbouncer.sh} installs ({@code
 * $NEON_TESTKIT_PGBOUNCER_PREFIX/bin/pgbouncer}, by default {@value #BUILT_PGBOUNCER} or, for a
 * user who cannot write there, {@code ~/.cache/neon-testkit/pgbouncer-1.24/bin/pgbouncer}), else
 * the first 1.21 or later on {@code PATH}, {@code /usr/sbin} and {@code /usr/bin}. The plain one is
 * {@code $NEON_TESTKIT_PGBOUNCER}, else the first on {@code PATH}, {@code /usr/sbin} and {@code
 * /usr/bin} (Debian 12's 1.18), else the one that keeps prepared statements, run with {@code
 * max_prepared_statements=0}.
 *
 * @param postgresBin directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}
 * @param pgbouncer the PgBouncer for the pooled endpoint
 * @param openssl the {@code openssl} executable
 * @param psql the {@code psql} executable (PostgreSQL's own, else the first on {@code PATH}), used
 *     for PgBouncer's admin console
 */
public record LocalBinaries(Path postgresBin, PgBouncerBinary pgbouncer, Path openssl, Path psql) {
  /** The command that installs everything this provider needs on Debian and Ubuntu. */
  public static final String INSTALL_COMMAND = "apt-get install -y postgresql pgbouncer openssl";

  /** The script that builds the PgBouncer that keeps prepared statements (Debian 13's source). */
  public static final String BUILD_COMMAND = "testkit/scripts/build-pgbouncer.sh";

  /** Where {@link #BUILD_COMMAND} installs PgBouncer when run as root (unless told otherwise). */
  public static final String BUILT_PGBOUNCER = "/opt/neon-testkit/pgbouncer-1.24/bin/pgbouncer";

  /** Environment variable naming the plain PgBouncer (any version). */
  public static final String PLAIN_PGBOUNCER_VARIABLE = "NEON_TESTKIT_PGBOUNCER";

  /** Environment variable naming a PgBouncer 1.21 or later, to keep prepared statements. */
  public static final String PREPARED_PGBOUNCER_VARIABLE = "NEON_TESTKIT_PGBOUNCER_PREPARED";

  /** Environment variable naming the directory {@link #BUILD_COMMAND} installs into. */
  public static final String BUILD_PREFIX_VARIABLE = "NEON_TESTKIT_PGBOUNCER_PREFIX";

  private static final List<String> SERVER_PROGRAMS = List.of("initdb", "pg_ctl", "postgres");

  /**
   * Finds the binaries, with the PgBouncer for {@link PoolerKind#configured()}.
   *
   * @throws NeonStackException naming what is missing, where it looked, and the install command
   */
  public static LocalBinaries locate() {
    return locate(PoolerKind.configured());
  }

  /**
   * Finds the binaries, with the PgBouncer for {@code pooler}.
   *
   * @throws NeonStackException naming what is missing, where it looked, and the install command
   */
  public static LocalBinaries locate(PoolerKind pooler) {
    List<Path> postgresCandidates = postgresCandidates();
    Optional<Path> postgresBin =
        postgresCandidates.stream().filter(LocalBinaries::hasServerPrograms).findFirst();
    Optional<Path> openssl =
        pathDirectories().stream()
            .map(dir -> dir.resolve("openssl"))
            .filter(Files::isExecutable)
            .findFirst();

    List<String> missing = new ArrayList<>();
    if (postgresBin.isEmpty()) {
      missing.add(
          "PostgreSQL server programs "
              + SERVER_PROGRAMS
              + " (looked in "
              + postgresCandidates
              + ")");
    }
    Optional<PgBouncerBinary> pgbouncer =
        pooler.keepsPreparedStatements() ? preparedPgBouncer(missing) : plainPgBouncer(missing);
    if (openssl.isEmpty()) {
      missing.add("openssl (looked in PATH)");
    }
    Optional<Path> psql =
        postgresBin
            .map(dir -> dir.resolve("psql"))
            .filter(Files::isExecutable)
            .or(() -> findPsql());
    if (psql.isEmpty()) {
      missing.add("psql (looked in the PostgreSQL directory and PATH)");
    }
    if (!missing.isEmpty()) {
      throw new NeonStackException(
          "the local test stack cannot start, missing: "
              + String.join("; ", missing)
              + ". Install them with: "
              + INSTALL_COMMAND
              + (pooler.keepsPreparedStatements() ? " && " + BUILD_COMMAND : "")
              + " (or point NEON_TEST_DATABASE_URL at a Neon branch,"
              + " or run with a Docker engine for the Testcontainers provider)");
    }
    return new LocalBinaries(postgresBin.get(), pgbouncer.get(), openssl.get(), psql.get());
  }

  /** A PgBouncer 1.21 or later; adds what is missing to {@code missing} when there is none. */
  private static Optional<PgBouncerBinary> preparedPgBouncer(List<String> missing) {
    Optional<String> named = env(PREPARED_PGBOUNCER_VARIABLE);
    if (named.isPresent()) {
      Optional<PgBouncerBinary> binary = PgBouncerBinary.probe(Path.of(named.get()));
      if (binary.isEmpty() || !binary.get().supportsPreparedStatements()) {
        missing.add(
            PREPARED_PGBOUNCER_VARIABLE
                + "="
                + named.get()
                + " is not a PgBouncer 1.21 or later ("
                + binary.map(PgBouncerBinary::versionLine).orElse("no PgBouncer there")
                + ")");
        return Optional.empty();
      }
      return binary;
    }
    List<Path> candidates = new ArrayList<>();
    candidates.addAll(builtPgBouncers());
    candidates.addAll(systemPgBouncers());
    List<String> tooOld = new ArrayList<>();
    for (Path candidate : candidates) {
      Optional<PgBouncerBinary> binary = PgBouncerBinary.probe(candidate);
      if (binary.isPresent() && binary.get().supportsPreparedStatements()) {
        return binary;
      }
      binary.ifPresent(found -> tooOld.add(found.versionLine() + " at " + candidate));
    }
    missing.add(
        "a PgBouncer 1.21 or later, which keeps prepared statements (looked in "
            + candidates
            + (tooOld.isEmpty() ? "" : "; found only " + String.join(", ", tooOld))
            + "). Build one from Debian 13's source with "
            + BUILD_COMMAND
            + " (about a minute), name one in "
            + PREPARED_PGBOUNCER_VARIABLE
            + ", or run with "
            + PoolerKind.VARIABLE
            + "=plain");
    return Optional.empty();
  }

  /** Any PgBouncer, the system's first; adds what is missing to {@code missing} when none. */
  private static Optional<PgBouncerBinary> plainPgBouncer(List<String> missing) {
    List<Path> candidates = new ArrayList<>();
    env(PLAIN_PGBOUNCER_VARIABLE).map(Path::of).ifPresent(candidates::add);
    candidates.addAll(systemPgBouncers());
    candidates.addAll(builtPgBouncers());
    for (Path candidate : candidates) {
      Optional<PgBouncerBinary> binary = PgBouncerBinary.probe(candidate);
      if (binary.isPresent()) {
        return binary;
      }
    }
    missing.add("pgbouncer (looked in " + candidates + ")");
    return Optional.empty();
  }

  /** Where {@link #BUILD_COMMAND} installs: its prefix when set, else for root, else for users. */
  private static List<Path> builtPgBouncers() {
    Optional<String> prefix = env(BUILD_PREFIX_VARIABLE);
    if (prefix.isPresent()) {
      return List.of(Path.of(prefix.get(), "bin", "pgbouncer"));
    }
    Path cache =
        env("XDG_CACHE_HOME")
            .map(Path::of)
            .orElse(Path.of(System.getProperty("user.home"), ".cache"));
    return List.of(
        Path.of(BUILT_PGBOUNCER),
        cache.resolve("neon-testkit/pgbouncer-1.24/bin/pgbouncer").toAbsolutePath());
  }

  private static List<Path> systemPgBouncers() {
    Set<Path> candidates = new LinkedHashSet<>();
    pathDirectories().forEach(dir -> candidates.add(dir.resolve("pgbouncer")));
    candidates.add(Path.of("/usr/sbin/pgbouncer"));
    candidates.add(Path.of("/usr/bin/pgbouncer"));
    return new ArrayList<>(candidates);
  }

  /** The path of a PostgreSQL server program, e.g. {@code initdb}. */
  public String postgres(String program) {
    return postgresBin.resolve(program).toString();
  }

  /** The first {@code psql} on {@code PATH} or in {@code /usr/lib/postgresql/N/bin}. */
  public static Optional<Path> findPsql() {
    List<Path> directories = new ArrayList<>(pathDirectories());
    directories.addAll(debianClusters());
    return directories.stream()
        .map(dir -> dir.resolve("psql"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static List<Path> postgresCandidates() {
    Set<Path> candidates = new LinkedHashSet<>();
    env("NEON_TESTKIT_PG_BINDIR").map(Path::of).ifPresent(candidates::add);
    pgConfigBindir().ifPresent(candidates::add);
    candidates.addAll(debianClusters());
    candidates.addAll(pathDirectories());
    return new ArrayList<>(candidates);
  }

  private static Optional<Path> pgConfigBindir() {
    for (Path dir : pathDirectories()) {
      Path pgConfig = dir.resolve("pg_config");
      if (Files.isExecutable(pgConfig)) {
        CommandResult result =
            Commands.run(List.of(pgConfig.toString(), "--bindir"), Duration.ofSeconds(10));
        if (result.succeeded() && !result.output().isBlank()) {
          return Optional.of(Path.of(result.output().strip()));
        }
      }
    }
    return Optional.empty();
  }

  /** {@code /usr/lib/postgresql/N/bin}, highest major version first. */
  private static List<Path> debianClusters() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)?"))
          .sorted(
              Comparator.comparingDouble(
                      (Path dir) -> Double.parseDouble(dir.getFileName().toString()))
                  .reversed())
          .map(dir -> dir.resolve("bin"))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<Path> pathDirectories() {
    String path = System.getenv("PATH");
    if (path == null) {
      return List.of();
    }
    return Stream.of(path.split(File.pathSeparator))
        .filter(entry -> !entry.isBlank())
        .map(Path::of)
        .toList();
  }

  private static boolean hasServerPrograms(Path dir) {
    return SERVER_PROGRAMS.stream().allMatch(program -> Files.isExecutable(dir.resolve(program)));
  }

  private static Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
  }
}

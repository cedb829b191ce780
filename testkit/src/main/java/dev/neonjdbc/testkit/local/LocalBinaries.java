package dev.neonjdbc.testkit.local;

import dev.neonjdbc.testkit.NeonStackException;
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
 * --bindir}, the highest {@code /usr/lib/postgresql/N/bin}, and {@code PATH}; PgBouncer in {@code
 * $NEON_TESTKIT_PGBOUNCER}, {@code PATH}, {@code /usr/sbin} and {@code /usr/bin}.
 *
 * @param postgresBin directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}
 * @param pgbouncer the {@code pgbouncer} executable
 * @param openssl the {@code openssl} executable
 * @param psql the {@code psql} executable (PostgreSQL's own, else the first on {@code PATH}), used
 *     for PgBouncer's admin console
 */
public record LocalBinaries(Path postgresBin, Path pgbouncer, Path openssl, Path psql) {
  /** The command that installs everything this provider needs on Debian and Ubuntu. */
  public static final String INSTALL_COMMAND = "apt-get install -y postgresql pgbouncer openssl";

  private static final List<String> SERVER_PROGRAMS = List.of("initdb", "pg_ctl", "postgres");

  /**
   * Finds the binaries.
   *
   * @throws NeonStackException naming what is missing, where it looked, and the install command
   */
  public static LocalBinaries locate() {
    List<Path> postgresCandidates = postgresCandidates();
    Optional<Path> postgresBin =
        postgresCandidates.stream().filter(LocalBinaries::hasServerPrograms).findFirst();
    List<Path> pgbouncerCandidates = new ArrayList<>();
    env("NEON_TESTKIT_PGBOUNCER").map(Path::of).ifPresent(pgbouncerCandidates::add);
    pathDirectories().forEach(dir -> pgbouncerCandidates.add(dir.resolve("pgbouncer")));
    pgbouncerCandidates.add(Path.of("/usr/sbin/pgbouncer"));
    pgbouncerCandidates.add(Path.of("/usr/bin/pgbouncer"));
    Optional<Path> pgbouncer = pgbouncerCandidates.stream().filter(Files::isExecutable).findFirst();
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
    if (pgbouncer.isEmpty()) {
      missing.add("pgbouncer (looked in " + pgbouncerCandidates + ")");
    }
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
              + " (or point NEON_TEST_DATABASE_URL at a Neon branch,"
              + " or run with a Docker engine for the Testcontainers provider)");
    }
    return new LocalBinaries(postgresBin.get(), pgbouncer.get(), openssl.get(), psql.get());
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

package dev.neonjdbc.testkit.local;

import dev.neonjdbc.testkit.process.Commands;
import dev.neonjdbc.testkit.process.FileTrees;
import dev.neonjdbc.testkit.process.ServiceUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Cleans up after test JVMs that died without running their shutdown hook (killed by a timeout or
 * {@code kill -9}): their PostgreSQL and PgBouncer would otherwise run until the machine reboots.
 *
 * <p>Each stack directory holds an owner file with the owning JVM's pid and start time. A directory
 * whose owner is gone has its PgBouncers (by pid file, only if that pid still runs {@code
 * pgbouncer}) and its PostgreSQL servers ({@code pg_ctl stop -m immediate}), the read replica's
 * first, stopped, then is deleted.
 */
final class StaleStackReaper {
  static final String OWNER_FILE = "owner";
  static final String DIRECTORY_PREFIX = "neonkit-";

  private StaleStackReaper() {}

  /** Records the current JVM as the owner of {@code stackDirectory}. */
  static void claim(Path stackDirectory) throws IOException {
    ProcessHandle self = ProcessHandle.current();
    String started = self.info().startInstant().map(Instant::toString).orElse("");
    Files.writeString(
        stackDirectory.resolve(OWNER_FILE), self.pid() + " " + started, StandardCharsets.UTF_8);
  }

  /** Reaps every abandoned stack directory under {@code tempRoot}. Never throws. */
  static void reap(Path tempRoot, LocalBinaries binaries, ServiceUser serviceUser) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tempRoot, DIRECTORY_PREFIX + "*")) {
      for (Path dir : dirs) {
        if (isAbandoned(dir)) {
          stopLeftovers(dir, binaries, serviceUser);
          FileTrees.deleteQuietly(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Reaping is a courtesy; never let it keep a new stack from starting.
    }
  }

  private static boolean isAbandoned(Path dir) throws IOException {
    Path ownerFile = dir.resolve(OWNER_FILE);
    if (!Files.isRegularFile(ownerFile)) {
      return false; // not ours, or still being created
    }
    String[] owner = Files.readString(ownerFile, StandardCharsets.UTF_8).strip().split(" ", 2);
    Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(owner[0]));
    if (process.isEmpty() || !process.get().isAlive()) {
      return true;
    }
    String started = process.get().info().startInstant().map(Instant::toString).orElse("");
    return owner.length > 1 && !owner[1].isEmpty() && !owner[1].equals(started);
  }

  private static void stopLeftovers(Path dir, LocalBinaries binaries, ServiceUser serviceUser)
      throws IOException {
    stopPgBouncer(dir.resolve(LocalReplica.PGBOUNCER_PID_FILE));
    stopPostgres(dir.resolve(LocalReplica.DATA_DIRECTORY), binaries, serviceUser);
    stopPgBouncer(dir.resolve(LocalNeonStack.PGBOUNCER_PID_FILE));
    stopPostgres(dir.resolve(LocalNeonStack.DATA_DIRECTORY), binaries, serviceUser);
  }

  private static void stopPgBouncer(Path pidFile) throws IOException {
    if (Files.isRegularFile(pidFile)) {
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
      ProcessHandle.of(pid)
          .filter(p -> p.info().command().map(c -> c.endsWith("pgbouncer")).orElse(false))
          .ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static void stopPostgres(
      Path dataDirectory, LocalBinaries binaries, ServiceUser serviceUser) {
    if (Files.exists(dataDirectory.resolve("postmaster.pid"))) {
      Commands.run(
          serviceUser.wrap(
              List.of(
                  binaries.postgres("pg_ctl"),
                  "-D",
                  dataDirectory.toString(),
                  "-m",
                  "immediate",
                  "-w",
                  "stop")),
          Duration.ofSeconds(30));
    }
  }
}

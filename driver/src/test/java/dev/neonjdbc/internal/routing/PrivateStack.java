package dev.neonjdbc.internal.routing;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.local.LocalBinaries;
import dev.neonjdbc.testkit.local.LocalNeonStack;
import dev.neonjdbc.testkit.process.ServiceUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local stack of a test class's own, for tests that stop and restart PostgreSQL (the shared stack
 * must stay up for everyone else). PostgreSQL is stopped and started with {@code pg_ctl} on its own
 * data directory, so it comes back on the same port with the same roles, while PgBouncer stays up
 * in front of it.
 */
final class PrivateStack implements AutoCloseable {
  private final LocalNeonStack stack;
  private final LocalBinaries binaries = LocalBinaries.locate();
  private final ServiceUser serviceUser = ServiceUser.current();

  private PrivateStack(LocalNeonStack stack) {
    this.stack = stack;
  }

  static PrivateStack start(String name) throws IOException {
    Path logs = Files.createDirectories(Path.of("target", "private-stacks", name));
    return new PrivateStack(LocalNeonStack.start(logs.toAbsolutePath()));
  }

  NeonStack stack() {
    return stack;
  }

  /** Stops PostgreSQL at once (immediate shutdown: every backend ends, as when a compute stops). */
  void stopPostgres() throws IOException, InterruptedException {
    pgCtl("-m", "immediate", "-w", "stop");
  }

  /** Starts PostgreSQL again and waits until it accepts connections. */
  void startPostgres() throws IOException, InterruptedException {
    pgCtl("-l", serverLog().toString(), "-w", "start");
  }

  /** PostgreSQL's log (it logs every connection and failed login). */
  Path serverLog() {
    Path inLogs = stack.logDirectory().resolve("postgresql.log");
    return Files.exists(inLogs) ? inLogs : stack.stackDirectory().resolve("logs/postgresql.log");
  }

  private void pgCtl(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binaries.postgres("pg_ctl"));
    command.add("-D");
    command.add(stack.stackDirectory().resolve("pgdata").toString());
    command.addAll(List.of(arguments));
    Process process =
        new ProcessBuilder(serviceUser.wrap(command))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("pg_ctl " + String.join(" ", arguments) + " failed");
    }
  }

  @Override
  public void close() {
    stack.stop();
  }
}

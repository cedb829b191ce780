package dev.neonjdbc.testkit.local;

import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.pgbouncer.PgBouncerConfig;
import dev.neonjdbc.testkit.process.Commands;
import dev.neonjdbc.testkit.process.ServiceUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * PgBouncer as a child process of this JVM (in the foreground, not daemonized), so that it cannot
 * outlive the JVM's shutdown hook unnoticed and its exit is seen at once.
 */
final class LocalPgBouncer {
  private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(20);
  private static final int START_ATTEMPTS = 3;

  private final LocalBinaries binaries;
  private final ServiceUser serviceUser;
  private final Path configFile;
  private final Path consoleLog;
  private Process process;
  private int port;

  /**
   * @param configFile where to write {@code pgbouncer.ini}
   * @param consoleLog where the process's own standard output and error go
   */
  LocalPgBouncer(
      LocalBinaries binaries, ServiceUser serviceUser, Path configFile, Path consoleLog) {
    this.binaries = binaries;
    this.serviceUser = serviceUser;
    this.configFile = configFile;
    this.consoleLog = consoleLog;
  }

  /**
   * Starts PgBouncer on a free port and waits until it accepts TCP connections; retries with a new
   * port when the process exits early (e.g. the port was taken meanwhile).
   *
   * @param configForPort the configuration to use for a given listen port
   */
  void start(IntFunction<PgBouncerConfig> configForPort, Path logFile) {
    NeonStackException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      port = FreePorts.pick();
      write(configFile, configForPort.apply(port).render());
      serviceUser.own(configFile);
      if (launch()) {
        return;
      }
      last = notListening("attempt " + attempt, logFile);
      stop();
    }
    throw last;
  }

  /**
   * Starts the stopped PgBouncer again with the configuration and port it had, and waits until it
   * accepts TCP connections.
   *
   * @throws NeonStackException when it does not come up (e.g. the port was taken meanwhile)
   */
  void restart(Path logFile) {
    if (!launch()) {
      NeonStackException failure = notListening("restart", logFile);
      stop();
      throw failure;
    }
  }

  private boolean launch() {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(
                  serviceUser.wrap(List.of(executable().toString(), "-q", configFile.toString())))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()));
      Commands.scrubEnvironment(builder.environment());
      process = builder.start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new NeonStackException("cannot start " + executable(), e);
    }
    return awaitListening();
  }

  private NeonStackException notListening(String when, Path logFile) {
    return new NeonStackException(
        "PgBouncer did not come up on port "
            + port
            + " ("
            + when
            + "); log "
            + logFile
            + ":\n"
            + Commands.tailOf(logFile)
            + "\nconsole "
            + consoleLog
            + ":\n"
            + Commands.tailOf(consoleLog));
  }

  /** Opens a client connection through this PgBouncer. */
  interface Login {
    Connection open() throws SQLException;
  }

  /**
   * Waits until a client can log in through PgBouncer with SCRAM and run a query: that proves
   * PgBouncer can reach PostgreSQL with the client's keys, not just that its port is open.
   *
   * @throws NeonStackException when PgBouncer exits or {@code timeout} passes first
   */
  void awaitLogin(Login login, Duration timeout, Path logFile) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Connection connection = login.open();
          Statement statement = connection.createStatement()) {
        statement.execute("SELECT 1");
        return;
      } catch (SQLException e) {
        if (!isAlive() || System.nanoTime() > deadline) {
          throw new NeonStackException(
              "cannot log in through PgBouncer on port "
                  + port
                  + ": "
                  + e.getMessage()
                  + "\nPgBouncer log:\n"
                  + Commands.tailOf(logFile),
              e);
        }
      }
      sleep(50);
    }
  }

  /** Whether the process is still running. */
  boolean isAlive() {
    return process != null && process.isAlive();
  }

  int port() {
    return port;
  }

  /**
   * Stops PgBouncer at once, forcibly if it lingers. Before 1.23 one {@code SIGTERM} does that.
   * From 1.23 on {@code SIGTERM} waits for every client to leave and a second one exits at once;
   * the immediate {@code SIGQUIT} would not do here, because a JVM starts its children with {@code
   * SIGQUIT} blocked (it keeps that signal for thread dumps).
   */
  void stop() {
    if (process == null) {
      return;
    }
    // runuser relays signals, but signal its child directly too: it is the process that matters.
    List<ProcessHandle> all = process.descendants().toList();
    List<ProcessHandle> pgbouncers = all.isEmpty() ? List.of(process.toHandle()) : all;
    pgbouncers.forEach(ProcessHandle::destroy);
    if (!binaries.pgbouncer().stopsAtOnceOnSigterm()) {
      // Signals of one kind do not queue: repeat until the second has been seen.
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (pgbouncers.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
        sleepQuietly(50);
        pgbouncers.forEach(ProcessHandle::destroy);
      }
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        all.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  private Path executable() {
    return binaries.pgbouncer().executable();
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean awaitListening() {
    long deadline = System.nanoTime() + LISTEN_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      if (FreePorts.accepts(port)) {
        return true;
      }
      sleep(25);
    }
    return false;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NeonStackException("interrupted while waiting for PgBouncer", e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new NeonStackException("cannot write " + file, e);
    }
  }
}

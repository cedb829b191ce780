package dev.neonjdbc.testkit.local;

import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.process.CommandResult;
import dev.neonjdbc.testkit.process.Commands;
import dev.neonjdbc.testkit.process.ServiceUser;
import dev.neonjdbc.testkit.tls.TlsMaterial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway PostgreSQL cluster: {@code initdb}, configuration for TLS and SCRAM, {@code pg_ctl
 * start}, and {@code pg_ctl stop}. Durability is switched off; this cluster lives for one JVM.
 *
 * <p>A hot standby of another cluster is made with {@link #cloneFrom}: {@code pg_basebackup -R}
 * copies the primary's data, configuration and {@code pg_hba.conf}, and writes the streaming
 * settings; {@link #start()} then gives it its own port.
 */
final class LocalPostgres {
  static final String SUPERUSER = "postgres";

  /**
   * Source address of the kit's WebSocket proxies: logins from it get cleartext {@code password}
   * authentication, as behind Neon's proxy (which asks WebSocket clients for a cleartext password).
   */
  static final String TUNNEL_SOURCE_ADDRESS = "127.0.0.2";

  private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
  private static final int START_ATTEMPTS = 3;
  private static final String KIT_CONFIG = "neon-testkit.conf";

  private final LocalBinaries binaries;
  private final ServiceUser serviceUser;
  private final Path dataDirectory;
  private final Path socketDirectory;
  private final Path logFile;
  private final TlsMaterial tls;
  private final boolean standby;
  private int port;

  LocalPostgres(
      LocalBinaries binaries,
      ServiceUser serviceUser,
      Path dataDirectory,
      Path socketDirectory,
      Path logFile,
      TlsMaterial tls) {
    this(binaries, serviceUser, dataDirectory, socketDirectory, logFile, tls, false);
  }

  private LocalPostgres(
      LocalBinaries binaries,
      ServiceUser serviceUser,
      Path dataDirectory,
      Path socketDirectory,
      Path logFile,
      TlsMaterial tls,
      boolean standby) {
    this.binaries = binaries;
    this.serviceUser = serviceUser;
    this.dataDirectory = dataDirectory;
    this.socketDirectory = socketDirectory;
    this.logFile = logFile;
    this.tls = tls;
    this.standby = standby;
  }

  /**
   * Makes a hot standby of this (running) cluster in {@code dataDirectory}: {@code pg_basebackup
   * -R} as the superuser over this cluster's Unix socket, with a physical replication slot so that
   * the primary keeps the WAL a stopped standby still needs. Not started yet; {@link #start()}
   * gives it a port of its own (same socket directory and TLS material).
   *
   * @param passFile a libpq password file holding the superuser's password, readable by the service
   *     user only
   * @param slot the replication slot to create on this cluster
   * @param backupLog where {@code pg_basebackup}'s output goes
   * @throws NeonStackException when the base backup fails (with its output)
   */
  LocalPostgres cloneFrom(
      Path dataDirectory, Path logFile, Path passFile, String slot, Path backupLog) {
    String conninfo =
        "host="
            + socketDirectory
            + " port="
            + port
            + " user="
            + SUPERUSER
            + " passfile="
            + passFile
            + " application_name="
            + slot;
    CommandResult result =
        Commands.run(
            serviceUser.wrap(
                List.of(
                    binaries.postgres("pg_basebackup"),
                    "--dbname=" + conninfo,
                    "--pgdata=" + dataDirectory,
                    "--write-recovery-conf",
                    "--wal-method=stream",
                    "--create-slot",
                    "--slot=" + slot,
                    "--checkpoint=fast",
                    "--no-sync")),
            INITDB_TIMEOUT);
    write(backupLog, result.command() + "\n" + result.output(), false);
    if (!result.succeeded()) {
      throw new NeonStackException(
          "pg_basebackup failed (exit "
              + result.exitCode()
              + "), see "
              + backupLog
              + ":\n"
              + Commands.tail(result.output()));
    }
    return new LocalPostgres(
        binaries, serviceUser, dataDirectory, socketDirectory, logFile, tls, true);
  }

  /**
   * Creates the cluster with a SCRAM superuser whose password is read from {@code passwordFile},
   * and writes its configuration. The caller makes the stack directory the service user's first.
   */
  void initialize(Path passwordFile, Path initdbLog) {
    CommandResult result =
        Commands.run(
            serviceUser.wrap(
                List.of(
                    binaries.postgres("initdb"),
                    "-D",
                    dataDirectory.toString(),
                    "-U",
                    SUPERUSER,
                    "--pwfile=" + passwordFile,
                    "-A",
                    "scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                    "--no-instructions")),
            INITDB_TIMEOUT);
    write(initdbLog, result.command() + "\n" + result.output(), false);
    if (!result.succeeded()) {
      throw new NeonStackException(
          "initdb failed (exit "
              + result.exitCode()
              + "), see "
              + initdbLog
              + ":\n"
              + Commands.tail(result.output()));
    }
    write(dataDirectory.resolve("pg_hba.conf"), hbaConf(), false);
    write(dataDirectory.resolve("postgresql.conf"), "\ninclude '" + KIT_CONFIG + "'\n", true);
  }

  /** Starts the server on a free port, retrying with another port if the first is taken. */
  void start() {
    NeonStackException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      port = FreePorts.pick();
      Path config = dataDirectory.resolve(KIT_CONFIG);
      write(config, postgresqlConf(port), false);
      serviceUser.own(config);
      last = startOnPort();
      if (last == null) {
        return;
      }
      stop(); // pg_ctl may have left a half-started postmaster behind
    }
    throw last;
  }

  /**
   * Starts the stopped server again on the port it had.
   *
   * @throws NeonStackException when it does not start (e.g. the port was taken meanwhile)
   */
  void restart() {
    NeonStackException failure = startOnPort();
    if (failure != null) {
      stop();
      throw failure;
    }
  }

  /** Runs {@code pg_ctl start}; the failure to report, or null when the server runs. */
  private NeonStackException startOnPort() {
    CommandResult result =
        Commands.run(
            serviceUser.wrap(
                List.of(
                    binaries.postgres("pg_ctl"),
                    "-D",
                    dataDirectory.toString(),
                    "-l",
                    logFile.toString(),
                    "-w",
                    "-t",
                    Long.toString(PG_CTL_TIMEOUT.toSeconds()),
                    "start")),
            PG_CTL_TIMEOUT.plusSeconds(15));
    if (result.succeeded()) {
      return null;
    }
    return new NeonStackException(
        "pg_ctl start failed (exit "
            + result.exitCode()
            + ", port "
            + port
            + "):\n"
            + Commands.tail(result.output())
            + "\nserver log "
            + logFile
            + ":\n"
            + Commands.tailOf(logFile));
  }

  /** Stops the server: a fast shutdown, or an immediate one if that does not finish in time. */
  void stop() {
    if (!Files.exists(dataDirectory.resolve("postmaster.pid"))) {
      return;
    }
    for (String mode : List.of("fast", "immediate")) {
      CommandResult result =
          Commands.run(
              serviceUser.wrap(
                  List.of(
                      binaries.postgres("pg_ctl"),
                      "-D",
                      dataDirectory.toString(),
                      "-m",
                      mode,
                      "-w",
                      "-t",
                      "20",
                      "stop")),
              Duration.ofSeconds(30));
      if (result.succeeded()) {
        return;
      }
    }
  }

  int port() {
    return port;
  }

  private String postgresqlConf(int port) {
    return String.join(
        "\n",
        "# generated by neon-jdbc testkit",
        "listen_addresses = '127.0.0.1'",
        "port = " + port,
        "unix_socket_directories = '" + socketDirectory + "'",
        "max_connections = 200",
        "password_encryption = 'scram-sha-256'",
        "ssl = on",
        "ssl_cert_file = '" + tls.serverCertificate() + "'",
        "ssl_key_file = '" + tls.serverKey() + "'",
        "ssl_ca_file = '" + tls.caCertificate() + "'",
        // Durability buys nothing for a cluster that is deleted at exit; speed does.
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "logging_collector = off",
        "log_connections = on",
        "log_disconnections = on",
        "log_line_prefix = '%m [%p] %q%u@%d/%a '",
        // A standby's queries hold back the primary's vacuum rather than being cancelled by it.
        standby
            ? "hot_standby_feedback = on"
            : "# primary: streams to standbys (wal_level replica)",
        "",
        "");
  }

  private static String hbaConf() {
    return String.join(
        "\n",
        "# generated by neon-jdbc testkit: every login is SCRAM, TLS or not",
        "# TYPE   DATABASE USER ADDRESS       METHOD",
        "local    all      all                scram-sha-256",
        "# the kit's read replica takes its base backup and streams over the socket",
        "local    replication all             scram-sha-256",
        "# the kit's WebSocket proxies connect from "
            + TUNNEL_SOURCE_ADDRESS
            + ": cleartext, as Neon's",
        "# proxy asks WebSocket clients (the password is checked against the SCRAM secret)",
        "host     all      all  " + TUNNEL_SOURCE_ADDRESS + "/32  password",
        "hostssl  all      all  127.0.0.1/32  scram-sha-256",
        "host     all      all  127.0.0.1/32  scram-sha-256",
        "hostssl  all      all  ::1/128       scram-sha-256",
        "host     all      all  ::1/128       scram-sha-256",
        "");
  }

  private static void write(Path file, String text, boolean append) {
    try {
      if (append) {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      } else {
        Files.writeString(file, text, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new NeonStackException("cannot write " + file, e);
    }
  }
}

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
 */
final class LocalPostgres {
  static final String SUPERUSER = "postgres";

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
  private int port;

  LocalPostgres(
      LocalBinaries binaries,
      ServiceUser serviceUser,
      Path dataDirectory,
      Path socketDirectory,
      Path logFile,
      TlsMaterial tls) {
    this.binaries = binaries;
    this.serviceUser = serviceUser;
    this.dataDirectory = dataDirectory;
    this.socketDirectory = socketDirectory;
    this.logFile = logFile;
    this.tls = tls;
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
        return;
      }
      last =
          new NeonStackException(
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
      stop(); // pg_ctl may have left a half-started postmaster behind
    }
    throw last;
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
        "",
        "");
  }

  private static String hbaConf() {
    return String.join(
        "\n",
        "# generated by neon-jdbc testkit: every login is SCRAM, TLS or not",
        "# TYPE   DATABASE USER ADDRESS       METHOD",
        "local    all      all                scram-sha-256",
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

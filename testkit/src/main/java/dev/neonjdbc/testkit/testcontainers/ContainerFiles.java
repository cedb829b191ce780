package dev.neonjdbc.testkit.testcontainers;

/**
 * What the kit copies into its containers: start scripts, PostgreSQL's configuration and the path
 * layout under {@value #KIT_DIRECTORY}.
 *
 * <p>The scripts run as root and do what an image's entry point would, so that the kit's image and
 * a Debian-based registry image (such as {@code postgres:17.x-trixie}) behave the same: PostgreSQL
 * gets a fresh cluster from {@code initdb} with SCRAM for every login, and both servers run as the
 * {@code postgres} user.
 */
final class ContainerFiles {
  /** Where the kit's files are copied in each container. */
  static final String KIT_DIRECTORY = "/neon-testkit";

  /** The kit's TLS files as copied (server certificate and key, CA). */
  static final String TLS_DIRECTORY = KIT_DIRECTORY + "/tls";

  static final String SUPERUSER_PASSWORD_FILE = KIT_DIRECTORY + "/superuser.pw";
  static final String POSTGRESQL_CONF = KIT_DIRECTORY + "/postgresql.conf";
  static final String PG_HBA_CONF = KIT_DIRECTORY + "/pg_hba.conf";
  static final String PGBOUNCER_INI = KIT_DIRECTORY + "/pgbouncer.ini";
  static final String PGBOUNCER_AUTH_FILE = KIT_DIRECTORY + "/userlist.txt";

  /** A standby's libpq password file for the primary's superuser (base backup, WAL receiver). */
  static final String PRIMARY_PASSFILE = KIT_DIRECTORY + "/primary.pgpass";

  /** PostgreSQL's port inside its container. */
  static final int POSTGRES_PORT = 5432;

  /** PgBouncer's port inside its container. */
  static final int PGBOUNCER_PORT = 6432;

  private static final String DATA_DIRECTORY = "/var/lib/postgresql/neon-testkit";
  private static final String SERVER_TLS_DIRECTORY = "/var/lib/postgresql/neon-testkit-tls";

  /** Runs a command as {@code postgres} when the script runs as root (setpriv, else su). */
  private static final String AS_POSTGRES =
      "as_postgres() { if [ \"$(id -u)\" != 0 ]; then exec \"$@\";"
          + " elif command -v setpriv >/dev/null 2>&1; then"
          + " exec setpriv --reuid=postgres --regid=postgres --init-groups \"$@\";"
          + " else exec su -s /bin/sh postgres -c \"$*\"; fi; }";

  private ContainerFiles() {}

  /** The PostgreSQL container's command: {@code initdb}, the kit's configuration, the server. */
  static String postgresScript(String superuser) {
    return String.join(
        "\n",
        "set -eu",
        AS_POSTGRES,
        "initdb=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null"
            + " | sort -V | tail -n 1)",
        "[ -n \"$initdb\" ] || { echo 'neon-testkit: no initdb in this image' >&2; exit 1; }",
        "bin=$(dirname \"$initdb\")",
        "mkdir -p " + DATA_DIRECTORY + " " + SERVER_TLS_DIRECTORY + " /var/run/postgresql",
        "cp "
            + TLS_DIRECTORY
            + "/server.pem "
            + TLS_DIRECTORY
            + "/server.key "
            + TLS_DIRECTORY
            + "/ca.pem "
            + SERVER_TLS_DIRECTORY,
        // PostgreSQL refuses a key that others may read; a copied file keeps the copy's mode.
        "chmod 600 " + SERVER_TLS_DIRECTORY + "/server.key",
        "chmod 700 " + DATA_DIRECTORY,
        "chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql " + KIT_DIRECTORY,
        "chmod 755 /var/run/postgresql",
        "(as_postgres \"$bin/initdb\" -D "
            + DATA_DIRECTORY
            + " -U "
            + superuser
            + " --pwfile="
            + SUPERUSER_PASSWORD_FILE
            + " -A scram-sha-256 -E UTF8 --locale=C --no-sync --no-instructions)",
        "rm -f " + SUPERUSER_PASSWORD_FILE,
        "cat " + POSTGRESQL_CONF + " >> " + DATA_DIRECTORY + "/postgresql.conf",
        "cp " + PG_HBA_CONF + " " + DATA_DIRECTORY + "/pg_hba.conf",
        "chown postgres:postgres " + DATA_DIRECTORY + "/pg_hba.conf",
        "as_postgres \"$bin/postgres\" -D " + DATA_DIRECTORY,
        "");
  }

  /**
   * A standby container's command. On its first start: {@code pg_basebackup -R} from {@code
   * primaryHost} over the kit's network (TLS, the superuser's password from {@value
   * #PRIMARY_PASSFILE}), creating the physical replication slot {@code slot}, and {@code
   * hot_standby_feedback}; on every start, the server, which then runs as a hot standby streaming
   * from the primary. The copied configuration is the primary's: same port, socket directory and
   * TLS files.
   */
  static String standbyScript(String primaryHost, String slot) {
    String conninfo =
        "host="
            + primaryHost
            + " port="
            + POSTGRES_PORT
            + " user=postgres sslmode=require passfile="
            + PRIMARY_PASSFILE
            + " application_name="
            + slot;
    return String.join(
        "\n",
        "set -eu",
        AS_POSTGRES,
        // libpq (pg_basebackup, then the WAL receiver) looks for client certificates under HOME.
        "HOME=/var/lib/postgresql; export HOME",
        "backup=$(command -v pg_basebackup || ls /usr/lib/postgresql/*/bin/pg_basebackup"
            + " 2>/dev/null | sort -V | tail -n 1)",
        "[ -n \"$backup\" ] || { echo 'neon-testkit: no pg_basebackup in this image' >&2; exit 1; }",
        "bin=$(dirname \"$backup\")",
        "mkdir -p " + SERVER_TLS_DIRECTORY + " /var/run/postgresql",
        "cp "
            + TLS_DIRECTORY
            + "/server.pem "
            + TLS_DIRECTORY
            + "/server.key "
            + TLS_DIRECTORY
            + "/ca.pem "
            + SERVER_TLS_DIRECTORY,
        "chmod 600 " + SERVER_TLS_DIRECTORY + "/server.key " + PRIMARY_PASSFILE,
        "chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql " + KIT_DIRECTORY,
        "chmod 755 /var/run/postgresql",
        "if [ ! -s " + DATA_DIRECTORY + "/PG_VERSION ]; then",
        "  (as_postgres \"$bin/pg_basebackup\" '--dbname="
            + conninfo
            + "' --pgdata="
            + DATA_DIRECTORY
            + " --write-recovery-conf --wal-method=stream --create-slot --slot="
            + slot
            + " --checkpoint=fast --no-sync --verbose)",
        "  echo 'hot_standby_feedback = on' >> " + DATA_DIRECTORY + "/postgresql.conf",
        "fi",
        "as_postgres \"$bin/postgres\" -D " + DATA_DIRECTORY,
        "");
  }

  /** The PgBouncer container's command: PgBouncer in the foreground, logging to stderr. */
  static String pgbouncerScript() {
    return String.join(
        "\n",
        "set -eu",
        AS_POSTGRES,
        "pgbouncer=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)",
        "chown -R postgres " + KIT_DIRECTORY + " 2>/dev/null || true",
        "as_postgres \"$pgbouncer\" " + PGBOUNCER_INI,
        "");
  }

  /** Appended to the cluster's {@code postgresql.conf}: TLS, SCRAM, connection logging, speed. */
  static String postgresqlConf() {
    return String.join(
        "\n",
        "",
        "# generated by neon-jdbc testkit",
        "listen_addresses = '*'",
        "port = " + POSTGRES_PORT,
        "unix_socket_directories = '/var/run/postgresql'",
        "max_connections = 200",
        "password_encryption = 'scram-sha-256'",
        "ssl = on",
        "ssl_cert_file = '" + SERVER_TLS_DIRECTORY + "/server.pem'",
        "ssl_key_file = '" + SERVER_TLS_DIRECTORY + "/server.key'",
        "ssl_ca_file = '" + SERVER_TLS_DIRECTORY + "/ca.pem'",
        // Durability buys nothing for a cluster that is deleted at exit; speed does.
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "logging_collector = off",
        "log_connections = on",
        "log_disconnections = on",
        "log_line_prefix = '%m [%p] %q%u@%d/%a '",
        "");
  }

  /**
   * SCRAM for every login over TLS and over the Unix socket (PgBouncer's); a login without TLS gets
   * the cleartext {@code password} request Neon's proxy sends WebSocket clients. Without TLS come
   * the kit's WebSocket proxies (inside {@code wss://} the Postgres protocol has no TLS of its
   * own), and Docker forwards every host connection from one address, so the source cannot tell
   * them apart as on the local stack. The password is still checked against the SCRAM secret; the
   * ports are on loopback only.
   */
  static String pgHbaConf() {
    return String.join(
        "\n",
        "# generated by neon-jdbc testkit: SCRAM over TLS and the socket; cleartext without TLS",
        "# (the kit's WebSocket proxies, as Neon's proxy asks WebSocket clients)",
        "# TYPE    DATABASE USER ADDRESS     METHOD",
        "local     all      all              scram-sha-256",
        "# the kit's read replica takes its base backup and streams over the kit's network",
        "hostssl   replication all 0.0.0.0/0 scram-sha-256",
        "hostssl   all      all  0.0.0.0/0   scram-sha-256",
        "hostnossl all      all  0.0.0.0/0   password",
        "hostssl   all      all  ::/0        scram-sha-256",
        "hostnossl all      all  ::/0        password",
        "");
  }
}

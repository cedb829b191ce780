package dev.neonjdbc.testkit.testcontainers;

import dev.neonjdbc.testkit.PgBouncerAdmin;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ExecConfig;
import org.testcontainers.containers.GenericContainer;

/**
 * {@link PgBouncerAdmin} through the {@code psql} of the PgBouncer container itself, for machines
 * that have Docker but no {@code psql}: one {@code docker exec} per call, over verified TLS to
 * PgBouncer's own port. Output is unaligned with the ASCII unit and record separators, which the
 * console's values never contain, so no quoting needs undoing.
 */
final class ExecPgBouncerAdmin implements PgBouncerAdmin {
  private static final String FIELD = "\u001f";
  private static final String RECORD = "\u001e";
  private static final String NULL_MARKER = "\\N";

  private final GenericContainer<?> container;
  private final String conninfo;
  private final String password;

  ExecPgBouncerAdmin(GenericContainer<?> container, String user, String password) {
    this.container = container;
    this.conninfo =
        "host=127.0.0.1 port="
            + ContainerFiles.PGBOUNCER_PORT
            + " dbname=pgbouncer user="
            + user
            + " sslmode=verify-full sslrootcert="
            + ContainerFiles.TLS_DIRECTORY
            + "/ca.pem application_name=neon-testkit-admin connect_timeout=10";
    this.password = password;
  }

  /** Whether the container has a {@code psql} to run. */
  static boolean usable(GenericContainer<?> container) {
    try {
      return container.execInContainer("sh", "-c", "command -v psql").getExitCode() == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public List<Map<String, String>> show(String what) throws SQLException {
    String subject = what.strip();
    if (!subject.toUpperCase(Locale.ROOT).startsWith("SHOW ")) {
      subject = "SHOW " + subject;
    }
    String output = run(subject);
    List<Map<String, String>> rows = new ArrayList<>();
    String[] records = output.split(RECORD, -1);
    if (records.length == 0 || records[0].isEmpty()) {
      return rows;
    }
    String[] header = records[0].split(FIELD, -1);
    for (int r = 1; r < records.length; r++) {
      String record = records[r].strip();
      if (record.isEmpty()) {
        continue;
      }
      String[] values = records[r].split(FIELD, -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        String value = i < values.length ? values[i] : null;
        row.put(header[i], NULL_MARKER.equals(value) ? null : value);
      }
      rows.add(row);
    }
    return rows;
  }

  @Override
  public void command(String command) throws SQLException {
    run(command);
  }

  private String run(String sql) throws SQLException {
    ExecConfig exec =
        ExecConfig.builder()
            .command(
                new String[] {
                  "psql",
                  "-X",
                  "-q",
                  "-v",
                  "ON_ERROR_STOP=1",
                  "-A",
                  "-F",
                  FIELD,
                  "-R",
                  RECORD,
                  "-P",
                  "footer=off",
                  "-P",
                  "null=" + NULL_MARKER,
                  "-c",
                  sql,
                  "-d",
                  conninfo
                })
            .envVars(Map.of("PGPASSWORD", password))
            .build();
    try {
      ExecResult result = container.execInContainer(exec);
      if (result.getExitCode() != 0) {
        throw new SQLException(
            "PgBouncer console refused " + sql + ": " + result.getStderr().strip(), "58000");
      }
      return result.getStdout();
    } catch (IOException | RuntimeException e) {
      throw new SQLException("cannot run psql in the PgBouncer container", "58000", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while talking to the PgBouncer console", e);
    }
  }

  @Override
  public String toString() {
    return "PgBouncerAdmin[psql in container " + container.getContainerId() + ", " + conninfo + "]";
  }
}

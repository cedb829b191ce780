package dev.neonjdbc.testkit.pgbouncer;

import dev.neonjdbc.testkit.PgBouncerAdmin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link PgBouncerAdmin} through the {@code psql} program: one short session per call, CSV output.
 */
public final class PsqlPgBouncerAdmin implements PgBouncerAdmin {
  /** What psql prints for SQL NULL here; the console never returns this text as a value. */
  private static final String NULL_MARKER = "\\N";

  private static final long TIMEOUT_SECONDS = 30;

  private final Path psql;
  private final String conninfo;
  private final String password;

  /**
   * Creates a client for the console at {@code host:port}.
   *
   * @param psql the psql executable
   * @param caCertificate the CA to verify PgBouncer's certificate and host name with ({@code
   *     sslmode=verify-full})
   */
  public PsqlPgBouncerAdmin(
      Path psql, String host, int port, Path caCertificate, String user, String password) {
    this.psql = psql;
    this.conninfo =
        "host="
            + quote(host)
            + " port="
            + port
            + " dbname=pgbouncer user="
            + quote(user)
            + " sslmode=verify-full sslrootcert="
            + quote(caCertificate.toString())
            + " application_name=neon-testkit-admin connect_timeout=10";
    this.password = password;
  }

  @Override
  public List<Map<String, String>> show(String what) throws SQLException {
    String subject = what.strip();
    if (!subject.toUpperCase(Locale.ROOT).startsWith("SHOW ")) {
      subject = "SHOW " + subject;
    }
    List<List<String>> records = Csv.parse(run(subject, true));
    List<Map<String, String>> rows = new ArrayList<>();
    if (records.isEmpty()) {
      return rows;
    }
    List<String> header = records.get(0);
    for (List<String> record : records.subList(1, records.size())) {
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        String value = i < record.size() ? record.get(i) : null;
        row.put(header.get(i), NULL_MARKER.equals(value) ? null : value);
      }
      rows.add(row);
    }
    return rows;
  }

  @Override
  public void command(String command) throws SQLException {
    run(command, false);
  }

  private String run(String sql, boolean csv) throws SQLException {
    List<String> command = new ArrayList<>();
    command.add(psql.toString());
    command.addAll(List.of("-X", "-q", "-v", "ON_ERROR_STOP=1", "-P", "null=" + NULL_MARKER));
    if (csv) {
      command.add("--csv");
    }
    command.addAll(List.of("-c", sql, "-d", conninfo));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
    builder.environment().put("PGPASSWORD", password);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      // Admin output is small; read both streams fully before waiting.
      String output = read(process.getInputStream());
      String errors = read(process.getErrorStream());
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new SQLException("psql timed out running " + sql + " on the PgBouncer console");
      }
      if (process.exitValue() != 0) {
        throw new SQLException("PgBouncer console refused " + sql + ": " + errors.strip(), "58000");
      }
      return output;
    } catch (IOException e) {
      throw new SQLException("cannot run " + psql + " for the PgBouncer console", "58000", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while talking to the PgBouncer console", e);
    }
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A libpq conninfo value in single quotes. */
  private static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  @Override
  public String toString() {
    return "PgBouncerAdmin[psql " + conninfo + "]";
  }
}

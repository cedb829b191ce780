package dev.neonjdbc.examples.spring;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import java.util.Locale;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Notes in a table: DDL goes to the direct endpoint, transactions to the pooled one. */
@Service
public class NotesService {
  private final JdbcTemplate jdbc;

  /** A service over the application's JdbcTemplate (backed by NeonDataSource). */
  public NotesService(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Creates the table (DDL: runs on a direct session borrowed for this statement only). */
  public void createSchema() {
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS spring_notes (id bigserial PRIMARY KEY, body text NOT NULL)");
  }

  /** Drops the table. */
  public void dropSchema() {
    jdbc.execute("DROP TABLE IF EXISTS spring_notes");
  }

  /** Inserts both notes in one transaction on the pooled endpoint. */
  @Transactional
  public void addBoth(String first, String second) {
    jdbc.update("INSERT INTO spring_notes (body) VALUES (?)", first);
    jdbc.update("INSERT INTO spring_notes (body) VALUES (?)", second);
  }

  /** Inserts both, then fails: the transaction rolls back and nothing is stored. */
  @Transactional
  public void addBothThenFail(String first, String second) {
    addBoth(first, second);
    throw new IllegalStateException("failed after two inserts");
  }

  /**
   * The backend process ids that served the statements of one transaction (always one), and the
   * endpoint the transaction runs on as its connection's router tells it ({@link
   * NeonConnection#endpointFor}): {@code PID:pooled}.
   */
  @Transactional(readOnly = true)
  public String backendsOfOneTransaction() {
    String first = jdbc.queryForObject("SELECT pg_backend_pid()::text", String.class);
    String second = jdbc.queryForObject("SELECT pg_backend_pid()::text", String.class);
    EndpointKind endpoint =
        jdbc.execute(
            (ConnectionCallback<EndpointKind>)
                connection -> connection.unwrap(NeonConnection.class).endpointFor("SELECT 1"));
    return (first.equals(second) ? first : first + " != " + second)
        + ":"
        + endpoint.name().toLowerCase(Locale.ROOT);
  }

  /** How many notes are stored. */
  public long count() {
    Long count = jdbc.queryForObject("SELECT count(*) FROM spring_notes", Long.class);
    return count == null ? 0 : count;
  }
}

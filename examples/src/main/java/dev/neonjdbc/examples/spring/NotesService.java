package dev.neonjdbc.examples.spring;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import java.util.Locale;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Notes in the table Flyway created at start-up: transactions run on the pooled endpoint, one
 * PgBouncer server connection each.
 */
@Service
public class NotesService {
  private final JdbcTemplate jdbc;

  /** A service over the application's JdbcTemplate (backed by the starter's NeonDataSource). */
  public NotesService(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
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

  /** Inserts {@code note}, then asks {@code question} in the same transaction. */
  @Transactional
  public <T> T addAndAsk(String note, ConnectionCallback<T> question) {
    jdbc.update("INSERT INTO spring_notes (body) VALUES (?)", note);
    return jdbc.execute(question);
  }

  /**
   * The backend process ids that served the statements of one read-only transaction (always one),
   * and the endpoint the transaction runs on as its connection's router tells it ({@link
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

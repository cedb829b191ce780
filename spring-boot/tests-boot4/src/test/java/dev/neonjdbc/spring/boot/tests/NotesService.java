package dev.neonjdbc.spring.boot.tests;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The application's work on the table Flyway created. */
@Service
public class NotesService {
  private final JdbcTemplate jdbc;

  NotesService(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records {@code note}, then asks {@code question} in the same transaction, on its connection.
   */
  @Transactional
  public <T> T recordAndAsk(String note, ConnectionCallback<T> question) {
    jdbc.update("INSERT INTO starter_notes (body) VALUES (?)", note);
    return jdbc.execute(question);
  }

  /** Asks {@code question} in a read-only transaction. */
  @Transactional(readOnly = true)
  public <T> T askReadOnly(ConnectionCallback<T> question) {
    return jdbc.execute(question);
  }

  /** Records two notes, then fails: the transaction rolls back and neither stays. */
  @Transactional
  public void recordPairThenFail(String first, String second) {
    jdbc.update("INSERT INTO starter_notes (body) VALUES (?)", first);
    jdbc.update("INSERT INTO starter_notes (body) VALUES (?)", second);
    throw new IllegalStateException("rolled back on purpose");
  }

  /** How many notes there are. */
  public long count() {
    Long count = jdbc.queryForObject("SELECT count(*) FROM starter_notes", Long.class);
    return count == null ? 0 : count;
  }
}

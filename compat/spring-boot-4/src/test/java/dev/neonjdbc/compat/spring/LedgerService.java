package dev.neonjdbc.compat.spring;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The application's ordinary work on the table Flyway created: inserts in {@code @Transactional}
 * methods and plain {@code JdbcTemplate} reads.
 */
@Service
public class LedgerService {
  private final JdbcTemplate jdbc;
  private final String entries;

  LedgerService(JdbcTemplate jdbc, @Value("${compat.schema}") String schema) {
    this.jdbc = jdbc;
    this.entries = schema + ".entries";
  }

  /**
   * Records {@code note}, then, in the same transaction and on its connection, asks {@code
   * question} (for example which endpoint serves the transaction).
   */
  @Transactional
  public <T> T recordAndAsk(String note, ConnectionCallback<T> question) {
    record(note);
    return jdbc.execute(question);
  }

  /** Records two notes in one transaction. */
  @Transactional
  public void recordPair(String first, String second) {
    record(first);
    record(second);
  }

  /** Records two notes, then fails: the transaction rolls back and neither stays. */
  @Transactional
  public void recordPairThenFail(String first, String second) {
    recordPair(first, second);
    throw new IllegalStateException("rolled back on purpose");
  }

  /** How many notes there are (no transaction). */
  public long count() {
    return jdbc.queryForObject("select count(*) from " + entries, Long.class);
  }

  private void record(String note) {
    jdbc.update("insert into " + entries + " (note) values (?)", note);
  }
}

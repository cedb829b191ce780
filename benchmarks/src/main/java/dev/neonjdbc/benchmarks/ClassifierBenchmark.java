package dev.neonjdbc.benchmarks;

import dev.neonjdbc.internal.routing.Route;
import dev.neonjdbc.internal.routing.SqlClassifier;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of {@link SqlClassifier#classify(String)}, which the router pays on every {@code execute}.
 *
 * <p>Short statements (up to 300 characters, what ORMs send almost all the time) should cost well
 * under a network round trip's microsecond scale; 5 KB statements show the cost per character. Run
 * with {@code -prof gc} to see that nothing is allocated.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClassifierBenchmark {

  static final int SHORT_LIMIT = 300;
  static final int LONG_SIZE = 5 * 1024;

  // Not final: the JIT must not fold a constant string's route into a constant.
  String ormSelect =
      "/* <criteria> */ select o1_0.id,o1_0.created_at,o1_0.customer_id,o1_0.status,"
          + "o1_0.total_cents from orders o1_0 where o1_0.customer_id=? and o1_0.status<>'DELETED'"
          + " order by o1_0.created_at desc offset ? rows fetch first ? rows only";
  String jooqSelect =
      "select \"public\".\"book\".\"id\", \"public\".\"book\".\"title\" from \"public\".\"book\""
          + " where \"public\".\"book\".\"author_id\" = ? order by \"public\".\"book\".\"id\"";
  String insertReturning =
      "insert into orders (customer_id,created_at,status,total_cents,note)"
          + " values (?,?,?,?,?) returning id,created_at";
  String update =
      "/* update for com.example.Order */update orders set status=?,total_cents=?,version=?"
          + " where id=? and version=?";
  String ddl =
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_created"
          + " ON orders (customer_id, created_at DESC) WHERE status <> 'DELETED'";
  String sessionSet = "SET search_path = app, public";
  String migration =
      """
      -- V7__order_notes.sql
      CREATE TABLE order_note (
        id bigserial PRIMARY KEY,
        order_id bigint NOT NULL REFERENCES orders (id),
        body text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      COMMENT ON TABLE order_note IS 'Free-text notes; one order has many';
      INSERT INTO order_note (order_id, body) SELECT id, note FROM orders WHERE note <> '';
      ALTER TABLE orders DROP COLUMN note;
      CREATE INDEX order_note_order ON order_note (order_id);
      """;
  String select5k;
  String insert5k;

  /** Builds the 5 KB statements and checks that every statement is the size its name claims. */
  @Setup
  public void setUp() {
    StringBuilder select =
        new StringBuilder(
            "/* <criteria> */ select o1_0.id,o1_0.created_at,o1_0.status,c1_0.name"
                + " from orders o1_0 join customers c1_0 on c1_0.id=o1_0.customer_id"
                + " where o1_0.status<>'DELETED' and o1_0.id in (");
    for (int i = 0; select.length() < LONG_SIZE; i++) {
      select.append(i == 0 ? "" : ",").append(1_000_000 + i * 7);
    }
    select5k = select.append(") order by o1_0.created_at desc").toString();

    StringBuilder insert =
        new StringBuilder("insert into audit_log (actor,action,detail,created_at) values ");
    for (int i = 0; insert.length() < LONG_SIZE; i++) {
      insert
          .append(i == 0 ? "" : ",")
          .append("('user")
          .append(i)
          .append("','update','it''s order ")
          .append(i)
          .append(" -- now shipped',now())");
    }
    insert5k = insert.append(" returning id").toString();

    for (String sql : new String[] {ormSelect, jooqSelect, insertReturning, update, ddl}) {
      if (sql.length() > SHORT_LIMIT) {
        throw new IllegalStateException("not a short statement: " + sql.length() + " chars");
      }
    }
    if (select5k.length() < LONG_SIZE || insert5k.length() < LONG_SIZE) {
      throw new IllegalStateException("long statements are shorter than 5 KB");
    }
  }

  /** A Hibernate SELECT with a leading comment (short). */
  @Benchmark
  public Route shortOrmSelect() {
    return SqlClassifier.classify(ormSelect);
  }

  /** A jOOQ SELECT full of quoted identifiers (short). */
  @Benchmark
  public Route shortJooqSelect() {
    return SqlClassifier.classify(jooqSelect);
  }

  /** An INSERT … RETURNING (short). */
  @Benchmark
  public Route shortInsertReturning() {
    return SqlClassifier.classify(insertReturning);
  }

  /** A Hibernate UPDATE with optimistic locking (short). */
  @Benchmark
  public Route shortUpdate() {
    return SqlClassifier.classify(update);
  }

  /** CREATE INDEX CONCURRENTLY (short, direct). */
  @Benchmark
  public Route shortDdl() {
    return SqlClassifier.classify(ddl);
  }

  /** A session SET (short, pins). */
  @Benchmark
  public Route shortSessionSet() {
    return SqlClassifier.classify(sessionSet);
  }

  /** A Flyway-style migration script: several DDL and DML statements in one string. */
  @Benchmark
  public Route migrationScript() {
    return SqlClassifier.classify(migration);
  }

  /** A 5 KB SELECT with a long IN list. */
  @Benchmark
  public Route longSelect5k() {
    return SqlClassifier.classify(select5k);
  }

  /** A 5 KB multi-row INSERT full of string literals. */
  @Benchmark
  public Route longInsert5k() {
    return SqlClassifier.classify(insert5k);
  }
}

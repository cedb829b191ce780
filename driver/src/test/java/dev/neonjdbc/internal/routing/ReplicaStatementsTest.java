package dev.neonjdbc.internal.routing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The replica hint, and which strings may write (read-your-writes). */
class ReplicaStatementsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/* neon:replica */ SELECT 1",
        "/*neon:replica*/SELECT 1",
        "  -- report\n/* NEON : Replica */ select * from t",
        "/* app */ /* neon:replica */ SELECT 1"
      })
  void theHintIsReadAmongTheLeadingComments(String sql) {
    assertTrue(ReplicaStatements.hasReplicaHint(sql), sql);
    // The classifier does not take it for one of its own hints: the statement keeps its route.
    assertTrue(SqlClassifier.classify(sql) == Route.POOLED, sql);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT 1 /* neon:replica */",
        "SELECT '/* neon:replica */'",
        "/* neon:replicas */ SELECT 1",
        "/* neon:pooled */ SELECT 1",
        ""
      })
  void anythingElseIsNoHint(String sql) {
    assertFalse(ReplicaStatements.hasReplicaHint(sql), sql);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT * FROM t WHERE id = 1",
        "(SELECT 1) UNION (SELECT 2)",
        "WITH x AS (SELECT 1) SELECT * FROM x",
        "VALUES (1), (2)",
        "TABLE accounts",
        "SHOW search_path",
        "EXPLAIN SELECT * FROM t",
        "SELECT 'insert into t' AS text, \"update\" FROM t",
        "BEGIN; SELECT 1; COMMIT",
        "SET search_path TO app",
        "SELECT updated_at FROM t -- delete later",
        "DECLARE c CURSOR FOR SELECT 1; FETCH 10 FROM c"
      })
  void plainReadsDoNotWrite(String sql) {
    assertFalse(ReplicaStatements.mayWrite(sql), sql);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "INSERT INTO t VALUES (1)",
        "UPDATE t SET x = 1",
        "delete from t",
        "MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE",
        "SELECT * FROM t FOR UPDATE",
        "SELECT * FROM t FOR NO KEY UPDATE",
        "SELECT * FROM t FOR KEY SHARE",
        "SELECT * INTO new_table FROM t",
        "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
        "EXPLAIN ANALYZE DELETE FROM t",
        "SELECT nextval('s')",
        "CREATE TABLE t (id int)",
        "CALL do_work()",
        "COPY t FROM STDIN",
        "SELECT 1; INSERT INTO t VALUES (1)",
        "TRUNCATE t"
      })
  void anythingElseMayWrite(String sql) {
    assertTrue(ReplicaStatements.mayWrite(sql), sql);
  }
}

package dev.neonjdbc.internal.routing;

import static dev.neonjdbc.internal.routing.Route.DIRECT;
import static dev.neonjdbc.internal.routing.Route.PIN;
import static dev.neonjdbc.internal.routing.Route.POOLED;
import static dev.neonjdbc.internal.routing.Route.SESSION;
import static dev.neonjdbc.internal.routing.Route.UNPIN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The routing table of DESIGN.md, row by row, plus WITH queries, hints and multi-statement SQL. */
class SqlClassifierTest {

  static Arguments sql(Route expected, String sql) {
    return Arguments.of(expected, sql);
  }

  static Stream<Arguments> pooledStatements() {
    return Stream.of(
        sql(POOLED, "SELECT 1"),
        sql(POOLED, "select * from users where id = ?"),
        sql(POOLED, "INSERT INTO t (a) VALUES (1)"),
        sql(POOLED, "UPDATE t SET a = 1 WHERE id = 2"),
        sql(POOLED, "DELETE FROM t WHERE id = 3"),
        sql(
            POOLED,
            "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a"
                + " WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.a)"),
        sql(POOLED, "VALUES (1, 'a'), (2, 'b')"),
        sql(POOLED, "TABLE users"),
        sql(POOLED, "COPY t FROM STDIN WITH (FORMAT csv)"),
        sql(POOLED, "COPY (SELECT * FROM t) TO STDOUT"),
        sql(POOLED, "CALL do_work(1, 'x')"),
        sql(POOLED, "DO $$BEGIN RAISE NOTICE 'hi'; END$$"),
        sql(POOLED, "EXPLAIN SELECT * FROM t"),
        sql(POOLED, "EXPLAIN ANALYZE SELECT * FROM t"),
        sql(POOLED, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) UPDATE t SET a = 2"),
        sql(POOLED, "SHOW search_path"),
        sql(POOLED, "SHOW ALL"),
        sql(POOLED, "NOTIFY jobs, 'payload'"),
        sql(POOLED, "SELECT pg_notify('jobs', 'x')"),
        sql(POOLED, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE"),
        sql(POOLED, "BEGIN"),
        sql(POOLED, "BEGIN ISOLATION LEVEL SERIALIZABLE"),
        sql(POOLED, "START TRANSACTION READ ONLY"),
        sql(POOLED, "COMMIT"),
        sql(POOLED, "COMMIT AND CHAIN"),
        sql(POOLED, "END"),
        sql(POOLED, "ROLLBACK"),
        sql(POOLED, "ABORT"),
        sql(POOLED, "SAVEPOINT s1"),
        sql(POOLED, "RELEASE SAVEPOINT s1"),
        sql(POOLED, "ROLLBACK TO SAVEPOINT s1"),
        sql(POOLED, "PREPARE TRANSACTION 'tx1'"),
        sql(POOLED, "COMMIT PREPARED 'tx1'"),
        sql(POOLED, "ROLLBACK PREPARED 'tx1'"),
        sql(POOLED, "SET LOCAL search_path = app, public"),
        sql(POOLED, "SET LOCAL statement_timeout = '5s'"),
        sql(POOLED, "set local lock_timeout to 1000"),
        sql(POOLED, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
        sql(POOLED, "SET TRANSACTION SNAPSHOT '00000003-0000001B-1'"),
        sql(POOLED, "SET CONSTRAINTS ALL DEFERRED"),
        sql(POOLED, "FETCH 10 FROM c1"),
        sql(POOLED, "FETCH NEXT IN c1"),
        sql(POOLED, "MOVE FORWARD 5 IN c1"),
        sql(POOLED, "CLOSE c1"),
        sql(POOLED, "CLOSE ALL"),
        sql(POOLED, "DECLARE c1 CURSOR FOR SELECT * FROM t"),
        sql(POOLED, "DECLARE c1 BINARY NO SCROLL CURSOR WITHOUT HOLD FOR SELECT * FROM t"),
        sql(POOLED, "DECLARE c1 CURSOR FOR WITH hold AS (SELECT 1) SELECT * FROM hold"),
        sql(POOLED, "SELECT pg_advisory_xact_lock(1)"),
        sql(POOLED, "SELECT pg_try_advisory_xact_lock(1)"),
        sql(POOLED, "SELECT pg_advisory_xact_lock_shared(1, 2)"),
        sql(POOLED, "SELECT pg_try_advisory_xact_lock_shared(1)"),
        sql(POOLED, "SELECT pg_advisory_unlock(1)"),
        sql(POOLED, "SELECT pg_advisory_unlock_all()"),
        sql(POOLED, "SELECT set_config('search_path', 'app', true)"),
        sql(POOLED, "SELECT set_config('app.user_id', ?, TRUE)"),
        sql(POOLED, "select set_config ( 'a' , 'b' , true ) , 1"),
        sql(POOLED, "SELECT set_config('a', (SELECT max(v) FROM t), true)"),
        sql(POOLED, "SELECT set_config('a', 'b', true), set_config('c', 'd', true)"),
        sql(POOLED, "SELECT nextval('seq')"),
        sql(POOLED, "SELECT * FROM jobs FOR UPDATE SKIP LOCKED LIMIT 1"),
        sql(POOLED, "(SELECT 1) UNION (SELECT 2)"),
        sql(POOLED, "((SELECT 1))"),
        sql(POOLED, "\n\t  SELECT 1"),
        sql(POOLED, "sElEcT 1"),
        sql(POOLED, "SELECT 1;"));
  }

  static Stream<Arguments> directStatements() {
    return Stream.of(
        sql(DIRECT, "CREATE TABLE t (id int)"),
        sql(DIRECT, "create index on t (a)"),
        sql(DIRECT, "CREATE UNIQUE INDEX CONCURRENTLY idx ON t (a)"),
        sql(DIRECT, "CREATE OR REPLACE VIEW v AS SELECT 1"),
        sql(DIRECT, "CREATE UNLOGGED TABLE u (id int)"),
        sql(DIRECT, "CREATE TABLE t2 AS SELECT * FROM t"),
        sql(DIRECT, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$"),
        sql(DIRECT, "CREATE MATERIALIZED VIEW mv AS SELECT 1"),
        sql(DIRECT, "CREATE EXTENSION IF NOT EXISTS pgcrypto"),
        sql(DIRECT, "CREATE SCHEMA app"),
        sql(DIRECT, "CREATE SEQUENCE s"),
        sql(DIRECT, "ALTER TABLE t ADD COLUMN b text"),
        sql(DIRECT, "ALTER TABLE t DETACH PARTITION p CONCURRENTLY"),
        sql(DIRECT, "ALTER ROLE app SET search_path = app"),
        sql(DIRECT, "ALTER SYSTEM SET work_mem = '64MB'"),
        sql(DIRECT, "DROP TABLE t"),
        sql(DIRECT, "DROP INDEX CONCURRENTLY idx"),
        sql(DIRECT, "COMMENT ON TABLE t IS 'users'"),
        sql(DIRECT, "GRANT SELECT ON t TO reader"),
        sql(DIRECT, "REVOKE ALL ON t FROM PUBLIC"),
        sql(DIRECT, "TRUNCATE t"),
        sql(DIRECT, "SECURITY LABEL FOR selinux ON TABLE t IS 'system_u:object_r:sepgsql_table_t'"),
        sql(DIRECT, "IMPORT FOREIGN SCHEMA remote FROM SERVER srv INTO local"),
        sql(DIRECT, "REFRESH MATERIALIZED VIEW mv"),
        sql(DIRECT, "REFRESH MATERIALIZED VIEW CONCURRENTLY mv"),
        sql(DIRECT, "REINDEX TABLE t"),
        sql(DIRECT, "REINDEX INDEX CONCURRENTLY idx"),
        sql(DIRECT, "CLUSTER t USING idx"),
        sql(DIRECT, "VACUUM"),
        sql(DIRECT, "VACUUM (VERBOSE, ANALYZE) t"),
        sql(DIRECT, "ANALYZE t"),
        sql(DIRECT, "ANALYSE t"),
        sql(DIRECT, "CHECKPOINT"),
        sql(DIRECT, "DISCARD PLANS"),
        sql(DIRECT, "DISCARD SEQUENCES"),
        sql(DIRECT, "DISCARD TEMP"),
        sql(DIRECT, "DISCARD TEMPORARY"),
        sql(DIRECT, "SELECT * INTO new_table FROM t"),
        sql(DIRECT, "SELECT * INTO UNLOGGED TABLE t2 FROM t"),
        sql(DIRECT, "SELECT 1 AS concurrently"),
        sql(DIRECT, "REASSIGN OWNED BY alice TO bob"),
        sql(DIRECT, "FROBNICATE everything"),
        sql(DIRECT, "42"),
        sql(DIRECT, "'just a string'"),
        sql(DIRECT, "\"quoted\""));
  }

  static Stream<Arguments> pinningStatements() {
    return Stream.of(
        sql(PIN, "LISTEN jobs"),
        sql(PIN, "\n\n listen jobs"),
        sql(PIN, "UNLISTEN jobs"),
        sql(PIN, "UNLISTEN *"),
        sql(SESSION, "SET search_path = app, public"),
        sql(SESSION, "SET search_path TO app"),
        sql(SESSION, "set statement_timeout = 0"),
        sql(SESSION, "SET TIME ZONE 'UTC'"),
        sql(SESSION, "SET SCHEMA 'app'"),
        sql(SESSION, "SET NAMES 'UTF8'"),
        sql(SESSION, "SET application_name = 'worker'"),
        sql(SESSION, "SET local_preload_libraries = 'auto_explain'"),
        sql(SESSION, "SET SESSION statement_timeout = 1000"),
        sql(SESSION, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
        sql(PIN, "SET ROLE app_admin"),
        sql(PIN, "SET SESSION AUTHORIZATION alice"),
        sql(SESSION, "RESET search_path"),
        sql(SESSION, "RESET ALL"),
        sql(PIN, "RESET ROLE"),
        sql(PIN, "SET SESSION ROLE app_admin"),
        sql(PIN, "RESET SESSION AUTHORIZATION"),
        sql(SESSION, "SET myapp.tenant = 'acme'"),
        sql(SESSION, "set session \"myapp\".\"tenant\" to 'acme'"),
        sql(POOLED, "SET LOCAL myapp.tenant = 'acme'"),
        sql(PIN, "PREPARE q (int) AS SELECT $1"),
        sql(PIN, "PREPARE q AS SELECT 1"),
        sql(PIN, "EXECUTE q(1)"),
        sql(PIN, "DEALLOCATE q"),
        sql(PIN, "DEALLOCATE ALL"),
        sql(PIN, "CREATE TEMP TABLE tmp (id int)"),
        sql(PIN, "CREATE TEMPORARY TABLE tmp AS SELECT 1"),
        sql(PIN, "CREATE LOCAL TEMP TABLE tmp (id int)"),
        sql(PIN, "CREATE GLOBAL TEMPORARY TABLE tmp (id int)"),
        sql(PIN, "CREATE TEMP VIEW v AS SELECT 1"),
        sql(PIN, "CREATE OR REPLACE TEMP VIEW v AS SELECT 1"),
        sql(PIN, "CREATE TEMP SEQUENCE s"),
        sql(PIN, "create temporary table tmp on commit drop as select 1"),
        sql(PIN, "SELECT * INTO TEMP tmp FROM t"),
        sql(PIN, "SELECT * INTO TEMPORARY TABLE tmp FROM t"),
        sql(PIN, "SELECT a INTO LOCAL TEMP tmp FROM t"),
        sql(PIN, "DECLARE c CURSOR WITH HOLD FOR SELECT 1"),
        sql(PIN, "DECLARE c SCROLL CURSOR WITH HOLD FOR SELECT * FROM t"),
        sql(PIN, "LOAD 'auto_explain'"),
        sql(PIN, "SELECT pg_advisory_lock(1)"),
        sql(PIN, "SELECT pg_advisory_lock_shared(1)"),
        sql(PIN, "SELECT pg_try_advisory_lock(1)"),
        sql(PIN, "SELECT pg_try_advisory_lock_shared(1, 2)"),
        sql(PIN, "SELECT pg_catalog.pg_advisory_lock(42)"),
        sql(PIN, "SELECT PG_ADVISORY_LOCK(42)"),
        sql(PIN, "select pg_try_advisory_lock (hashtext(?))"),
        sql(PIN, "SELECT pg_catalog . pg_try_advisory_lock /* key */ (7)"),
        sql(PIN, "SELECT \"pg_advisory_lock\"(1)"),
        sql(PIN, "SELECT pg_catalog.\"pg_try_advisory_lock\"(1)"),
        sql(PIN, "SELECT id, pg_try_advisory_lock(id) FROM jobs LIMIT 1"),
        sql(PIN, "UPDATE jobs SET locked = pg_try_advisory_lock(id) WHERE id = 1"),
        sql(SESSION, "SELECT set_config('search_path', 'app', false)"),
        sql(SESSION, "SELECT set_config('app.x', 'y', FALSE)"),
        sql(SESSION, "SELECT set_config('app.x', 'y', ?)"),
        sql(SESSION, "SELECT set_config('app.x', 'y', $1)"),
        sql(SESSION, "SELECT set_config('app.x', 'y', true AND ?)"),
        sql(SESSION, "SELECT set_config('app.x', 'y')"),
        sql(SESSION, "SELECT set_config('app.x', 'y', true, 1)"),
        sql(PIN, "SELECT set_config('a', set_config('b', 'c', true), true)"),
        sql(SESSION, "SELECT set_config('a', 'b', true), set_config('c', 'd', false)"),
        sql(SESSION, "SELECT set_config('a', 'b', "));
  }

  static Stream<Arguments> unpinningStatements() {
    return Stream.of(
        sql(UNPIN, "DISCARD ALL"),
        sql(UNPIN, "discard all;"),
        sql(UNPIN, "/* reset before return */ DISCARD ALL"),
        sql(UNPIN, "DISCARD ALL; SELECT 1"),
        sql(UNPIN, "DISCARD ALL; CREATE TABLE t (a int)"),
        sql(UNPIN, "SET search_path = app; DISCARD ALL"),
        sql(PIN, "DISCARD ALL; LISTEN jobs"));
  }

  static Stream<Arguments> withQueries() {
    return Stream.of(
        sql(POOLED, "WITH a AS (SELECT 1) SELECT * FROM a"),
        sql(
            POOLED,
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10)"
                + " SELECT * FROM r"),
        sql(
            POOLED,
            "WITH a AS MATERIALIZED (SELECT 1), b AS NOT MATERIALIZED (SELECT 2)"
                + " SELECT * FROM a, b"),
        sql(
            POOLED,
            "WITH d AS (DELETE FROM t WHERE done RETURNING *) INSERT INTO archive SELECT * FROM d"),
        sql(POOLED, "WITH u AS (UPDATE t SET a = 1 RETURNING id) SELECT count(*) FROM u"),
        sql(POOLED, "WITH \"Quoted Name\" AS (SELECT 1) SELECT * FROM \"Quoted Name\""),
        sql(POOLED, "WITH a AS (SELECT 'LISTEN x; SET y = 1' AS s) SELECT * FROM a"),
        sql(POOLED, "WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a"),
        sql(POOLED, "WITH a AS (SELECT 1) UPDATE t SET x = 1 FROM a"),
        sql(POOLED, "WITH a AS (SELECT 1) DELETE FROM t USING a WHERE t.id = a.id"),
        sql(
            POOLED,
            "WITH a AS (SELECT 1 AS id) MERGE INTO t USING a ON t.id = a.id WHEN MATCHED"
                + " THEN DELETE"),
        sql(POOLED, "(WITH a AS (SELECT 1) SELECT * FROM a)"),
        sql(POOLED, "WITH a AS (SELECT 1) (SELECT * FROM a)"),
        sql(POOLED, "WITH /* c */ a -- c\n AS ( SELECT 1 ) SELECT (SELECT count(*) FROM a)"),
        sql(
            POOLED,
            "WITH RECURSIVE tree(id, parent) AS (SELECT id, parent FROM node WHERE parent IS NULL"
                + " UNION ALL SELECT n.id, n.parent FROM node n JOIN tree t ON n.parent = t.id)"
                + " SEARCH DEPTH FIRST BY id SET ordercol SELECT * FROM tree ORDER BY ordercol"),
        sql(
            POOLED,
            "WITH RECURSIVE g(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM g)"
                + " CYCLE id SET is_cycle USING path SELECT * FROM g"),
        sql(
            POOLED,
            "WITH RECURSIVE g(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM g)"
                + " CYCLE id SET is_cycle TO 'Y' DEFAULT 'N' USING path, b AS (SELECT 2)"
                + " SELECT * FROM g, b"),
        sql(PIN, "WITH a AS (SELECT pg_try_advisory_lock(1)) SELECT * FROM a"),
        sql(SESSION, "WITH a AS (SELECT 1), b AS (SELECT set_config('x', 'y', false)) SELECT 1"),
        sql(PIN, "WITH a AS (SELECT 1) SELECT * INTO TEMP t FROM a"),
        sql(DIRECT, "WITH a AS (SELECT 1) SELECT * INTO t FROM a"),
        sql(DIRECT, "WITH a AS (SELECT 1 AS concurrently) SELECT * FROM a"),
        sql(DIRECT, "WITH a AS (SELECT 1)"),
        sql(DIRECT, "WITH a AS (SELECT 1"),
        sql(DIRECT, "WITH a (SELECT 1) SELECT 1"),
        sql(DIRECT, "WITH a AS (SELECT 1); SELECT 1"),
        sql(PIN, "WITH a AS (SELECT 1) SELECT 1; LISTEN jobs"));
  }

  static Stream<Arguments> jdbcEscapes() {
    return Stream.of(
        sql(POOLED, "{call my_proc(?, ?)}"),
        sql(POOLED, "{ call my_proc() }"),
        sql(POOLED, "{? = call upper(?)}"),
        sql(POOLED, "{ ? = call pg_try_advisory_xact_lock(?) }"),
        sql(PIN, "{call pg_advisory_lock(?)}"),
        sql(PIN, "{? = call pg_try_advisory_lock(?)}"),
        sql(SESSION, "{? = call set_config(?, ?, false)}"),
        sql(POOLED, "{? = call set_config(?, ?, true)}"),
        sql(POOLED, "SELECT {fn ucase(name)} FROM t WHERE d > {d '2024-01-01'}"));
  }

  static Stream<Arguments> hints() {
    return Stream.of(
        sql(DIRECT, "/* neon:direct */ SELECT 1"),
        sql(POOLED, "/* neon:pooled */ SET search_path = x"),
        sql(POOLED, "/* neon:pooled */ CREATE INDEX CONCURRENTLY i ON t (a)"),
        sql(DIRECT, "/*neon:direct*/select 1"),
        sql(DIRECT, "/*   NEON : DIRECT   */ SELECT 1"),
        sql(DIRECT, "/*\n neon:direct\n*/\nSELECT 1"),
        sql(PIN, "/* neon:pin */ SELECT 1"),
        sql(DIRECT, "-- migration step\n/* neon:direct */ SELECT 1"),
        sql(DIRECT, "/* <criteria> */ /* neon:direct */ select u1_0.id from users u1_0"),
        sql(DIRECT, "/* neon:direct */ SELECT 1; SELECT 2"),
        sql(POOLED, "/* neon:pooled */ LISTEN x; SELECT 1"),
        sql(POOLED, "SELECT 1 /* neon:direct */"),
        sql(POOLED, "SELECT 1; /* neon:direct */ SELECT 2"),
        sql(POOLED, "/* neon:directly */ SELECT 1"),
        sql(POOLED, "/* neon:direct, please */ SELECT 1"),
        sql(POOLED, "/* neon */ SELECT 1"),
        sql(POOLED, "/* neon: */ SELECT 1"),
        sql(POOLED, "/* outer /* neon:direct */ */ SELECT 1"),
        sql(POOLED, "SELECT '/* neon:direct */'"),
        sql(POOLED, "-- /* neon:direct */\nSELECT 1"));
  }

  static Stream<Arguments> multipleStatements() {
    return Stream.of(
        sql(POOLED, "SELECT 1; SELECT 2"),
        sql(POOLED, "SELECT 1;;; SELECT 2;"),
        sql(POOLED, ";"),
        sql(POOLED, " ; ; "),
        sql(DIRECT, "SELECT 1; CREATE TABLE t (a int)"),
        sql(DIRECT, "CREATE TABLE t (a int); INSERT INTO t VALUES (1)"),
        sql(SESSION, "CREATE TABLE t (a int); SET search_path = x"),
        sql(POOLED, "BEGIN; SET LOCAL search_path = app; SELECT 1; COMMIT"),
        sql(PIN, "BEGIN; LISTEN x; COMMIT"),
        sql(PIN, "SELECT ';'; LISTEN x"),
        sql(PIN, "SELECT 1;LISTEN x"),
        sql(UNPIN, "SELECT 1; DISCARD ALL; SET x = 1"),
        sql(DIRECT, "SELECT 1; VACUUM t; SELECT 2"),
        sql(
            DIRECT,
            "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (1); NOTIFY t)"),
        sql(
            DIRECT,
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC"
                + " SELECT pg_advisory_lock(1); SELECT CASE WHEN true THEN 1 END; END"),
        sql(
            PIN,
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC"
                + " SELECT CASE WHEN true THEN 1 END; SELECT 2; END; LISTEN x"),
        sql(
            DIRECT,
            "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END;"
                + " SELECT 1"),
        sql(
            DIRECT,
            """
            CREATE TABLE person (id bigint PRIMARY KEY, name text NOT NULL);
            INSERT INTO person VALUES (1, 'Ada; LISTEN x');
            -- an index that must not lock writers
            CREATE INDEX CONCURRENTLY person_name ON person (name);
            """),
        sql(
            DIRECT,
            """
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
              PERFORM pg_advisory_lock(1); -- opaque: this body only runs later
              NEW.updated := now();
              RETURN NEW;
            END;
            $body$;
            CREATE TRIGGER touch BEFORE UPDATE ON person FOR EACH ROW EXECUTE FUNCTION touch();
            """));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource({
    "pooledStatements",
    "directStatements",
    "pinningStatements",
    "unpinningStatements"
  })
  void routesEveryRowOfTheRoutingTable(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("withQueries")
  void routesWithQueriesByTheirMainStatementAndTheirBodies(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("jdbcEscapes")
  void routesJdbcCallEscapesLikeCall(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("hints")
  void leadingHintCommentDecidesOutright(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("multipleStatements")
  void severalStatementsTakeTheStrongestRoute(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }

  @Test
  void nothingToRunStaysPooled() {
    assertEquals(POOLED, SqlClassifier.classify(null));
    assertEquals(POOLED, SqlClassifier.classify(""));
    assertEquals(POOLED, SqlClassifier.classify(" \t\r\n\f\u000B"));
    assertEquals(POOLED, SqlClassifier.classify("-- only a comment"));
    assertEquals(POOLED, SqlClassifier.classify("/* only a comment */"));
    assertEquals(POOLED, SqlClassifier.classify("/* unterminated comment"));
  }

  @Test
  void longStatementsAreReadToTheEnd() {
    StringBuilder in = new StringBuilder("SELECT * FROM orders WHERE id IN (");
    for (int i = 0; i < 1000; i++) {
      in.append(i).append(", ");
    }
    in.append("-1)");
    assertEquals(POOLED, SqlClassifier.classify(in.toString()));
    assertEquals(PIN, SqlClassifier.classify(in + "; SELECT pg_advisory_lock(1)"));
    assertEquals(DIRECT, SqlClassifier.classify(in + " AND 'x' <> 'y'; VACUUM orders"));
  }
}

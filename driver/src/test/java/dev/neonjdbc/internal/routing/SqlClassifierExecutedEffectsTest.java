package dev.neonjdbc.internal.routing;

import static dev.neonjdbc.internal.routing.Route.DIRECT;
import static dev.neonjdbc.internal.routing.Route.PIN;
import static dev.neonjdbc.internal.routing.Route.POOLED;
import static dev.neonjdbc.internal.routing.Route.SESSION;
import static dev.neonjdbc.internal.routing.SqlClassifierTest.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Statements whose effect is not in their first keyword: an object created in the temporary schema
 * ({@code CREATE TABLE pg_temp.t}) is as temporary as one made by {@code CREATE TEMP}, and {@code
 * EXPLAIN ANALYZE} runs the statement it explains, so both route by what the server will do.
 */
class SqlClassifierExecutedEffectsTest {

  /** Every CREATE form that can put its object in {@code pg_temp}, and SELECT … INTO. */
  static Stream<Arguments> objectsInTheTemporarySchema() {
    return Stream.of(
        sql(PIN, "CREATE TABLE pg_temp.scratch (id int)"),
        sql(PIN, "create table pg_temp.scratch (id int)"),
        sql(PIN, "CREATE TABLE PG_TEMP.scratch (id int)"),
        sql(PIN, "CREATE TABLE IF NOT EXISTS pg_temp.scratch (id int)"),
        sql(PIN, "CREATE UNLOGGED TABLE pg_temp.scratch (id int)"),
        sql(PIN, "CREATE TABLE pg_temp.scratch AS SELECT 1 AS id"),
        sql(PIN, "CREATE TABLE pg_temp.scratch (LIKE public.orders INCLUDING ALL)"),
        sql(PIN, "CREATE TABLE pg_temp.scratch PARTITION OF pg_temp.parent FOR VALUES IN (1)"),
        sql(PIN, "CREATE TABLE \"pg_temp\".scratch (id int)"),
        sql(PIN, "CREATE TABLE \"pg_temp\".\"Scratch\" (id int)"),
        sql(PIN, "CREATE TABLE pg_temp . scratch (id int)"),
        sql(PIN, "CREATE TABLE pg_temp/* schema */.-- and name\nscratch (id int)"),
        sql(PIN, "CREATE TABLE pg_temp_3.scratch (id int)"),
        sql(PIN, "CREATE TABLE neondb.pg_temp.scratch (id int)"),
        sql(PIN, "CREATE VIEW pg_temp.v AS SELECT 1"),
        sql(PIN, "CREATE OR REPLACE VIEW pg_temp.v AS SELECT 1"),
        sql(PIN, "CREATE RECURSIVE VIEW pg_temp.v (n) AS VALUES (1)"),
        sql(PIN, "CREATE MATERIALIZED VIEW pg_temp.mv AS SELECT 1"),
        sql(PIN, "CREATE SEQUENCE pg_temp.s"),
        sql(PIN, "CREATE SEQUENCE IF NOT EXISTS pg_temp.s START 10"),
        sql(PIN, "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$"),
        sql(PIN, "CREATE OR REPLACE FUNCTION pg_temp.f(a int) RETURNS int RETURN a + 1"),
        sql(PIN, "CREATE PROCEDURE pg_temp.p() LANGUAGE sql AS $$ SELECT 1 $$"),
        sql(PIN, "CREATE AGGREGATE pg_temp.total(int) (SFUNC = int4pl, STYPE = int)"),
        sql(PIN, "CREATE TYPE pg_temp.mood AS ENUM ('sad', 'ok')"),
        sql(PIN, "CREATE TYPE pg_temp.pair AS (a int, b int)"),
        sql(PIN, "CREATE DOMAIN pg_temp.positive AS int CHECK (VALUE > 0)"),
        sql(PIN, "CREATE OPERATOR pg_temp.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq)"),
        sql(PIN, "CREATE OPERATOR pg_temp . <-> (LEFTARG = point, RIGHTARG = point, FUNCTION = f)"),
        sql(PIN, "CREATE COLLATION pg_temp.c (locale = 'C')"),
        sql(PIN, "CREATE TEXT SEARCH CONFIGURATION pg_temp.cfg (COPY = english)"),
        sql(PIN, "CREATE CONVERSION pg_temp.conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8"),
        sql(PIN, "CREATE STATISTICS pg_temp.st ON a, b FROM pg_temp.scratch"),
        sql(PIN, "/* set up */ CREATE TABLE pg_temp.scratch (id int)"),
        sql(PIN, "SELECT 1; CREATE TABLE pg_temp.scratch (id int)"),
        sql(PIN, "CREATE TABLE pg_temp.scratch (id int); INSERT INTO pg_temp.scratch VALUES (1)"),
        sql(PIN, "SELECT * INTO pg_temp.scratch FROM orders"),
        sql(PIN, "SELECT * INTO UNLOGGED TABLE pg_temp.scratch FROM orders"),
        sql(PIN, "SELECT 1 AS id INTO TABLE \"pg_temp\".scratch"),
        sql(PIN, "WITH a AS (SELECT 1) SELECT * INTO pg_temp.scratch FROM a"));
  }

  /** Names that only look like the temporary schema, or name it where nothing is created in it. */
  static Stream<Arguments> objectsElsewhere() {
    return Stream.of(
        sql(DIRECT, "CREATE TABLE public.scratch (id int)"),
        sql(DIRECT, "CREATE TABLE pg_temporary.scratch (id int)"),
        sql(DIRECT, "CREATE TABLE pg_temp_x.scratch (id int)"),
        sql(DIRECT, "CREATE TABLE pg_temp_.scratch (id int)"),
        sql(DIRECT, "CREATE TABLE my_pg_temp.scratch (id int)"),
        sql(DIRECT, "CREATE TABLE \"PG_TEMP\".scratch (id int)"),
        sql(DIRECT, "CREATE TABLE \"pg_temp.scratch\" (id int)"),
        sql(DIRECT, "CREATE TABLE pg_temp (id int)"),
        sql(DIRECT, "CREATE TABLE public.pg_temp (id int)"),
        sql(DIRECT, "CREATE TABLE pg_temp.scratch.extra.part (id int)"),
        sql(DIRECT, "CREATE TABLE orders (id int REFERENCES pg_temp.parent)"),
        sql(DIRECT, "CREATE TABLE copy AS SELECT * FROM pg_temp.scratch"),
        sql(
            DIRECT,
            "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql"
                + " SET search_path = pg_catalog, pg_temp AS $$ SELECT 1 $$"),
        sql(DIRECT, "CREATE FUNCTION f(t pg_temp.pair) RETURNS int LANGUAGE sql RETURN 1"),
        sql(DIRECT, "COMMENT ON TABLE pg_temp.scratch IS 'scratch'"),
        sql(DIRECT, "SELECT * INTO scratch FROM pg_temp.source"),
        sql(DIRECT, "SELECT * INTO public.scratch FROM orders"),
        sql(POOLED, "SELECT pg_temp.f()"),
        sql(POOLED, "INSERT INTO pg_temp.scratch VALUES (1)"),
        sql(POOLED, "SELECT 'CREATE TABLE pg_temp.scratch (id int)'"),
        sql(POOLED, "SELECT 1 -- CREATE TABLE pg_temp.scratch"));
  }

  /** EXPLAIN ANALYZE of each route runs the statement: it takes that statement's route. */
  static Stream<Arguments> explainAnalyze() {
    return Stream.of(
        sql(POOLED, "EXPLAIN ANALYZE SELECT * FROM orders"),
        sql(POOLED, "EXPLAIN ANALYSE SELECT 1"),
        sql(POOLED, "EXPLAIN ANALYZE VERBOSE SELECT 1"),
        sql(POOLED, "explain analyze insert into orders (id) values (1)"),
        sql(POOLED, "EXPLAIN ANALYZE UPDATE orders SET total = 0 WHERE id = ?"),
        sql(POOLED, "EXPLAIN ANALYZE DELETE FROM orders WHERE id = $1"),
        sql(POOLED, "EXPLAIN ANALYZE MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE"),
        sql(POOLED, "EXPLAIN ANALYZE VALUES (1), (2)"),
        sql(POOLED, "EXPLAIN ANALYZE (SELECT 1) UNION (SELECT 2)"),
        sql(POOLED, "EXPLAIN ANALYZE WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"),
        sql(POOLED, "EXPLAIN (ANALYZE) INSERT INTO orders (id) VALUES (1)"),
        sql(POOLED, "EXPLAIN (ANALYZE TRUE, BUFFERS) DELETE FROM orders"),
        sql(POOLED, "EXPLAIN (FORMAT JSON, ANALYZE on) SELECT 1"),
        sql(POOLED, "EXPLAIN ANALYZE SELECT pg_advisory_xact_lock(1)"),
        sql(POOLED, "EXPLAIN ANALYZE DECLARE c CURSOR FOR SELECT 1"),
        sql(DIRECT, "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1"),
        sql(DIRECT, "EXPLAIN ANALYSE VERBOSE CREATE TABLE IF NOT EXISTS t AS SELECT 1"),
        sql(DIRECT, "EXPLAIN (ANALYZE) CREATE MATERIALIZED VIEW mv AS SELECT 1"),
        sql(DIRECT, "EXPLAIN (ANALYZE, COSTS OFF) CREATE UNLOGGED TABLE t AS SELECT 1"),
        sql(DIRECT, "EXPLAIN ANALYZE SELECT * INTO t FROM orders"),
        sql(DIRECT, "EXPLAIN (ANALYZE) SELECT 1; CREATE TABLE t (a int)"),
        sql(SESSION, "EXPLAIN ANALYZE SELECT set_config('app.x', 'y', false)"),
        sql(PIN, "EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN ANALYSE CREATE TEMPORARY TABLE t AS SELECT 1"),
        sql(PIN, "explain analyze verbose create local temp table t as select 1"),
        sql(PIN, "EXPLAIN ANALYZE CREATE TABLE pg_temp.t AS SELECT 1"),
        sql(PIN, "EXPLAIN (ANALYZE) CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN (analyze, verbose, format yaml) CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN (COSTS OFF, ANALYZE) CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN (ANALYZE TRUE) CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN (ANALYZE on) CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN (ANALYZE 1) CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN (ANALYZE 'on') CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN ( /* run it */ ANALYZE ) CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN (\"analyze\") CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN (ANALYZE OFF, ANALYZE) CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN (ANALYZE yes_please) CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN (ANALYZE) SELECT * INTO TEMP t FROM orders"),
        sql(PIN, "EXPLAIN ANALYZE SELECT * INTO pg_temp.t FROM orders"),
        sql(PIN, "EXPLAIN ANALYZE WITH a AS (SELECT 1) SELECT * INTO TEMP t FROM a"),
        sql(PIN, "EXPLAIN ANALYZE EXECUTE q(1)"),
        sql(PIN, "EXPLAIN ANALYZE SELECT pg_advisory_lock(1)"),
        sql(PIN, "EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1; SELECT * FROM t"));
  }

  /** EXPLAIN that only plans stays pooled, whatever it explains. */
  static Stream<Arguments> plainExplain() {
    return Stream.of(
        sql(POOLED, "EXPLAIN SELECT 1"),
        sql(POOLED, "EXPLAIN CREATE TEMP TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN CREATE TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN CREATE TABLE pg_temp.t AS SELECT 1"),
        sql(POOLED, "EXPLAIN VERBOSE CREATE TEMP TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN SELECT * INTO TEMP t FROM orders"),
        sql(POOLED, "EXPLAIN (FORMAT JSON) SELECT * INTO t FROM orders"),
        sql(POOLED, "EXPLAIN (COSTS OFF) CREATE TEMP TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN (ANALYZE false) CREATE TEMP TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN (ANALYZE FALSE, BUFFERS) CREATE TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN (ANALYZE off) CREATE TEMP TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN (ANALYZE 0) CREATE TEMP TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN (ANALYZE 'false') CREATE TEMP TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN (ANALYZE, ANALYZE OFF) CREATE TEMP TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN (\"ANALYZE\") CREATE TEMP TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN (ANALYZE CREATE TEMP TABLE t AS SELECT 1"),
        sql(POOLED, "EXPLAIN SELECT 'EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1'"),
        sql(POOLED, "/* neon:pooled */ EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1"),
        sql(PIN, "EXPLAIN (ANALYZE OFF) SELECT 1; LISTEN jobs"),
        sql(DIRECT, "EXPLAIN CREATE INDEX CONCURRENTLY i ON t (a)"));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource({"objectsInTheTemporarySchema", "objectsElsewhere"})
  void objectsCreatedInTheTemporarySchemaPinLikeCreateTemp(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("explainAnalyze")
  void explainAnalyzeRoutesAsTheStatementItRuns(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("plainExplain")
  void explainWithoutAnalyzeStaysPooled(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }
}

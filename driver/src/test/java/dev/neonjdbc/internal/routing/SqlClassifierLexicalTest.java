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
 * Postgres' lexical rules that hide or reveal a keyword. A pinning word inside a string, comment,
 * dollar quote or quoted identifier must not change the route, and a literal that ends earlier than
 * a naive reader thinks must not hide the statement after it.
 */
class SqlClassifierLexicalTest {

  static Stream<Arguments> hiddenKeywords() {
    return Stream.of(
        sql(POOLED, "SELECT 'LISTEN x'"),
        sql(POOLED, "SELECT 'it''s; LISTEN x'"),
        sql(POOLED, "SELECT 'a''' || 'pg_advisory_lock(1)'"),
        sql(POOLED, "SELECT * FROM t WHERE note = 'SET ROLE admin'"),
        sql(POOLED, "INSERT INTO t VALUES ('CREATE TEMP TABLE x; DISCARD ALL')"),
        sql(POOLED, "SELECT 'concurrently'"),
        sql(POOLED, "SELECT E'it\\'s; LISTEN x'"),
        sql(POOLED, "SELECT e'\\'' , 'pg_advisory_lock(1)'"),
        sql(POOLED, "SELECT E'\\\\\\'; LISTEN x'"),
        sql(POOLED, "SELECT U&'d\\0061t\\+000061; LISTEN x'"),
        sql(POOLED, "SELECT B'1010', X'1F', N'LISTEN x'"),
        sql(POOLED, "SELECT 'a' 'b; LISTEN x'"),
        sql(POOLED, "SELECT \"LISTEN\" FROM t"),
        sql(POOLED, "SELECT \"pg_advisory_lock(1)\" FROM t"),
        sql(POOLED, "SELECT \"a\"\"b; SET x = 1\" FROM t"),
        sql(POOLED, "SELECT \"pg_advisory_lock\" FROM locks"),
        sql(POOLED, "SELECT \"PG_ADVISORY_LOCK\"(1)"),
        sql(POOLED, "SELECT \"concurrently\" FROM t"),
        sql(POOLED, "SELECT x FROM \"Set\""),
        sql(POOLED, "SELECT $$ LISTEN x $$"),
        sql(POOLED, "SELECT $$;LISTEN x$$"),
        sql(POOLED, "SELECT $tag$ it's $$ nested; LISTEN x $tag$"),
        sql(POOLED, "SELECT $a$ $b$ ; $a$, 1"),
        sql(POOLED, "SELECT $tag$ body $TAG$ ; LISTEN x $tag$"),
        sql(POOLED, "SELECT $_1$ pg_advisory_lock(1) $_1$"),
        sql(POOLED, "SELECT $ü$ LISTEN x $ü$"),
        sql(POOLED, "UPDATE t SET sql = $q$DISCARD ALL$q$"),
        sql(POOLED, "DO $do$ BEGIN PERFORM pg_advisory_lock(1); END $do$"),
        sql(POOLED, "SELECT 1 -- LISTEN x"),
        sql(POOLED, "SELECT 1 -- pg_advisory_lock(1)\n FROM t"),
        sql(POOLED, "SELECT 1 -- ; LISTEN x"),
        sql(POOLED, "SELECT 1 -- \r LISTEN x"),
        sql(POOLED, "-- LISTEN x\nSELECT 1"),
        sql(POOLED, "SELECT 1 /* LISTEN x; SET y = 1 */"),
        sql(POOLED, "SELECT 1 /* outer /* inner */ still a comment; LISTEN x */"),
        sql(POOLED, "/* CREATE TABLE t */ SELECT 1"),
        sql(POOLED, "SELECT 1 -- concurrently"),
        sql(POOLED, "SELECT concurrently_flag, concurrently1 FROM t"),
        sql(POOLED, "SELECT my_pg_advisory_lock(1)"),
        sql(POOLED, "SELECT pg_advisory_lock_v2(1)"),
        sql(POOLED, "SELECT pg_advisory_lock FROM t"),
        sql(POOLED, "SELECT set_configure('a')"),
        sql(POOLED, "SELECT a$b, x$1, pg_advisory_lock$ (1) FROM t"),
        sql(POOLED, "SELECT $1::text, ?::int, 'x'"),
        sql(POOLED, "SELECT 'héllo', naïve_col, données FROM t"),
        sql(POOLED, "SELECT 1.5e10, 0x1F, 1_000, .5 FROM t"),
        sql(POOLED, "SELECT 'unterminated; LISTEN x"),
        sql(POOLED, "SELECT \"unterminated; LISTEN x"),
        sql(POOLED, "SELECT $$unterminated; LISTEN x"),
        sql(POOLED, "SELECT 1 /* unterminated; LISTEN x"));
  }

  static Stream<Arguments> revealedStatements() {
    return Stream.of(
        sql(PIN, "SELECT 'LISTEN'; LISTEN x"),
        sql(PIN, "SELECT E'\\\\'; LISTEN x"),
        sql(PIN, "SELECT 'C:\\'; LISTEN x"),
        sql(SESSION, "SELECT 'it''s'; SET search_path = app"),
        sql(PIN, "SELECT \"a\"\"\"; LISTEN x"),
        sql(PIN, "SELECT $1; LISTEN x"),
        sql(PIN, "SELECT $1$2; LISTEN x"),
        sql(PIN, "SELECT ?; LISTEN x"),
        sql(PIN, "SELECT $a$ x $a$; LISTEN x"),
        sql(PIN, "SELECT $$$$; LISTEN x"),
        sql(PIN, "SELECT 1 /* a /* b */ */; LISTEN x"),
        sql(PIN, "SELECT 1 -- comment\n; LISTEN x"),
        sql(PIN, "SELECT 1 -/ 2; LISTEN x"),
        sql(PIN, "SELECT 'x' -- it's\n; LISTEN x"),
        sql(PIN, "SELECT a-b, c/d FROM t; LISTEN x"),
        sql(SESSION, "SELECT 1 /**/; RESET ALL"),
        sql(PIN, "SELECT \"x\"(1), pg_advisory_lock(1)"),
        sql(DIRECT, "SELECT 'x' ; /* c */ CREATE TABLE t (a int)"),
        sql(DIRECT, "SELECT \"x\" FROM t WHERE y = 'z'; DROP TABLE t"));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("hiddenKeywords")
  void keywordsInsideLiteralsAndCommentsDoNotChangeTheRoute(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("revealedStatements")
  void literalsThatEndEarlyDoNotHideTheNextStatement(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }
}

package dev.neonjdbc.internal.routing;

import static dev.neonjdbc.internal.routing.Route.DIRECT;
import static dev.neonjdbc.internal.routing.SqlClassifierTest.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Statements cut short, as a string builder bug or a half-typed console line sends them. The
 * classifier runs inside {@code execute}, before Postgres sees the text: it must route such a
 * string (Postgres then reports the syntax error), never throw.
 */
class SqlClassifierTruncatedStatementTest {

  static Stream<Arguments> truncatedSearchAndCycleClauses() {
    return Stream.of(
        sql(DIRECT, "WITH RECURSIVE t AS (SELECT 1) SEARCH DEPTH FIRST BY a SET"),
        sql(DIRECT, "WITH RECURSIVE t AS (SELECT 1) SEARCH BREADTH FIRST BY a SET  "),
        sql(DIRECT, "WITH RECURSIVE t AS (SELECT 1) SEARCH DEPTH FIRST BY a SET -- order"),
        sql(DIRECT, "WITH RECURSIVE t AS (SELECT 1) CYCLE a SET looped USING"),
        sql(DIRECT, "WITH RECURSIVE t AS (SELECT 1) CYCLE a SET looped USING /* path */"));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("truncatedSearchAndCycleClauses")
  void searchOrCycleClauseEndingTheStringRoutesDirect(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }

  /** Every prefix of every short statement of the other classifier tests. */
  @Test
  void everyPrefixOfAKnownStatementIsRouted() {
    int prefixes = 0;
    for (String statement : SqlClassifierAllocationTest.corpus()) {
      if (statement == null || statement.length() > 300) {
        continue;
      }
      for (int end = 0; end <= statement.length(); end++) {
        String prefix = statement.substring(0, end);
        assertNotNull(SqlClassifier.classify(prefix), prefix);
        prefixes++;
      }
    }
    assertTrue(prefixes > 10_000, prefixes + " prefixes");
  }
}

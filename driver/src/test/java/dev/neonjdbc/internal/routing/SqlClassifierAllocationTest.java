package dev.neonjdbc.internal.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The classifier runs on every {@code execute}, so it must not add garbage to the application's hot
 * path. HotSpot counts every byte a thread allocates (TLAB included), which makes an exact zero a
 * fair expectation once the corpus is built.
 */
class SqlClassifierAllocationTest {

  @Test
  void classifyAllocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocations");
    threads.setThreadAllocatedMemoryEnabled(true);
    String[] corpus = corpus();
    assertTrue(corpus.length > 300, "corpus has " + corpus.length + " statements");

    // Warm up so that the JIT has compiled classify; the classifier allocates nothing even when
    // interpreted, but class loading and compilation triggered from this thread might.
    int sink = classifyAll(corpus, 200);

    long before = threads.getCurrentThreadAllocatedBytes();
    sink += classifyAll(corpus, 100);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertTrue(sink > 0);
    assertEquals(
        0,
        allocated,
        "bytes allocated by " + (100L * corpus.length) + " calls of SqlClassifier.classify");
  }

  /** Sums the route ordinals, so that no call can be optimized away. */
  private static int classifyAll(String[] corpus, int rounds) {
    int sink = 0;
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < corpus.length; i++) {
        sink += SqlClassifier.classify(corpus[i]).ordinal();
      }
    }
    return sink;
  }

  /** Every statement of the other classifier tests, and a few long and multi-statement strings. */
  static String[] corpus() {
    List<String> corpus = new ArrayList<>();
    Stream.of(
            SqlClassifierTest.pooledStatements(),
            SqlClassifierTest.directStatements(),
            SqlClassifierTest.pinningStatements(),
            SqlClassifierTest.unpinningStatements(),
            SqlClassifierTest.withQueries(),
            SqlClassifierTest.jdbcEscapes(),
            SqlClassifierTest.hints(),
            SqlClassifierTest.multipleStatements(),
            SqlClassifierLexicalTest.hiddenKeywords(),
            SqlClassifierLexicalTest.revealedStatements(),
            SqlClassifierFrameworkTest.hibernate(),
            SqlClassifierFrameworkTest.jooq(),
            SqlClassifierFrameworkTest.flyway(),
            SqlClassifierExecutedEffectsTest.objectsInTheTemporarySchema(),
            SqlClassifierExecutedEffectsTest.objectsElsewhere(),
            SqlClassifierExecutedEffectsTest.explainAnalyze(),
            SqlClassifierExecutedEffectsTest.plainExplain())
        .flatMap(cases -> cases)
        .map(Arguments::get)
        .forEach(arguments -> corpus.add((String) arguments[1]));
    StringBuilder longSelect = new StringBuilder("SELECT * FROM orders WHERE id IN (");
    StringBuilder script = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      longSelect.append(i).append(", ");
      script.append("INSERT INTO t VALUES (").append(i).append(", 'x;y');\n");
    }
    corpus.add(longSelect.append("-1)").toString());
    corpus.add(script.toString());
    corpus.add(script + "LISTEN jobs;");
    corpus.add(null);
    return corpus.toArray(new String[0]);
  }
}

package dev.neonjdbc.datasource;

import static dev.neonjdbc.datasource.Kit.run;
import static dev.neonjdbc.datasource.Kit.scalar;
import static dev.neonjdbc.datasource.Kit.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** close() leaves nothing behind; an exhausted direct pool fails in time. */
@NeonStackTest
class CloseTest {
  private final Kit kit;

  CloseTest(NeonStack stack) {
    this.kit = new Kit(stack);
  }

  @Test
  void closeEndsEveryThreadAndServerSessionEvenOfUnclosedConnections() throws Exception {
    for (String pooling : List.of("auto", "on")) {
      String name = unique("ds_close_" + pooling);
      int clientsBefore = kit.pgbouncerClients();
      Set<Long> threadsBefore = threadIds();
      NeonDataSource dataSource = kit.dataSource(name);
      dataSource.setClientPooling(pooling);
      Connection forgotten = dataSource.getConnection();
      run(forgotten, "LISTEN " + name); // pins a direct session
      try (Connection closed = dataSource.getConnection()) {
        run(closed, "CREATE TABLE " + name + " (id int)");
        run(closed, "DROP TABLE " + name);
      }
      assertEquals(2, kit.directBackends(name));
      assertTrue(kit.pgbouncerClients() > clientsBefore);

      dataSource.close();

      assertEquals(0, Kit.eventually(0, () -> kit.directBackends(name)), pooling);
      assertEquals(clientsBefore, Kit.eventually(clientsBefore, kit::pgbouncerClients), pooling);
      assertEquals(
          0,
          Kit.eventually(0, () -> newThreads(threadsBefore).size()),
          () -> pooling + ": threads left " + newThreads(threadsBefore));
      SQLException afterClose = assertThrows(SQLException.class, dataSource::getConnection);
      assertEquals("08003", afterClose.getSQLState());
      forgotten.close();
    }
  }

  @Test
  void exhaustedDirectPoolFailsWithAClearTimeout() throws SQLException {
    String name = unique("ds_exhausted");
    try (NeonDataSource dataSource = kit.dataSource(name)) {
      dataSource.setDirectPoolMaximumSize(1);
      dataSource.setConnectionTimeout(500);
      try (Connection listener = dataSource.getConnection();
          Connection other = dataSource.getConnection()) {
        run(listener, "LISTEN " + name); // holds the only direct session
        assertEquals("1", scalar(other, "SELECT 1"), "pooled work is unaffected");
        long start = System.nanoTime();
        SQLTransientConnectionException timeout =
            assertThrows(
                SQLTransientConnectionException.class,
                () -> run(other, "CREATE TABLE " + name + " (id int)"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 400 && millis < 5_000, "waited " + millis + " ms");
        assertEquals("08001", timeout.getSQLState());
        assertTrue(timeout.getMessage().contains("direct pool"), timeout.getMessage());
        assertTrue(timeout.getMessage().contains("directPoolMaximumSize"), timeout.getMessage());
        assertEquals("1", scalar(other, "SELECT 1"), "the connection is still usable");
      }
    }
  }

  private static Set<Long> threadIds() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getId)
        .collect(Collectors.toSet());
  }

  private static List<String> newThreads(Set<Long> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && !before.contains(thread.getId()))
        .map(Thread::getName)
        .collect(Collectors.toList());
  }
}

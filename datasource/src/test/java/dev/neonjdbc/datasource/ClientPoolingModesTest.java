package dev.neonjdbc.datasource;

import static dev.neonjdbc.datasource.Kit.endpointOfStatement;
import static dev.neonjdbc.datasource.Kit.run;
import static dev.neonjdbc.datasource.Kit.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** clientPooling=on pools both endpoints; off pools neither. */
@NeonStackTest
class ClientPoolingModesTest {
  private final Kit kit;

  ClientPoolingModesTest(NeonStack stack) {
    this.kit = new Kit(stack);
  }

  @Test
  void onKeepsPooledSessionsInAClientPoolAndReusesThem() throws SQLException {
    String name = unique("ds_on");
    int before = kit.pgbouncerClients();
    try (NeonDataSource dataSource = kit.dataSource(name)) {
      dataSource.setClientPooling("on");
      for (int i = 0; i < 3; i++) {
        try (Connection connection = dataSource.getConnection()) {
          assertEquals("pooled", endpointOfStatement(connection));
          assertEquals(1, dataSource.getPooledPoolMXBean().getActiveConnections());
          run(connection, "CREATE TABLE " + name + "_" + i + " (id int)");
          run(connection, "DROP TABLE " + name + "_" + i);
        }
        assertEquals(0, dataSource.getPooledPoolMXBean().getActiveConnections());
        assertEquals(1, dataSource.getPooledPoolMXBean().getIdleConnections());
      }
      assertEquals(before + 1, kit.pgbouncerClients(), "the idle pooled session stays open");
      NeonDataSourceStats stats = dataSource.stats();
      assertEquals(1, stats.pooledConnects());
      assertEquals(1, stats.directConnects());
      assertEquals(6, stats.directBorrows());
      assertEquals("on", dataSource.getEffectiveClientPooling());
    }
    assertEquals(before, Kit.eventually(before, kit::pgbouncerClients));
  }

  @Test
  void offOpensAndClosesEverySessionAsTheDriverDoes() throws SQLException {
    String name = unique("ds_off");
    try (NeonDataSource dataSource = kit.dataSource(name)) {
      dataSource.setClientPooling("off");
      for (int i = 0; i < 2; i++) {
        try (Connection connection = dataSource.getConnection()) {
          run(connection, "CREATE TABLE " + name + " (id int)");
          assertEquals(1, kit.directBackends(name), "held until the connection closes");
          run(connection, "DROP TABLE " + name);
        }
        assertEquals(0, Kit.eventually(0, () -> kit.directBackends(name)));
      }
      assertNull(dataSource.getDirectPoolMXBean());
      assertNull(dataSource.getPooledPoolMXBean());
      NeonDataSourceStats stats = dataSource.stats();
      assertEquals(2, stats.pooledConnects());
      assertEquals(2, stats.directConnects());
    }
  }

  @Test
  void urlQueryWinsOverTheSetter() throws SQLException {
    String name = unique("ds_url");
    try (NeonDataSource dataSource =
        kit.dataSource(name, kit.stack().neonJdbcUrl() + "&clientPooling=off")) {
      dataSource.setClientPooling("on");
      try (Connection connection = dataSource.getConnection()) {
        assertEquals("pooled", endpointOfStatement(connection));
      }
      assertEquals("off", dataSource.getEffectiveClientPooling());
    }
  }
}

package dev.neonjdbc.datasource;

import static dev.neonjdbc.datasource.Kit.endpointOfStatement;
import static dev.neonjdbc.datasource.Kit.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** clientPooling=auto leaves the pooled endpoint to PgBouncer: one client per connection. */
@NeonStackTest
class PooledEndpointTest {
  private final Kit kit;

  PooledEndpointTest(NeonStack stack) {
    this.kit = new Kit(stack);
  }

  @Test
  void eachLogicalConnectionIsOneClientAtPgBouncerAndClosingItLeaves() throws SQLException {
    String name = unique("ds_clients");
    int before = kit.pgbouncerClients();
    try (NeonDataSource dataSource = kit.dataSource(name)) {
      List<Connection> connections = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          Connection connection = dataSource.getConnection();
          connections.add(connection);
          assertEquals("pooled", endpointOfStatement(connection));
        }
        assertEquals(before + 5, kit.pgbouncerClients());
        assertEquals(0, kit.directBackends(name));
        assertNull(dataSource.getPooledPoolMXBean(), "no client pool on the pooled endpoint");
      } finally {
        for (Connection connection : connections) {
          connection.close();
        }
      }
      assertEquals(before, Kit.eventually(before, kit::pgbouncerClients));
      NeonDataSourceStats stats = dataSource.stats();
      assertEquals(5, stats.pooledConnects());
      assertEquals(0, stats.directConnects());
      assertEquals(5, stats.pooledStatements());
    }
  }
}

package dev.neonjdbc.datasource;

import static dev.neonjdbc.datasource.Kit.run;
import static dev.neonjdbc.datasource.Kit.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

/** Counters through stats() and JMX, HikariCP's MBean for the direct pool. */
@NeonStackTest
class StatsAndJmxTest {
  private final Kit kit;

  StatsAndJmxTest(NeonStack stack) {
    this.kit = new Kit(stack);
  }

  @Test
  void countersShowRoutesConnectsPinsAndRefusals() throws Exception {
    String name = unique("ds_stats");
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName ours = new ObjectName("dev.neonjdbc:type=NeonDataSource,name=\"" + name + "\"");
    ObjectName hikari = new ObjectName("com.zaxxer.hikari:type=Pool (" + name + "-direct)");
    try (NeonDataSource dataSource = kit.dataSource(name)) {
      try (Connection connection = dataSource.getConnection()) {
        run(connection, "SELECT 1");
        run(connection, "CREATE TABLE " + name + " (id int)");
        run(connection, "DROP TABLE " + name);
        connection.setAutoCommit(false);
        run(connection, "SELECT pg_current_xact_id()"); // it has written: it cannot move
        SQLException refused =
            assertThrows(SQLException.class, () -> run(connection, "LISTEN " + name));
        assertEquals("0A000", refused.getSQLState());
        connection.rollback();
        connection.setAutoCommit(true);
        run(connection, "LISTEN " + name);
      }
      NeonDataSourceStats stats = dataSource.stats();
      assertEquals(3, stats.directStatements());
      assertEquals(2, stats.pooledStatements());
      assertEquals(1, stats.pooledConnects());
      assertEquals(1, stats.directConnects());
      assertEquals(1, stats.pins());
      assertEquals(1, stats.refusals());
      assertEquals(3, stats.directBorrows());
      assertTrue(stats.maxDirectBorrowTime().toNanos() > 0);

      assertEquals(3, stats.statements(EndpointKind.DIRECT));
      assertEquals(2, stats.statements(EndpointKind.POOLED));
      assertEquals(1, stats.connects(EndpointKind.DIRECT));
      for (EndpointKind kind : EndpointKind.values()) {
        assertEquals(stats.statements(kind), stats.statements().get(kind), kind.label());
      }

      assertEquals(3L, server.getAttribute(ours, "DirectStatements"));
      assertEquals(2L, server.getAttribute(ours, "PooledStatements"));
      assertEquals(1L, server.getAttribute(ours, "PooledConnects"));
      TabularData byEndpoint = (TabularData) server.getAttribute(ours, "StatementsByEndpoint");
      assertEquals(EndpointKind.values().length, byEndpoint.size());
      assertEquals(3L, byEndpoint.get(new Object[] {"direct"}).get("value"));
      assertEquals(2L, byEndpoint.get(new Object[] {"pooled"}).get("value"));
      TabularData connects = (TabularData) server.getAttribute(ours, "ConnectsByEndpoint");
      assertEquals(1L, connects.get(new Object[] {"direct"}).get("value"));
      assertEquals(1L, server.getAttribute(ours, "Pins"));
      assertEquals("auto", server.getAttribute(ours, "ClientPooling"));
      assertEquals(0, server.getAttribute(hikari, "ActiveConnections"));
    }
    assertFalse(server.isRegistered(ours));
    assertFalse(server.isRegistered(hikari));
  }
}

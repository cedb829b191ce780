package dev.neonjdbc.datasource;

import static dev.neonjdbc.datasource.Kit.run;
import static dev.neonjdbc.datasource.Kit.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.naming.Reference;
import javax.naming.StringRefAddr;
import org.junit.jupiter.api.Test;

/**
 * Pool settings written as text in a JNDI resource (durations with units) reach the HikariCP pools
 * of both endpoints as the model reads them, as HikariCP's own configuration MBean reports.
 */
@NeonStackTest
class PoolSettingsFromTextTest {
  private final NeonStack stack;

  PoolSettingsFromTextTest(NeonStack stack) {
    this.stack = stack;
  }

  @Test
  void jndiTextSettingsReachBothPools() throws Exception {
    String name = unique("ds_text");
    Reference resource =
        new Reference(NeonDataSource.class.getName(), NeonDataSourceFactory.class.getName(), null);
    String[][] attributes = {
      {"auth", "Container"},
      {"url", stack.neonJdbcUrl()},
      {"username", stack.user()},
      {"password", stack.password()},
      {"poolName", name},
      {"ApplicationName", name},
      {"clientPooling", "ON"},
      {"directPoolMaximumSize", "2"},
      {"directPoolIdleTimeout", "PT15S"},
      {"pooledPoolMaximumSize", " 3 "},
      {"pooledPoolIdleTimeout", "20 s"},
      {"connectionTimeout", "2s"},
      {"validationTimeout", "5000"},
      {"maxLifetime", "1 h"},
    };
    for (String[] attribute : attributes) {
      resource.add(new StringRefAddr(attribute[0], attribute[1]));
    }
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try (NeonDataSource dataSource =
        (NeonDataSource)
            new NeonDataSourceFactory().getObjectInstance(resource, null, null, null)) {
      try (Connection connection = dataSource.getConnection()) {
        run(connection, "SELECT 1");
        run(connection, "CREATE TEMP TABLE " + name + " (id int)");
      }
      assertEquals("on", dataSource.getEffectiveClientPooling());
      ObjectName direct = new ObjectName("com.zaxxer.hikari:type=PoolConfig (" + name + "-direct)");
      ObjectName pooled = new ObjectName("com.zaxxer.hikari:type=PoolConfig (" + name + "-pooled)");
      assertEquals(2, server.getAttribute(direct, "MaximumPoolSize"));
      assertEquals(15_000L, server.getAttribute(direct, "IdleTimeout"));
      assertEquals(3, server.getAttribute(pooled, "MaximumPoolSize"));
      assertEquals(20_000L, server.getAttribute(pooled, "IdleTimeout"));
      for (ObjectName pool : new ObjectName[] {direct, pooled}) {
        assertEquals(2_000L, server.getAttribute(pool, "ConnectionTimeout"));
        assertEquals(2_000L, server.getAttribute(pool, "ValidationTimeout"), "at most the wait");
        assertEquals(3_600_000L, server.getAttribute(pool, "MaxLifetime"));
        assertEquals(0, server.getAttribute(pool, "MinimumIdle"));
      }
      for (EndpointKind kind : new EndpointKind[] {EndpointKind.POOLED, EndpointKind.DIRECT}) {
        assertEquals(
            0, dataSource.getPoolMXBean(kind).getActiveConnections(), kind.label() + " given back");
      }
      assertNull(
          dataSource.getPoolMXBean(EndpointKind.REPLICA), "replica sessions are never pooled");
      NeonDataSourceStats stats = dataSource.stats();
      assertEquals(1, stats.connects(EndpointKind.POOLED));
      assertEquals(1, stats.connects(EndpointKind.DIRECT));
    }
  }
}

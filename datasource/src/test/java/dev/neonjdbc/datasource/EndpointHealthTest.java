package dev.neonjdbc.datasource;

import static dev.neonjdbc.datasource.Kit.scalar;
import static dev.neonjdbc.datasource.Kit.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.datasource.EndpointHealth.Check;
import dev.neonjdbc.datasource.EndpointHealth.Status;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ReplicaStack;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NeonDataSource#checkEndpoints}: each endpoint reported on its own, the direct one checked
 * without opening a session when the pool holds none, judged by what PostgreSQL reports.
 */
@NeonStackTest
class EndpointHealthTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final Kit kit;
  private final NeonStack stack;

  EndpointHealthTest(NeonStack stack) {
    this.kit = new Kit(stack);
    this.stack = stack;
  }

  @Test
  void bothEndpointsUpThePooledByQueryTheDirectBySslRequest() {
    try (NeonDataSource dataSource = kit.dataSource(unique("health_up"))) {
      List<EndpointHealth> results = dataSource.checkEndpoints(TIMEOUT);
      assertEquals(2, results.size(), results.toString());
      EndpointHealth pooled = results.get(0);
      assertEquals(EndpointKind.POOLED, pooled.kind());
      assertEquals(Status.UP, pooled.status(), pooled.toString());
      assertEquals(Check.QUERY, pooled.check());
      assertEquals(stack.pooledHost() + ":" + stack.pooledPort(), pooled.address());
      EndpointHealth direct = results.get(1);
      assertEquals(EndpointKind.DIRECT, direct.kind());
      assertEquals(Status.UP, direct.status(), direct.toString());
      assertEquals(Check.SSL_REQUEST, direct.check());
      assertEquals(stack.directHost() + ":" + stack.directPort(), direct.address());
    }
  }

  @Test
  void anIdleDirectSessionIsBorrowedAndValidatedWhenThePoolHoldsOne() throws SQLException {
    try (NeonDataSource dataSource = kit.dataSource(unique("health_idle"))) {
      try (Connection connection = dataSource.getConnection()) {
        scalar(connection, "/* neon:direct */ SELECT 1");
      }
      assertEquals(1, dataSource.getDirectPoolMXBean().getIdleConnections());
      long connects = dataSource.stats().directConnects();
      EndpointHealth direct = dataSource.checkEndpoints(TIMEOUT).get(1);
      assertEquals(Status.UP, direct.status(), direct.toString());
      assertEquals(Check.IDLE_SESSION, direct.check());
      assertEquals(stack.directHost() + ":" + stack.directPort(), direct.address());
      assertEquals(connects, dataSource.stats().directConnects(), "no new direct session");
      assertEquals(1, dataSource.getDirectPoolMXBean().getIdleConnections(), "given back");
    }
  }

  @Test
  void aDirectEndpointThatIsDownIsDownAndThePooledOneStaysUp() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url =
        "jdbc:neon://"
            + stack.pooledHost()
            + ":"
            + stack.pooledPort()
            + "/"
            + stack.database()
            + "?"
            + stack.sslParameters()
            + "&directHost="
            + stack.directHost()
            + "&directPort="
            + closedPort;
    try (NeonDataSource dataSource = kit.dataSource(unique("health_down"), url)) {
      List<EndpointHealth> results = dataSource.checkEndpoints(TIMEOUT);
      EndpointHealth pooled = results.get(0);
      assertEquals(Status.UP, pooled.status(), pooled.toString());
      EndpointHealth direct = results.get(1);
      assertEquals(EndpointKind.DIRECT, direct.kind());
      assertEquals(Status.DOWN, direct.status(), direct.toString());
      assertEquals(stack.directHost() + ":" + closedPort, direct.address());
      assertEquals("08001", direct.sqlState());
      assertTrue(direct.error().contains("Connection refused"), direct.error());
      assertFalse(direct.error().contains(stack.password()));
    }
  }

  @Test
  void aConfiguredReadReplicaIsCheckedOnItsOwn() {
    assumeTrue(stack.replica().isPresent(), stack.replicaUnavailableReason());
    ReplicaStack replica = stack.replica().orElseThrow();
    try (NeonDataSource dataSource = kit.dataSource(unique("health_replica"))) {
      dataSource.setReplicaHosts(replica.pooledAddress());
      List<EndpointHealth> results = dataSource.checkEndpoints(TIMEOUT);
      assertEquals(3, results.size(), results.toString());
      EndpointHealth checked = results.get(2);
      assertEquals(EndpointKind.REPLICA, checked.kind());
      assertEquals(Status.UP, checked.status(), checked.toString());
      assertEquals(replica.pooledHost() + ":" + replica.pooledPort(), checked.address());
    }
  }

  @Test
  void theDirectCheckStartsNoBackendWhenThePoolHoldsNoIdleSession() throws SQLException {
    String name = unique("health_backends");
    try (NeonDataSource dataSource = kit.dataSource(name);
        Connection observer = stack.openSuperuser()) {
      dataSource.checkEndpoints(TIMEOUT); // PgBouncer opens its server connection once
      long sessionsBefore = sessions(observer);
      int backendsBefore = directBackends(observer);
      for (int i = 0; i < 5; i++) {
        EndpointHealth direct = dataSource.checkEndpoints(TIMEOUT).get(1);
        assertEquals(Status.UP, direct.status(), direct.toString());
        assertEquals(Check.SSL_REQUEST, direct.check());
      }
      assertEquals(backendsBefore, directBackends(observer), "direct backends now");
      assertEquals(sessionsBefore, sessions(observer), "sessions established to the database");
      assertEquals(0, dataSource.stats().directConnects());
      assertEquals(0, dataSource.getDirectPoolMXBean().getTotalConnections());
    }
  }

  /** Backends of the application's role that clients opened over TCP (PgBouncer's use a socket). */
  private int directBackends(Connection observer) throws SQLException {
    return Integer.parseInt(
        scalar(
            observer,
            "SELECT count(*) FROM pg_stat_activity WHERE usename = '"
                + stack.user()
                + "' AND client_addr IS NOT NULL"));
  }

  /**
   * {@code pg_stat_database.sessions}: sessions ever established to the database, counted when a
   * backend logs in; a backend that exits has flushed its count.
   */
  private long sessions(Connection observer) throws SQLException {
    scalar(observer, "SELECT pg_stat_clear_snapshot()::text");
    return Long.parseLong(
        scalar(
            observer,
            "SELECT sessions FROM pg_stat_database WHERE datname = '" + stack.database() + "'"));
  }
}

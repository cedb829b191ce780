package dev.neonjdbc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.front.NeonFront;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared stack's streaming read replica, against the real servers. */
@NeonStackTest
class ReplicaStackTest {
  private static final Duration REPLAY_TIMEOUT = Duration.ofSeconds(30);

  private final NeonStack stack;
  private ReplicaStack replica;
  private String table;

  ReplicaStackTest(NeonStack stack) {
    this.stack = stack;
  }

  @BeforeEach
  void replica() {
    replica = stack.replica().orElse(null);
    assumeTrue(replica != null, stack.replicaUnavailableReason());
    table = "replica_probe_" + Long.toUnsignedString(System.nanoTime(), 36);
  }

  @AfterEach
  void dropTable() throws SQLException {
    if (replica != null) {
      replica.start(); // a test that took it down leaves it running
      try (Connection primary = stack.openDirect()) {
        execute(primary, "DROP TABLE IF EXISTS " + table);
      }
    }
  }

  @Test
  void bothReplicaEndpointsAreInRecoveryAndThePrimaryIsNot() throws SQLException {
    try (Connection pooled = replica.openPooled();
        Connection direct = replica.openDirect();
        Connection primary = stack.openDirect()) {
      assertEquals("t", scalar(pooled, "SELECT pg_is_in_recovery()"));
      assertEquals("t", scalar(direct, "SELECT pg_is_in_recovery()"));
      assertTrue(stack.servedByReplica(pooled));
      assertTrue(stack.servedByReplica(direct));
      assertFalse(stack.servedByReplica(primary));
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(pooled));
      assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(direct));
      assertEquals(stack.database(), scalar(pooled, "SELECT current_database()"));
      assertEquals(stack.user(), scalar(direct, "SELECT current_user"));
      assertEquals("t", scalar(direct, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    }
  }

  @Test
  void thePrimaryStreamsToTheReplicaThroughAPhysicalSlot() throws SQLException {
    try (Connection primary = stack.openDirect()) {
      execute(primary, "CREATE TABLE " + table + " (id int)");
    }
    replica.awaitReplay(REPLAY_TIMEOUT);
    try (Connection superuser = stack.openSuperuser()) {
      assertEquals("streaming", scalar(superuser, "SELECT state FROM pg_stat_replication"));
      assertEquals(
          "t",
          scalar(
              superuser, "SELECT active FROM pg_replication_slots WHERE slot_type = 'physical'"));
    }
  }

  @Test
  void aRowCommittedOnThePrimaryIsVisibleOnBothReplicaEndpointsAfterReplay() throws SQLException {
    try (Connection primary = stack.openDirect()) {
      execute(primary, "CREATE TABLE " + table + " (id int PRIMARY KEY, note text)");
      execute(primary, "INSERT INTO " + table + " VALUES (1, 'written on the primary')");
    }
    String lsn = replica.awaitReplay(REPLAY_TIMEOUT);
    assertTrue(lsn.matches("[0-9A-F]+/[0-9A-F]+"), lsn);
    try (Connection pooled = replica.openPooled();
        Connection direct = replica.openDirect()) {
      assertEquals("written on the primary", scalar(pooled, "SELECT note FROM " + table));
      assertEquals("written on the primary", scalar(direct, "SELECT note FROM " + table));
      assertEquals("t", scalar(direct, "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn"));
    }
  }

  @Test
  void writesOnEitherReplicaEndpointFailWithReadOnlySqlState() throws SQLException {
    try (Connection primary = stack.openDirect()) {
      execute(primary, "CREATE TABLE " + table + " (id int PRIMARY KEY)");
    }
    replica.awaitReplay(REPLAY_TIMEOUT);
    try (Connection pooled = replica.openPooled();
        Connection direct = replica.openDirect()) {
      for (Connection connection : List.of(pooled, direct)) {
        SQLException insert =
            assertThrows(
                SQLException.class,
                () -> execute(connection, "INSERT INTO " + table + " VALUES (1)"));
        assertEquals("25006", insert.getSQLState(), insert.getMessage());
        SQLException create =
            assertThrows(
                SQLException.class,
                () -> execute(connection, "CREATE TABLE " + table + "_other (id int)"));
        assertEquals("25006", create.getSQLState(), create.getMessage());
      }
    }
  }

  @Test
  void aStoppedReplicaRefusesConnectionsAndCatchesUpWhenStartedAgain() throws SQLException {
    int pooledPort = replica.pooledPort();
    int directPort = replica.directPort();
    try (Connection primary = stack.openDirect()) {
      execute(primary, "CREATE TABLE " + table + " (id int PRIMARY KEY)");
    }
    replica.awaitReplay(REPLAY_TIMEOUT);
    try (Connection open = replica.openDirect()) {
      replica.stop();
      assertFalse(replica.isRunning());
      SQLException cut = assertThrows(SQLException.class, () -> scalar(open, "SELECT 1"));
      assertTrue(
          cut.getSQLState().startsWith("08") || cut.getSQLState().startsWith("57"), cut::toString);
    }
    SQLException pooledRefused = assertThrows(SQLException.class, replica::openPooled);
    assertEquals("08001", pooledRefused.getSQLState(), pooledRefused.getMessage());
    SQLException directRefused = assertThrows(SQLException.class, replica::openDirect);
    assertEquals("08001", directRefused.getSQLState(), directRefused.getMessage());
    assertThrows(NeonStackException.class, () -> replica.awaitReplay(REPLAY_TIMEOUT));

    try (Connection primary = stack.openDirect()) {
      execute(primary, "INSERT INTO " + table + " VALUES (42)");
    }
    replica.start();
    assertTrue(replica.isRunning());
    assertEquals(pooledPort, replica.pooledPort());
    assertEquals(directPort, replica.directPort());
    replica.awaitReplay(REPLAY_TIMEOUT);
    try (Connection pooled = replica.openPooled()) {
      assertEquals("42", scalar(pooled, "SELECT id FROM " + table));
      assertTrue(stack.servedByReplica(pooled));
    }
  }

  @Test
  void theFrontRoutesTheReplicasNeonHostNamesToTheReplica() throws SQLException {
    NeonFront front = stack.neonFront().orElse(null);
    assumeTrue(front != null, "no Neon front runs");
    assertEquals(
        "ep-neonkit-replica-654321-pooler.local.aws.neon.tech",
        replica.frontPooledHostName().orElseThrow());
    assertEquals(
        "ep-neonkit-replica-654321.local.aws.neon.tech",
        replica.frontDirectHostName().orElseThrow());
    long logins = front.logins("tls");
    try (Connection pooled = connect(replica.frontPooledJdbcUrl().orElseThrow());
        Connection direct = connect(replica.frontDirectJdbcUrl().orElseThrow());
        Connection primary = connect(stack.frontDirectJdbcUrl().orElseThrow());
        Connection reference = replica.openDirect()) {
      assertTrue(stack.servedByReplica(pooled));
      assertTrue(stack.servedByReplica(direct));
      assertFalse(stack.servedByReplica(primary));
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(pooled));
      assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(direct));
      assertEquals(
          scalar(reference, "SELECT inet_server_port()"),
          scalar(direct, "SELECT inet_server_port()"));
    }
    assertEquals(logins + 3, front.logins("tls"));
  }

  @Test
  void theEnvironmentNamesBothReplicaEndpoints() throws SQLException {
    Map<String, String> env = replica.environment();
    assertEquals(replica.pooledHost() + ":" + replica.pooledPort(), env.get("NEON_REPLICA_POOLED"));
    assertEquals(replica.directHost() + ":" + replica.directPort(), env.get("NEON_REPLICA_DIRECT"));
    assertEquals(Integer.toString(replica.pooledPort()), env.get("REPLICA_PGPORT"));
    assertEquals(Integer.toString(replica.directPort()), env.get("REPLICA_PGPORT_UNPOOLED"));
    assertTrue(
        env.get("REPLICA_DATABASE_URL").contains("@" + env.get("NEON_REPLICA_POOLED") + "/"),
        "REPLICA_DATABASE_URL names the pooled endpoint");
    assertEquals(
        stack.neonFront().isPresent() ? replica.frontPooledHostName().orElseThrow() : null,
        env.get("NEON_REPLICA_HOST"));
    String url =
        "jdbc:postgresql://"
            + env.get("NEON_REPLICA_DIRECT")
            + "/"
            + stack.database()
            + "?"
            + stack.sslParameters();
    assertEquals(replica.directJdbcUrl(), url);
    try (Connection direct = DriverManager.getConnection(url, stack.credentials())) {
      assertTrue(stack.servedByReplica(direct));
    }
  }

  private Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, stack.credentials());
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }
}

package dev.neonjdbc.replica;

import static dev.neonjdbc.replica.ReplicaFixture.deadPort;
import static dev.neonjdbc.replica.ReplicaFixture.downWarnings;
import static dev.neonjdbc.replica.ReplicaFixture.logged;
import static dev.neonjdbc.replica.ReplicaFixture.run;
import static dev.neonjdbc.replica.ReplicaFixture.scalar;
import static dev.neonjdbc.replica.ReplicaFixture.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.Driver;
import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.TestDrivers;
import dev.neonjdbc.internal.config.Environment;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Replicas that do not answer, several replicas, the environment, bad values: on the kit's primary
 * and streaming replica.
 */
@NeonStackTest
class ReplicaAvailabilityTest {
  private final ReplicaFixture kit;

  ReplicaAvailabilityTest(NeonStack stack) {
    this.kit = new ReplicaFixture(stack);
  }

  @Test
  void aReplicaThatRefusesIsSkippedWithOneWarnAndWritesStillFail25006() throws Exception {
    String url = kit.url("127.0.0.1:" + deadPort(), "");
    String table = unique("replica_down");
    String log =
        logged(
            () -> {
              for (int i = 0; i < 3; i++) {
                try (Connection connection = kit.connect(url)) {
                  connection.setReadOnly(true);
                  assertFalse(kit.onReplica(connection), "fell back to the primary");
                  assertEquals("on", scalar(connection, "SHOW transaction_read_only"));
                  SQLException write =
                      assertThrows(
                          SQLException.class,
                          () -> run(connection, "CREATE TABLE " + table + " (id int)"));
                  assertEquals("25006", write.getSQLState(), write.getMessage());
                  connection.setAutoCommit(false);
                  SQLException inTransaction =
                      assertThrows(
                          SQLException.class,
                          () ->
                              run(
                                  connection,
                                  "SELECT pg_advisory_xact_lock(1); CREATE TABLE "
                                      + table
                                      + " (id int)"));
                  assertEquals("25006", inTransaction.getSQLState(), inTransaction.getMessage());
                  connection.rollback();
                }
              }
            });
    assertEquals(1, downWarnings(log), "one WARN per replica per down period:\n" + log);
  }

  @Test
  void aReplicaGoingDownMidRunSendsWorkToThePrimaryAndIsUsedAgainAfterItsDownPeriod()
      throws Exception {
    String url =
        kit.stack.neonJdbcUrl()
            + "&replicaHosts="
            + kit.replica.pooledAddress()
            + "&replicaDownFor=2&replicaReadAfterWrite="
            + (3000 + System.nanoTime() % 1000); // a replica state of this test's own
    try (Connection held = kit.connect(url)) {
      held.setReadOnly(true);
      assertTrue(kit.onReplica(held), "before: the replica");
      String log;
      try {
        log =
            logged(
                () -> {
                  kit.replica.stop();
                  // The statement running on the replica when it went away fails...
                  assertThrows(SQLException.class, () -> kit.onReplica(held));
                  // ...and the connection goes on, on the primary.
                  assertFalse(kit.onReplica(held), "the held connection continues on the primary");
                  for (int i = 0; i < 3; i++) {
                    try (Connection connection = kit.connect(url)) {
                      connection.setReadOnly(true);
                      assertFalse(kit.onReplica(connection), "new connections: the primary");
                    }
                  }
                });
      } finally {
        kit.replica.start();
      }
      assertEquals(1, downWarnings(log), "WARN once:\n" + log);
      Thread.sleep(2100); // the down period ends
      try (Connection connection = kit.connect(url)) {
        connection.setReadOnly(true);
        assertTrue(kit.onReplica(connection), "after start() and the down period: the replica");
      }
      assertTrue(kit.onReplica(held), "the held connection too");
    }
  }

  @Test
  void connectionsSpreadOverTwoReplicasAndSkipOneThatIsDown() throws Exception {
    // The kit runs one replica: it serves here under two names (localhost and 127.0.0.1, both in
    // its certificate); which one a connection took is what its pgJDBC session says it reached.
    int port = kit.replica.pooledPort();
    String url = kit.url("127.0.0.1:" + port + ",localhost:" + port, "");
    Set<String> reached = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      try (Connection connection = kit.connect(url)) {
        connection.setReadOnly(true);
        assertTrue(kit.onReplica(connection));
        reached.add(replicaUrl(connection));
      }
    }
    assertEquals(2, reached.size(), "both names took turns: " + reached);

    String withOneDown = kit.url("127.0.0.1:" + deadPort() + ",localhost:" + port, "");
    logged(
        () -> {
          for (int i = 0; i < 4; i++) {
            try (Connection connection = kit.connect(withOneDown)) {
              connection.setReadOnly(true);
              boolean onReplica = kit.onReplica(connection);
              // The first connection to try the dead one falls back once; after that it is skipped.
              if (i > 0) {
                assertTrue(onReplica, "the replica that is up takes the work");
                assertTrue(replicaUrl(connection).contains("localhost"));
              }
            }
          }
        });
  }

  private static String replicaUrl(Connection connection) throws SQLException {
    return connection
        .unwrap(NeonConnection.class)
        .session(EndpointKind.REPLICA)
        .orElseThrow()
        .getMetaData()
        .getURL();
  }

  @Test
  void theBareUrlReadsDatabaseUrlReplicaFromTheEnvironment() throws Exception {
    Map<String, String> variables = new HashMap<>(kit.stack.environment());
    variables.put("DATABASE_URL_REPLICA", kit.replica.environment().get("REPLICA_DATABASE_URL"));
    Driver driver = TestDrivers.withEnvironment(Environment.of(variables));
    try (Connection connection =
        driver.connect("jdbc:neon:?replicaDownFor=" + (2000 + System.nanoTime() % 1000), null)) {
      assertFalse(kit.onReplica(connection));
      connection.setReadOnly(true);
      assertTrue(kit.onReplica(connection), "DATABASE_URL_REPLICA's replica");
    }
  }

  @Test
  void badReplicaValuesFailWith22023AndAMaskedPassword() {
    Properties credentials = kit.stack.credentials();
    for (String bad :
        new String[] {
          "replicaHosts=a.internal:0", "replicaReadAfterWrite=x", "replicaDownFor=-1"
        }) {
      SQLException e =
          assertThrows(
              SQLException.class,
              () ->
                  new Driver()
                      .connect(
                          kit.stack.neonJdbcUrl()
                              + "&password="
                              + credentials.getProperty("password")
                              + "&"
                              + bad,
                          credentials));
      assertEquals("22023", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains(bad.substring(0, bad.indexOf('='))), e.getMessage());
      assertFalse(e.getMessage().contains(credentials.getProperty("password")), e.getMessage());
    }
  }
}

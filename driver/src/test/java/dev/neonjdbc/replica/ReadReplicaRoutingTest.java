package dev.neonjdbc.replica;

import static dev.neonjdbc.replica.ReplicaFixture.run;
import static dev.neonjdbc.replica.ReplicaFixture.scalar;
import static dev.neonjdbc.replica.ReplicaFixture.serverIdentity;
import static dev.neonjdbc.replica.ReplicaFixture.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Read-only connections and hinted statements on the kit's streaming replica, writes refused with
 * 25006, and read-your-writes; judged by what the servers say ({@code pg_is_in_recovery()}, the
 * start time of the postmaster that ran the query, and the kit's pooled/direct answer).
 */
@NeonStackTest
class ReadReplicaRoutingTest {
  private final ReplicaFixture kit;

  ReadReplicaRoutingTest(NeonStack stack) {
    this.kit = new ReplicaFixture(stack);
  }

  @Test
  void readOnlyConnectionRunsOnTheReplicasPooledEndpointAndBackOnThePrimary() throws Exception {
    try (Connection connection = kit.connect(kit.url(""))) {
      assertFalse(kit.onReplica(connection), "not read-only: the primary");
      connection.setReadOnly(true);
      assertTrue(kit.onReplica(connection), "auto-commit statement of a read-only connection");
      assertEquals(kit.replicaIdentity(), serverIdentity(connection), "the kit's replica compute");
      assertEquals(ServerEndpoint.POOLED, kit.stack.endpointOf(connection), "its pooled endpoint");

      connection.setAutoCommit(false);
      assertTrue(kit.onReplica(connection), "a read-only transaction");
      assertEquals("on", scalar(connection, "SHOW transaction_read_only"));
      assertEquals(kit.replicaIdentity(), serverIdentity(connection), "the same transaction");
      connection.commit();

      connection.setReadOnly(false);
      assertFalse(kit.onReplica(connection), "setReadOnly(false): the primary again");
      assertEquals(kit.primaryIdentity(), serverIdentity(connection), "the primary");
      assertEquals(ServerEndpoint.POOLED, kit.stack.endpointOf(connection));
      connection.commit();
    }
  }

  @Test
  void withoutReplicasReadOnlyWorkStaysOnThePrimary() throws Exception {
    try (Connection connection = kit.connect(kit.stack.neonJdbcUrl())) {
      connection.setReadOnly(true);
      assertFalse(kit.onReplica(connection));
      assertEquals(ServerEndpoint.POOLED, kit.stack.endpointOf(connection));
    }
  }

  @Test
  void theHintSendsAStatementOrATransactionToTheReplica() throws Exception {
    String hinted = "/* neon:replica */ SELECT pg_is_in_recovery()";
    try (Connection connection = kit.connect(kit.url(""))) {
      assertEquals("t", scalar(connection, hinted), "a hinted auto-commit statement");
      assertEquals("f", scalar(connection, "SELECT pg_is_in_recovery()"), "the next one is not");

      connection.setAutoCommit(false);
      assertEquals("t", scalar(connection, hinted), "a hinted first statement of a transaction");
      assertTrue(kit.onReplica(connection), "takes the whole transaction to the replica");
      connection.commit();

      assertFalse(kit.onReplica(connection), "a transaction begun on the primary");
      assertEquals("f", scalar(connection, hinted), "inside it, the hint is ignored");
      connection.commit();
    }
  }

  @Test
  void writesOnAReadOnlyConnectionFailWith25006() throws Exception {
    String table = unique("replica_writes");
    try (Connection writer = kit.connect(kit.url(""));
        Connection reader = kit.connect(kit.url(""))) {
      run(writer, "CREATE TABLE " + table + " (id int)");
      kit.awaitReplay();
      reader.setReadOnly(true);
      SQLException autoCommit =
          assertThrows(
              SQLException.class, () -> run(reader, "INSERT INTO " + table + " VALUES (1)"));
      assertEquals("25006", autoCommit.getSQLState(), autoCommit.getMessage());
      SQLException ddl =
          assertThrows(SQLException.class, () -> run(reader, "CREATE TABLE " + table + "_x ()"));
      assertEquals("25006", ddl.getSQLState(), "DDL goes to direct, READ ONLY: " + ddl);

      reader.setAutoCommit(false);
      SQLException inTransaction =
          assertThrows(SQLException.class, () -> run(reader, "UPDATE " + table + " SET id = 2"));
      assertEquals("25006", inTransaction.getSQLState(), inTransaction.getMessage());
      reader.rollback();
      reader.setAutoCommit(true);
      assertEquals("0", scalar(writer, "SELECT count(*) FROM " + table), "nothing was written");
      assertFalse(kit.onReplica(writer));
      run(writer, "DROP TABLE " + table);
    }
  }

  @Test
  void aThreadReadsItsOwnWritesOnThePrimaryDuringTheWindowThenOnTheReplica() throws Exception {
    String table = unique("replica_ryw");
    String url = kit.url("replicaReadAfterWrite=1500");
    try (Connection writer = kit.connect(url);
        Connection reader = kit.connect(url)) {
      run(writer, "CREATE TABLE " + table + " (id int)");
      Thread.sleep(1600); // past the DDL's window
      kit.awaitReplay();
      reader.setReadOnly(true);
      assertTrue(kit.onReplica(reader), "no write in the window: the replica");

      run(writer, "INSERT INTO " + table + " VALUES (1)");
      long wrote = System.nanoTime();
      // Another logical connection of the same thread, read-only: the primary, READ ONLY.
      assertFalse(kit.onReplica(reader), "inside the window: the primary");
      assertEquals("1", scalar(reader, "SELECT count(*) FROM " + table), "it sees its write");
      assertEquals(ServerEndpoint.POOLED, kit.stack.endpointOf(reader));
      SQLException write =
          assertThrows(
              SQLException.class, () -> run(reader, "INSERT INTO " + table + " VALUES (2)"));
      assertEquals("25006", write.getSQLState(), "still READ ONLY on the primary");

      AtomicBoolean otherThreadOnReplica = new AtomicBoolean();
      Thread other =
          new Thread(
              () -> {
                try (Connection another = kit.connect(url)) {
                  another.setReadOnly(true);
                  otherThreadOnReplica.set(kit.onReplica(another));
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      other.start();
      other.join();
      assertTrue(otherThreadOnReplica.get(), "another thread did not write: the replica");
      assertTrue(
          System.nanoTime() - wrote < 1_500_000_000L,
          "the checks above ran inside the window (the machine was too slow for this test)");

      Thread.sleep(1600);
      kit.awaitReplay();
      assertTrue(kit.onReplica(reader), "after the window: the replica");
      assertEquals("1", scalar(reader, "SELECT count(*) FROM " + table), "replayed there");

      assertEquals("1", scalar(writer, "SELECT count(*) FROM " + table), "a plain read");
      assertTrue(kit.onReplica(reader), "a plain read on the primary opens no window");
      run(writer, "DROP TABLE " + table);
    }
  }

  @Test
  void endpointForSaysReplicaAndAReplicaTransactionRefusesSessionState() throws Exception {
    try (Connection connection = kit.connect(kit.url(""))) {
      NeonConnection neon = connection.unwrap(NeonConnection.class);
      assertEquals(EndpointKind.POOLED, neon.endpointFor("SELECT 1"));
      connection.setReadOnly(true);
      assertEquals(EndpointKind.REPLICA, neon.endpointFor("SELECT 1"));
      assertEquals(EndpointKind.DIRECT, neon.endpointFor("CREATE TABLE t ()"));

      connection.setAutoCommit(false);
      assertTrue(kit.onReplica(connection));
      SQLException refused =
          assertThrows(SQLException.class, () -> run(connection, "SET search_path TO public"));
      assertEquals("0A000", refused.getSQLState(), refused.getMessage());
      assertTrue(kit.onReplica(connection), "the transaction goes on");
      connection.commit();

      connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      assertFalse(kit.onReplica(connection), "a standby refuses SERIALIZABLE: the primary");
      assertEquals("on", scalar(connection, "SHOW transaction_read_only"));
      connection.commit();
    }
  }

  @Test
  void aPreparedStatementFollowsTheConnectionBetweenReplicaAndPrimary() throws Exception {
    try (Connection connection = kit.connect(kit.url(""));
        PreparedStatement query =
            connection.prepareStatement("SELECT pg_is_in_recovery(), ?::int + 1")) {
      connection.setReadOnly(true);
      for (int i = 0; i < 6; i++) { // past pgJDBC's prepareThreshold: server-side statements too
        query.setInt(1, i);
        try (ResultSet rs = query.executeQuery()) {
          rs.next();
          assertTrue(rs.getBoolean(1), "read-only: the replica");
          assertEquals(i + 1, rs.getInt(2));
        }
      }
      connection.setReadOnly(false);
      query.setInt(1, 41);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        assertFalse(rs.getBoolean(1), "the same statement on the primary");
        assertEquals(42, rs.getInt(2));
      }
    }
  }
}

package dev.neonjdbc.testkit.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.NeonStacks;
import dev.neonjdbc.testkit.ReplicaStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A stack of its own (not the JVM's shared one), so that what starts it is known: starting a stack,
 * as every test that does not ask for a replica does, starts no replica; the first {@code
 * replica()} starts one; stopping the stack stops and removes it.
 */
class ReplicaOnDemandTest {

  @Test
  void aReplicaStartsOnlyWhenAskedForAndStopsWithItsStack() throws Exception {
    assumeTrue("local".equals(NeonStacks.chooseProvider()), "the local provider is not used");
    Path logs = Files.createDirectories(Path.of("target", "replica-on-demand").toAbsolutePath());
    LocalNeonStack stack = LocalNeonStack.start(Files.createTempDirectory(logs, "stack-"));
    ReplicaStack replica;
    try {
      try (Connection superuser = stack.openSuperuser()) {
        assertEquals("0", scalar(superuser, "SELECT count(*) FROM pg_stat_replication"));
        assertEquals("0", scalar(superuser, "SELECT count(*) FROM pg_replication_slots"));
      }
      assertFalse(Files.exists(stack.stackDirectory().resolve(LocalReplica.DIRECTORY)));
      assertFalse(Files.exists(stack.logDirectory().resolve("replica.txt")));

      replica = stack.replica().orElseThrow();
      assertSame(replica, stack.replica().orElseThrow(), "one replica per stack");
      assertTrue(replica.startupTime().toMillis() > 0);
      try (Connection superuser = stack.openSuperuser()) {
        assertEquals(
            LocalReplica.SLOT + " streaming",
            scalar(superuser, "SELECT application_name || ' ' || state FROM pg_stat_replication"));
      }
      assertTrue(Files.exists(stack.logDirectory().resolve("replica.txt")));
    } finally {
      stack.stop();
    }
    assertFalse(FreePorts.accepts(replica.pooledPort()), "the replica's PgBouncer still listens");
    assertFalse(FreePorts.accepts(replica.directPort()), "the replica's PostgreSQL still listens");
    assertFalse(Files.exists(stack.stackDirectory()), "the stack directory is left behind");
    assertTrue(Files.size(stack.logDirectory().resolve("replica-postgresql.log")) > 0);
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }
}

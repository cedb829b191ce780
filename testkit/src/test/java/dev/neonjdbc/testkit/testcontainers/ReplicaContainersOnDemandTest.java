package dev.neonjdbc.testkit.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.neonjdbc.testkit.NeonStacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A container stack of its own (not the JVM's shared one): starting it starts no replica; the first
 * {@code replica()} starts the standby and PgBouncer containers; stopping the stack removes them.
 */
class ReplicaContainersOnDemandTest {

  @Test
  void replicaContainersStartOnlyWhenAskedForAndGoWithTheirStack() throws Exception {
    assumeTrue(
        "testcontainers".equals(NeonStacks.chooseProvider()), "the container provider is not used");
    Path logs = Files.createDirectories(Path.of("target", "replica-on-demand").toAbsolutePath());
    ContainerNeonStack stack = ContainerNeonStack.start(Files.createTempDirectory(logs, "tc-"));
    String[] replicaContainers;
    try {
      try (Connection superuser = stack.openSuperuser()) {
        assertEquals("0", scalar(superuser, "SELECT count(*) FROM pg_stat_replication"));
        assertEquals("0", scalar(superuser, "SELECT count(*) FROM pg_replication_slots"));
      }
      assertFalse(Files.exists(stack.logDirectory().resolve("replica.txt")));

      ContainerReplica replica = (ContainerReplica) stack.replica().orElseThrow();
      assertSame(replica, stack.replica().orElseThrow(), "one replica per stack");
      replicaContainers = replica.containerIds();
      try (Connection superuser = stack.openSuperuser()) {
        assertEquals(
            ContainerReplica.SLOT + " streaming",
            scalar(superuser, "SELECT application_name || ' ' || state FROM pg_stat_replication"));
      }
      try (Connection pooled = replica.openPooled()) {
        assertTrue(stack.servedByReplica(pooled));
      }
    } finally {
      stack.stop();
    }
    DockerClient docker = Docker.client();
    for (String container : replicaContainers) {
      assertFalse(exists(docker, container), "replica container " + container + " is left");
    }
  }

  private static boolean exists(DockerClient docker, String container) {
    try {
      docker.inspectContainerCmd(container).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
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

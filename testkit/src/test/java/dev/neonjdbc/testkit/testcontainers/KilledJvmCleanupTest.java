package dev.neonjdbc.testkit.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.neonjdbc.testkit.NeonStacks;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A test JVM killed with SIGKILL runs no shutdown hook: its containers and network stay behind
 * until the kit's reaper, which every container stack runs before it starts, removes them. The
 * resources of a JVM that is still alive (this one's) are left alone.
 */
class KilledJvmCleanupTest {

  @Test
  void reaperRemovesContainersAndNetworkOfAKilledJvm() throws Exception {
    assumeTrue(
        "testcontainers".equals(NeonStacks.chooseProvider()), "the container provider is not used");
    DockerClient docker = Docker.client();
    Path logs = Path.of("target", "killed-jvm-" + System.nanoTime()).toAbsolutePath();
    Files.createDirectories(logs);
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                AbandonedStackMain.class.getName(),
                logs.resolve("stack").toString())
            .redirectError(logs.resolve("child.stderr.log").toFile())
            .start();
    String[] ids;
    try {
      ids = awaitStarted(child, logs);
      assertTrue(child.isAlive());
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    }
    String postgres = ids[1];
    String pgbouncer = ids[2];
    String network = ids[3];
    assertTrue(running(docker, postgres), "the killed JVM's PostgreSQL is still running");
    assertTrue(running(docker, pgbouncer), "the killed JVM's PgBouncer is still running");
    assertEquals(
        Long.toString(child.pid()),
        docker
            .inspectContainerCmd(postgres)
            .exec()
            .getConfig()
            .getLabels()
            .get(ContainerReaper.PID_LABEL));

    List<String> removed = ContainerReaper.reapAbandoned(docker);

    assertFalse(exists(docker, postgres), "removed: " + removed);
    assertFalse(exists(docker, pgbouncer), "removed: " + removed);
    assertFalse(networkExists(docker, network), "removed: " + removed);
    // What a live JVM owns stays: the reaper only takes what dead owners left.
    for (var container :
        docker
            .listContainersCmd()
            .withLabelFilter(
                Map.of(ContainerReaper.PID_LABEL, Long.toString(ProcessHandle.current().pid())))
            .exec()) {
      assertTrue(running(docker, container.getId()), container.getId());
    }
  }

  private static String[] awaitStarted(Process child, Path logs) throws Exception {
    CompletableFuture<String> started =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.startsWith("STARTED ")) {
                    return line;
                  }
                }
                return null;
              } catch (java.io.IOException e) {
                return null;
              }
            });
    String line = started.get(3, TimeUnit.MINUTES);
    assertNotNull(line, "the child JVM did not start its stack; see " + logs);
    return line.split(" ");
  }

  private static boolean exists(DockerClient docker, String container) {
    try {
      docker.inspectContainerCmd(container).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static boolean running(DockerClient docker, String container) {
    return Boolean.TRUE.equals(
        docker.inspectContainerCmd(container).exec().getState().getRunning());
  }

  private static boolean networkExists(DockerClient docker, String network) {
    try {
      docker.inspectNetworkCmd().withNetworkId(network).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }
}

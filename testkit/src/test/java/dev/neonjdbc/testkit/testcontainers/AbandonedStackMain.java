package dev.neonjdbc.testkit.testcontainers;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test JVM that starts a container stack and waits to be killed: {@link KilledJvmCleanupTest}
 * runs it and kills it with SIGKILL, so that no shutdown hook runs. It also halts when its parent
 * JVM ends.
 */
public final class AbandonedStackMain {
  private AbandonedStackMain() {}

  /**
   * Starts the stack with logs under {@code args[0]}, prints {@code STARTED postgresId pgbouncerId
   * networkId}, then sleeps.
   */
  public static void main(String[] args) throws Exception {
    // Should the test JVM die before it kills this one, do not outlive it (halt runs no hooks,
    // which leaves the containers to the reaper as a kill would).
    ProcessHandle.current()
        .parent()
        .ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    Path logDirectory = Files.createDirectories(Path.of(args[0]));
    ContainerNeonStack stack = ContainerNeonStack.start(logDirectory);
    System.out.println(
        "STARTED "
            + stack.postgresContainerId()
            + " "
            + stack.pgbouncerContainerId()
            + " "
            + stack.networkId());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}

package dev.neonjdbc.testkit.testcontainers;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test JVM that starts a container stack and waits to be killed: {@link KilledJvmCleanupTest}
 * runs it and kills it with SIGKILL, so that no shutdown hook runs.
 */
public final class AbandonedStackMain {
  private AbandonedStackMain() {}

  /**
   * Starts the stack with logs under {@code args[0]}, prints {@code STARTED postgresId pgbouncerId
   * networkId}, then sleeps.
   */
  public static void main(String[] args) throws Exception {
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

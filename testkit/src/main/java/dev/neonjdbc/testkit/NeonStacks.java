package dev.neonjdbc.testkit;

import dev.neonjdbc.testkit.local.LocalNeonStack;
import dev.neonjdbc.testkit.neon.NeonCloudStack;
import dev.neonjdbc.testkit.testcontainers.ContainerNeonStack;
import dev.neonjdbc.testkit.testcontainers.DockerProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's shared {@link NeonStack}: started on first use, stopped by a shutdown hook.
 *
 * <p>The provider is the first that applies:
 *
 * <ol>
 *   <li>{@code neon} when {@code NEON_TEST_DATABASE_URL} is set (a real Neon branch; {@code
 *       NEON_TEST_REPLICA_URL} names a read replica of it for {@link NeonStack#replica()});
 *   <li>{@code testcontainers} when a Docker engine answers: PostgreSQL and PgBouncer in containers
 *       of the kit's own image, built from Debian packages when missing and never pulled (see
 *       {@link ContainerNeonStack});
 *   <li>{@code local}: PostgreSQL and PgBouncer binaries installed on this machine.
 * </ol>
 *
 * The environment variable {@code NEON_TESTKIT_PROVIDER} (or system property {@code
 * neon.testkit.provider}) set to {@code neon}, {@code testcontainers} or {@code local} forces one.
 * Logs go to {@code target/neon-testkit/PROVIDER-TIMESTAMP-PID/} under the working directory, or
 * under the directory named by system property {@code neon.testkit.logDir}.
 */
public final class NeonStacks {
  /** Environment variable naming a real Neon branch, pooled or direct connection string. */
  public static final String NEON_URL_VARIABLE = "NEON_TEST_DATABASE_URL";

  /** Environment variable that forces a provider. */
  public static final String PROVIDER_VARIABLE = "NEON_TESTKIT_PROVIDER";

  private static final Logger LOG = LoggerFactory.getLogger(NeonStacks.class);
  private static final DateTimeFormatter RUN_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private static NeonStack shared;
  private static NeonStackException failure;

  private NeonStacks() {}

  /**
   * The stack shared by everything in this JVM, started on the first call (other callers wait).
   *
   * @throws NeonStackException if it cannot start; later calls fail the same way without retrying
   */
  public static synchronized NeonStack shared() {
    if (shared != null) {
      return shared;
    }
    if (failure != null) {
      throw new NeonStackException(
          "the shared stack failed to start earlier: " + failure.getMessage(), failure);
    }
    try {
      AbstractNeonStack stack = start(chooseProvider());
      Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "neon-testkit-shutdown"));
      shared = stack;
      LOG.info("neon-testkit: {} (logs in {})", stack, stack.logDirectory());
      return stack;
    } catch (NeonStackException e) {
      failure = e;
      throw e;
    } catch (RuntimeException | LinkageError e) {
      failure = new NeonStackException("the shared stack failed to start: " + e, e);
      throw failure;
    }
  }

  /** The provider this JVM would use: {@code neon}, {@code testcontainers} or {@code local}. */
  public static String chooseProvider() {
    String forced = setting(PROVIDER_VARIABLE, "neon.testkit.provider");
    if (forced != null) {
      String provider = forced.strip().toLowerCase(Locale.ROOT);
      switch (provider) {
        case "neon", "testcontainers", "local" -> {
          return provider;
        }
        default ->
            throw new NeonStackException(
                PROVIDER_VARIABLE + " must be neon, testcontainers or local, got: " + forced);
      }
    }
    if (System.getenv(NEON_URL_VARIABLE) != null) {
      return "neon";
    }
    if (DockerProbe.dockerAvailable()) {
      return "testcontainers";
    }
    return "local";
  }

  private static AbstractNeonStack start(String provider) {
    Path logDirectory = createLogDirectory(provider);
    switch (provider) {
      case "neon" -> {
        String url = System.getenv(NEON_URL_VARIABLE);
        if (url == null || url.isBlank()) {
          throw new NeonStackException(
              "provider neon needs " + NEON_URL_VARIABLE + " (a Neon connection string)");
        }
        return NeonCloudStack.fromUrls(
            url.strip(), System.getenv(NeonCloudStack.REPLICA_URL_VARIABLE), logDirectory);
      }
      case "testcontainers" -> {
        if (!DockerProbe.testcontainersPresent()) {
          throw new NeonStackException(
              "provider testcontainers needs org.testcontainers:testcontainers on the class path");
        }
        if (!DockerProbe.dockerAvailable()) {
          throw new NeonStackException(
              "provider testcontainers needs a Docker engine that answers (`docker info`); start"
                  + " one, or set "
                  + PROVIDER_VARIABLE
                  + "=local");
        }
        return ContainerNeonStack.start(logDirectory);
      }
      default -> {
        return LocalNeonStack.start(logDirectory);
      }
    }
  }

  private static Path createLogDirectory(String provider) {
    String configured = System.getProperty("neon.testkit.logDir");
    Path root =
        configured != null
            ? Path.of(configured)
            : Path.of(System.getProperty("user.dir"), "target", "neon-testkit");
    String run =
        provider
            + "-"
            + LocalDateTime.now().format(RUN_STAMP)
            + "-"
            + ProcessHandle.current().pid();
    Path directory = root.resolve(run).toAbsolutePath();
    try {
      return Files.createDirectories(directory);
    } catch (IOException e) {
      throw new NeonStackException("cannot create log directory " + directory, e);
    }
  }

  private static String setting(String variable, String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? null : value;
  }
}

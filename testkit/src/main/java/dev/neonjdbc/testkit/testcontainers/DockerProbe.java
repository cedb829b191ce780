package dev.neonjdbc.testkit.testcontainers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers quickly whether the Testcontainers provider can run: Testcontainers on the class path, a
 * sign of a Docker engine (so that machines without one pay no discovery time), and finally
 * Testcontainers' own check.
 */
public final class DockerProbe {
  private static final String FACTORY_CLASS = "org.testcontainers.DockerClientFactory";

  private DockerProbe() {}

  /** Whether Testcontainers is on the class path. */
  public static boolean testcontainersPresent() {
    try {
      Class.forName(FACTORY_CLASS, false, DockerProbe.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Whether a Docker engine answers Testcontainers; never throws. */
  public static boolean dockerAvailable() {
    if (!testcontainersPresent() || !engineHinted()) {
      return false;
    }
    try {
      return Engine.answers();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Whether anything suggests a Docker engine: a configured host or a known socket file. */
  static boolean engineHinted() {
    if (System.getenv("DOCKER_HOST") != null) {
      return true;
    }
    String home = System.getProperty("user.home", "");
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of("/var/run/docker.sock"));
    candidates.add(Path.of(home, ".docker", "run", "docker.sock"));
    candidates.add(Path.of(home, ".docker", "desktop", "docker.sock"));
    candidates.add(Path.of(home, ".colima", "default", "docker.sock"));
    candidates.add(Path.of(home, ".rd", "docker.sock"));
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null) {
      candidates.add(Path.of(runtime, "docker.sock"));
    }
    Path properties = Path.of(home, ".testcontainers.properties");
    return candidates.stream().anyMatch(Files::exists) || Files.isRegularFile(properties);
  }

  /** Separate class: loaded only once Testcontainers is known to be present. */
  private static final class Engine {
    static boolean answers() {
      return Docker.available();
    }
  }
}

package dev.neonjdbc.testkit.testcontainers;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;

/**
 * Testcontainers' Docker client, prepared so that Testcontainers itself never needs an image from a
 * registry: Ryuk is switched off ({@link RyukSwitch}), and the address of published ports is
 * settled by the kit when Testcontainers would find it by running {@code alpine}.
 *
 * <p>Testcontainers 2.0, running inside a container ({@code /.dockerenv}) with a Unix-socket
 * engine, takes the engine for the host's and looks for the host's address: the default bridge's
 * gateway, or else the default route seen from an {@code alpine} container it pulls. The kit
 * answers first: when the engine's bridge ({@code docker0}) is in this JVM's own network namespace
 * (Docker runs in the same container), published ports are on {@code localhost}; otherwise the host
 * is this container's default gateway, read from {@code /proc/net/route}. {@code
 * TESTCONTAINERS_HOST_OVERRIDE}, when set, still wins.
 */
final class Docker {
  private static boolean prepared;

  private Docker() {}

  /** The client; the first call prepares Testcontainers. */
  static DockerClient client() {
    prepare();
    return DockerClientFactory.instance().client();
  }

  /** Whether an engine answers; never throws, never starts Ryuk or pulls. */
  static boolean available() {
    try {
      prepare();
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static synchronized void prepare() {
    if (prepared) {
      return;
    }
    RyukSwitch.disableRyuk();
    settleHostAddress();
    prepared = true;
  }

  private static void settleHostAddress() {
    String override = System.getenv("TESTCONTAINERS_HOST_OVERRIDE");
    if ((override != null && !override.isBlank()) || !Files.exists(Path.of("/.dockerenv"))) {
      return;
    }
    DockerClientFactory factory = DockerClientFactory.instance();
    URI engine;
    try {
      engine = factory.getTransportConfig().getDockerHost();
    } catch (RuntimeException e) {
      return; // no engine: isDockerAvailable says so
    }
    if (engine == null || !"unix".equals(engine.getScheme())) {
      return;
    }
    String address = Files.exists(Path.of("/sys/class/net/docker0")) ? "localhost" : gateway();
    try {
      Field strategyField = DockerClientFactory.class.getDeclaredField("strategy");
      strategyField.setAccessible(true);
      Object strategy = strategyField.get(factory);
      Field addressField =
          DockerClientProviderStrategy.class.getDeclaredField("dockerHostIpAddress");
      addressField.setAccessible(true);
      synchronized (strategy) {
        if (addressField.get(strategy) == null) {
          addressField.set(strategy, address);
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new dev.neonjdbc.testkit.NeonStackException(
          "cannot tell Testcontainers where published ports are in this Testcontainers version ("
              + e
              + "); set TESTCONTAINERS_HOST_OVERRIDE=localhost (Docker in this container) or to"
              + " the Docker host's address, or Testcontainers pulls alpine to find it",
          e);
    }
  }

  /** This container's default gateway from {@code /proc/net/route}, else {@code localhost}. */
  static String gateway() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/net/route"), StandardCharsets.UTF_8);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 2 && fields[1].equals("00000000")) {
          long hex = Long.parseLong(fields[2].toLowerCase(Locale.ROOT), 16);
          // Little-endian, as the kernel prints it.
          return (hex & 0xff)
              + "."
              + (hex >> 8 & 0xff)
              + "."
              + (hex >> 16 & 0xff)
              + "."
              + (hex >> 24 & 0xff);
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return "localhost";
  }
}

package dev.neonjdbc.testkit.testcontainers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kit's own reaper for containers and networks, in place of Testcontainers' Ryuk (see {@link
 * RyukSwitch}).
 *
 * <p>Everything the kit creates carries labels naming its owner: this machine's host name, the
 * JVM's pid and the JVM's start time. A stack that stops normally removes its containers and
 * network from the JVM's shutdown hook. A JVM that is killed ({@code kill -9}, a build timeout)
 * runs no hook; its containers keep running until the next container stack starts on this machine,
 * which first removes every container and network whose owner is no longer alive (same host, pid
 * gone or reused by a process that started at another time). Resources of other machines sharing a
 * Docker engine are left alone.
 */
final class ContainerReaper {
  /** Marks a resource as the kit's; the value says what it is ({@code postgres}, …). */
  static final String KIT_LABEL = "dev.neonjdbc.testkit";

  static final String HOST_LABEL = "dev.neonjdbc.testkit.owner.host";
  static final String PID_LABEL = "dev.neonjdbc.testkit.owner.pid";
  static final String STARTED_LABEL = "dev.neonjdbc.testkit.owner.started";

  private static final Logger LOG = LoggerFactory.getLogger(ContainerReaper.class);

  private ContainerReaper() {}

  /** The labels that name this JVM as the owner of a resource of kind {@code kind}. */
  static Map<String, String> ownerLabels(String kind) {
    ProcessHandle self = ProcessHandle.current();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(KIT_LABEL, kind);
    labels.put(HOST_LABEL, hostName());
    labels.put(PID_LABEL, Long.toString(self.pid()));
    labels.put(STARTED_LABEL, startedAt(self));
    return labels;
  }

  /**
   * Removes the kit's containers (running or not, with their anonymous volumes) and networks whose
   * owner JVM on this host is gone. Never throws.
   *
   * @return what was removed, as {@code container NAME} and {@code network NAME} entries
   */
  static List<String> reapAbandoned(DockerClient docker) {
    List<String> removed = new ArrayList<>();
    try {
      List<Container> containers =
          new ArrayList<>(
              docker
                  .listContainersCmd()
                  .withShowAll(true)
                  .withLabelFilter(List.of(KIT_LABEL))
                  .exec());
      // PostgreSQL last (the replica's too): PgBouncer's container mounts its socket volume,
      // removed with it.
      containers.sort(
          Comparator.comparing(
              (Container container) ->
                  String.valueOf(container.getLabels().get(KIT_LABEL)).endsWith("postgres")));
      for (Container container : containers) {
        if (isAbandoned(container.getLabels())) {
          try {
            docker
                .removeContainerCmd(container.getId())
                .withForce(true)
                .withRemoveVolumes(true)
                .exec();
            removed.add("container " + String.join(",", container.getNames()));
          } catch (RuntimeException e) {
            LOG.debug("neon-testkit: cannot remove container {}", container.getId(), e);
          }
        }
      }
      List<Network> networks =
          docker.listNetworksCmd().withFilter("label", List.of(KIT_LABEL)).exec();
      for (Network network : networks) {
        if (isAbandoned(network.getLabels())) {
          try {
            docker.removeNetworkCmd(network.getId()).exec();
            removed.add("network " + network.getName());
          } catch (RuntimeException e) {
            LOG.debug("neon-testkit: cannot remove network {}", network.getName(), e);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("neon-testkit: reaping abandoned containers failed", e);
    }
    if (!removed.isEmpty()) {
      LOG.info("neon-testkit: removed what killed test JVMs left behind: {}", removed);
    }
    return removed;
  }

  /** Whether labels name an owner on this host that no longer runs. */
  static boolean isAbandoned(Map<String, String> labels) {
    if (labels == null || !hostName().equals(labels.get(HOST_LABEL))) {
      return false;
    }
    long pid;
    try {
      pid = Long.parseLong(labels.getOrDefault(PID_LABEL, ""));
    } catch (NumberFormatException e) {
      return false;
    }
    Optional<ProcessHandle> owner = ProcessHandle.of(pid);
    if (owner.isEmpty() || !owner.get().isAlive()) {
      return true;
    }
    String started = labels.getOrDefault(STARTED_LABEL, "");
    return !started.isEmpty() && !started.equals(startedAt(owner.get()));
  }

  private static String startedAt(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toString).orElse("");
  }

  /** The kernel's host name where readable (no DNS lookup), else the HOSTNAME variable. */
  static String hostName() {
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    try {
      if (Files.isReadable(kernel)) {
        return Files.readString(kernel, StandardCharsets.UTF_8).strip();
      }
    } catch (IOException e) {
      // fall through
    }
    String variable = System.getenv("HOSTNAME");
    if (variable != null && !variable.isBlank()) {
      return variable.strip();
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }
}

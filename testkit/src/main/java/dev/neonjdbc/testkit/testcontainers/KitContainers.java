package dev.neonjdbc.testkit.testcontainers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;

/**
 * Creates the kit's containers and network the same way: owner labels for {@link ContainerReaper},
 * images that are never pulled, ports published on loopback only (when the Docker engine runs on
 * this machine), and output written to a log file as it comes.
 */
final class KitContainers {
  private static final String LOOPBACK = "127.0.0.1";
  private static final long SHARED_MEMORY_BYTES = 256L * 1024 * 1024;

  private final DockerClient docker;
  private final boolean localEngine;

  KitContainers(DockerClient docker) {
    this.docker = docker;
    this.localEngine = isLocal(DockerClientFactory.instance().dockerHostIpAddress());
  }

  /** The address clients on this machine use for published ports. */
  String host() {
    String host = DockerClientFactory.instance().dockerHostIpAddress();
    return isLocal(host) ? LOOPBACK : host;
  }

  /** Whether ports are published on loopback only (the engine runs on this machine). */
  boolean loopbackOnly() {
    return localEngine;
  }

  /** A new labelled network; Docker creates it when the first container joins. */
  Network network() {
    return Network.builder()
        .createNetworkCmdModifier(cmd -> cmd.withLabels(ContainerReaper.ownerLabels("network")))
        .build();
  }

  /**
   * A container of {@code image} on {@code network}, labelled as {@code kind}, running {@code
   * script} with {@code sh}, publishing {@code port}, its output appended to {@code log}.
   */
  GenericContainer<?> container(
      String image, String kind, Network network, String script, int port, Path log) {
    return container(image, kind, network, script, port, 0, log);
  }

  /**
   * Like {@link #container(String, String, Network, String, int, Path)}, publishing {@code port} on
   * {@code hostPort} of the loopback address (0: any free port), so that the container keeps its
   * published port when it is stopped and started again. A remote engine picks the port.
   */
  @SuppressWarnings("resource") // closed by the stack's stop()
  GenericContainer<?> container(
      String image, String kind, Network network, String script, int port, int hostPort, Path log) {
    GenericContainer<?> container =
        new GenericContainer<>(image)
            .withImagePullPolicy(KitImages.neverPull(docker))
            .withNetwork(network)
            .withLabels(ContainerReaper.ownerLabels(kind))
            .withExposedPorts(port)
            .withLogConsumer(appendTo(log))
            .withCreateContainerCmdModifier(
                cmd -> {
                  // The kit's script replaces whatever entry point a registry image has.
                  cmd.withEntrypoint("sh", "-c", script).withCmd(new String[0]);
                  HostConfig hostConfig = cmd.getHostConfig();
                  hostConfig.withShmSize(SHARED_MEMORY_BYTES);
                  if (localEngine) {
                    // Testcontainers publishes on every interface; the kit's servers stay on
                    // loopback, as the local provider's do.
                    hostConfig
                        .withPublishAllPorts(false)
                        .withPortBindings(
                            new PortBinding(
                                hostPort == 0
                                    ? Ports.Binding.bindIp(LOOPBACK)
                                    : Ports.Binding.bindIpAndPort(LOOPBACK, hostPort),
                                ExposedPort.tcp(port)));
                  }
                });
    return container;
  }

  /**
   * Appends {@code container}'s output from now on to {@code log}, as {@link #container} does from
   * its creation: for a container started again with {@code docker start}, whose first log stream
   * ended when it stopped.
   */
  void followAgain(String containerId, Path log) {
    Consumer<OutputFrame> sink = appendTo(log);
    docker
        .logContainerCmd(containerId)
        .withStdOut(true)
        .withStdErr(true)
        .withFollowStream(true)
        .withSince((int) (System.currentTimeMillis() / 1000))
        .exec(
            new ResultCallback.Adapter<Frame>() {
              @Override
              public void onNext(Frame frame) {
                sink.accept(OutputFrame.forFrame(frame));
              }

              @Override
              public void onComplete() {
                sink.accept(OutputFrame.END);
                super.onComplete();
              }
            });
  }

  /** A loopback port that was free a moment ago, for {@code hostPort}; 0 for a remote engine. */
  int freeHostPort() {
    if (!localEngine) {
      return 0;
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    }
  }

  private static Consumer<OutputFrame> appendTo(Path log) {
    Writer writer;
    try {
      writer =
          Files.newBufferedWriter(
              log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return frame -> {
      synchronized (writer) {
        try {
          if (frame.getType() == OutputFrame.OutputType.END) {
            writer.close();
          } else {
            writer.write(frame.getUtf8String());
            writer.flush();
          }
        } catch (IOException e) {
          // A log line lost is not worth failing a test.
        }
      }
    };
  }

  private static boolean isLocal(String host) {
    return host == null
        || host.equals("localhost")
        || host.equals(LOOPBACK)
        || host.equals("::1")
        || host.equals("[::1]");
  }
}

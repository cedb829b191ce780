package dev.neonjdbc.testkit.ws;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs a {@link WebSocketProxy} in a process of its own, so that a benchmark can tell the client's
 * cost from the proxy's (in one JVM they share heap, GC and JIT threads).
 *
 * <p>Arguments: {@code [--tls CERTIFICATE.pem KEY.pem] [--source ADDRESS]}. Prints the port on the
 * first line of standard output, then relays until standard input ends (the parent closed it or
 * went away).
 */
public final class WebSocketProxyMain {
  private WebSocketProxyMain() {}

  /**
   * Starts the proxy and waits for the end of standard input.
   *
   * @param args see the class description
   * @throws IOException when standard input fails
   */
  public static void main(String[] args) throws IOException {
    WebSocketProxy.Builder builder = WebSocketProxy.builder();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--tls" -> builder.tls(Path.of(args[++i]), Path.of(args[++i]));
        case "--source" -> builder.sourceAddress(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    try (WebSocketProxy proxy = builder.start()) {
      System.out.println(proxy.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // Only the end of input matters.
      }
    }
  }
}

package dev.neonjdbc.testkit.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The relay delays each direction by the configured time and passes bytes and EOF through. */
class LatencyRelayTest {

  @Test
  void aRoundTripCostsTheConfiguredDelay() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LatencyRelay relay =
            LatencyRelay.withRoundTrip("127.0.0.1", echo.getLocalPort(), Duration.ofMillis(40))) {
      Thread server =
          new Thread(
              () -> {
                try (Socket socket = echo.accept()) {
                  socket.getInputStream().transferTo(socket.getOutputStream());
                } catch (IOException ignored) {
                  // the test's client went away
                }
              });
      server.setDaemon(true);
      server.start();
      try (Socket client = new Socket(relay.host(), relay.port())) {
        client.setTcpNoDelay(true);
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        for (int i = 0; i < 3; i++) {
          long start = System.nanoTime();
          out.write(i);
          out.flush();
          assertEquals(i, in.read());
          long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
          assertTrue(millis >= 40 && millis < 200, "round trip took " + millis + " ms");
        }
        assertEquals(3, relay.clientFlights(), "each write waited for its answer");
        relay.resetClientFlights();
        // Two writes before any answer are one flight; the echo of both ends it.
        out.write(7);
        out.flush();
        out.write(8);
        out.flush();
        assertEquals(7, in.read());
        assertEquals(8, in.read());
        assertEquals(1, relay.clientFlights());
        client.shutdownOutput();
        assertEquals(-1, in.read(), "the end of stream is passed on");
      }
    }
  }
}

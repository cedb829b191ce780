package dev.neonjdbc.testkit.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.Test;

/**
 * The proxy against a real TCP echo server and a real WebSocket client: both target styles, binary
 * only, and closes passed on.
 */
class WebSocketProxyTest {

  @Test
  void wsproxyStyleRelaysBinaryFramesToTheAddressInTheUrl() throws Exception {
    try (EchoServer echo = new EchoServer();
        WebSocketProxy proxy = WebSocketProxy.builder().start()) {
      Client client = Client.open(proxy.baseUrl() + "/v1?address=127.0.0.1:" + echo.port());
      client.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
      assertEquals("ping", client.nextBinary());
      client.close();
    }
  }

  @Test
  void neonProxyStyleTakesAnyPathToTheConfiguredTarget() throws Exception {
    try (EchoServer echo = new EchoServer();
        WebSocketProxy proxy =
            WebSocketProxy.builder().fixedTarget("127.0.0.1", echo.port()).start()) {
      Client client = Client.open(proxy.baseUrl() + "/v2");
      client.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
      assertEquals("hello", client.nextBinary());
      client.close();
    }
  }

  /**
   * A reply written while the proxy was finishing the previous write must still go out.
   * Java-WebSocket's NIO server could drop that write demand and leave the frame queued, so a
   * request/response client waited forever (seen as a hung benchmark on a loaded machine).
   */
  @Test
  void tenThousandRoundTripsNeverLeaveAReplyBehind() throws Exception {
    try (EchoServer echo = new EchoServer();
        WebSocketProxy proxy = WebSocketProxy.builder().start()) {
      Client client = Client.open(proxy.baseUrl() + "/v1?address=127.0.0.1:" + echo.port());
      for (int i = 0; i < 10_000; i++) {
        String message = "m" + i;
        client.send(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
        assertEquals(message, client.nextBinary(), "reply " + i);
      }
      client.close();
    }
  }

  @Test
  void textFramesAreRefused() throws Exception {
    try (EchoServer echo = new EchoServer();
        WebSocketProxy proxy =
            WebSocketProxy.builder().fixedTarget("127.0.0.1", echo.port()).start()) {
      Client client = Client.open(proxy.baseUrl() + "/v2");
      client.send("select 1");
      assertEquals(1003, client.closeCode.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void theWebSocketClosesWhenTheTargetClosesTcp() throws Exception {
    try (EchoServer echo = new EchoServer();
        WebSocketProxy proxy = WebSocketProxy.builder().start()) {
      Client client = Client.open(proxy.baseUrl() + "/v1?address=127.0.0.1:" + echo.port());
      client.send(ByteBuffer.wrap("quit".getBytes(StandardCharsets.UTF_8)));
      assertEquals(1000, client.closeCode.get(5, TimeUnit.SECONDS));
      for (int i = 0; i < 50 && proxy.openTunnels() > 0; i++) {
        Thread.sleep(20); // the proxy hears the closing handshake's answer just after the client
      }
      assertEquals(0, proxy.openTunnels());
    }
  }

  @Test
  void noTargetIsAPolicyRefusal() throws Exception {
    try (WebSocketProxy proxy = WebSocketProxy.builder().start()) {
      Client client = new Client(new URI(proxy.baseUrl() + "/v2"));
      client.connectBlocking(5, TimeUnit.SECONDS); // opens, then closes at once
      assertEquals(1008, client.closeCode.get(5, TimeUnit.SECONDS));
    }
  }

  /** Echoes bytes back; closes the connection on "quit". */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket listener;

    EchoServer() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread thread = new Thread(this::serve, "echo");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    private void serve() {
      while (true) {
        try (Socket socket = listener.accept();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream()) {
          byte[] buffer = new byte[1024];
          int n;
          while ((n = in.read(buffer)) > 0) {
            if (new String(buffer, 0, n, StandardCharsets.UTF_8).equals("quit")) {
              break;
            }
            out.write(buffer, 0, n);
            out.flush();
          }
        } catch (IOException e) {
          return;
        }
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  private static final class Client extends WebSocketClient {
    final BlockingQueue<String> binary = new ArrayBlockingQueue<>(16);
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    private Client(URI uri) {
      super(uri);
      setDaemon(true);
      setConnectionLostTimeout(0);
    }

    static Client open(String url) throws Exception {
      Client client = new Client(new URI(url));
      assertTrue(client.connectBlocking(5, TimeUnit.SECONDS));
      return client;
    }

    String nextBinary() throws InterruptedException {
      return binary.poll(5, TimeUnit.SECONDS);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {}

    @Override
    public void onMessage(String message) {}

    @Override
    public void onMessage(ByteBuffer bytes) {
      binary.add(StandardCharsets.UTF_8.decode(bytes).toString());
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      closeCode.complete(code);
    }

    @Override
    public void onError(Exception ex) {}
  }
}

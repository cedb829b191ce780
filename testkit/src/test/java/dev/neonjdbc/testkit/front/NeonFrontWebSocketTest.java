package dev.neonjdbc.testkit.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket front: {@code wss://…/v2}, endpoint from the {@code Host} header, a cleartext
 * password request as Neon's proxy makes over WebSocket, and the Postgres protocol without inner
 * TLS.
 */
class NeonFrontWebSocketTest {
  @TempDir static Path certificates;
  private static FrontFixture fixture;

  @BeforeAll
  static void startFront() throws Exception {
    fixture = FrontFixture.start(certificates);
  }

  @AfterAll
  static void stopFront() {
    fixture.close();
    assertEquals(0, fixture.front.liveThreads(), "threads left behind after close");
  }

  @Test
  void v2LoginAsksForACleartextPasswordAndReachesTheEndpointNamedByHost() throws Exception {
    FrameClient client = FrameClient.open(fixture.front.pooledHostName());
    try {
      client.send(message('\0', startupBody(fixture.stack.user(), fixture.stack.database())));
      Message request = client.next();
      assertEquals('R', request.type);
      assertEquals(3, request.int32(0), "AuthenticationCleartextPassword, as Neon over WebSocket");

      client.send(message('p', cString(fixture.stack.password())));
      Message ok = client.next();
      assertEquals('R', ok.type);
      assertEquals(0, ok.int32(0), "AuthenticationOk");
      boolean keyData = false;
      Message next;
      while ((next = client.next()).type != 'Z') {
        assertTrue(next.type == 'S' || next.type == 'K' || next.type == 'N', "got " + next.type);
        keyData |= next.type == 'K';
      }
      assertTrue(keyData, "BackendKeyData");

      // The session is PgBouncer's when PgBouncer lists the backend that answered among its
      // server connections (an idle one stays listed).
      client.send(message('Q', cString("SELECT pg_backend_pid()")));
      assertEquals('T', client.next().type);
      Message row = client.next();
      assertEquals('D', row.type);
      String backend = new String(row.body, 6, row.int32(2), StandardCharsets.UTF_8);
      assertTrue(
          fixture.stack.pgbouncerAdmin().orElseThrow().show("SERVERS").stream()
              .anyMatch(server -> backend.equals(server.get("remote_pid"))),
          "backend " + backend + " is not one of PgBouncer's server connections");
    } finally {
      client.closeBlocking();
    }
    assertEquals(1, fixture.front.logins("websocket"));
  }

  private static byte[] startupBody(String user, String database) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    new DataOutputStream(body).writeInt(196608);
    body.writeBytes(cString("user"));
    body.writeBytes(cString(user));
    body.writeBytes(cString("database"));
    body.writeBytes(cString(database));
    body.write(0);
    return body.toByteArray();
  }

  private static byte[] cString(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] result = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, result, 0, bytes.length);
    return result;
  }

  /** A message of {@code type} ({@code '\0'}: untyped, as StartupMessage) with its length. */
  private static byte[] message(char type, byte[] body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    if (type != '\0') {
      out.writeByte(type);
    }
    out.writeInt(body.length + 4);
    out.write(body);
    return bytes.toByteArray();
  }

  private record Message(char type, byte[] body) {
    int int32(int at) {
      return ((body[at] & 0xFF) << 24)
          | ((body[at + 1] & 0xFF) << 16)
          | ((body[at + 2] & 0xFF) << 8)
          | (body[at + 3] & 0xFF);
    }
  }

  /** A Java-WebSocket client whose received frames are read as one byte stream. */
  private static final class FrameClient extends WebSocketClient {
    private final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int position;

    private FrameClient(URI uri, String host) {
      super(uri, Map.of("Host", host));
    }

    static FrameClient open(String host) throws Exception {
      FrameClient client = new FrameClient(URI.create(fixture.front.webSocketUrl()), host);
      client.setSocketFactory(trustingKit().getSocketFactory());
      client.setTcpNoDelay(true);
      assertTrue(client.connectBlocking(10, TimeUnit.SECONDS), "WebSocket upgrade");
      return client;
    }

    Message next() throws Exception {
      byte[] head = read(5);
      int length =
          ((head[1] & 0xFF) << 24)
              | ((head[2] & 0xFF) << 16)
              | ((head[3] & 0xFF) << 8)
              | (head[4] & 0xFF);
      return new Message((char) head[0], read(length - 4));
    }

    private byte[] read(int count) throws Exception {
      byte[] result = new byte[count];
      int done = 0;
      while (done < count) {
        if (position == current.length) {
          current = frames.poll(10, TimeUnit.SECONDS);
          assertNotNull(current, "no frame within 10 s");
          position = 0;
        }
        int n = Math.min(count - done, current.length - position);
        System.arraycopy(current, position, result, done, n);
        position += n;
        done += n;
      }
      return result;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {}

    @Override
    public void onMessage(String message) {}

    @Override
    public void onMessage(ByteBuffer bytes) {
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      frames.add(copy);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {}

    @Override
    public void onError(Exception e) {}
  }

  private static SSLContext trustingKit() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(fixture.stack.trustStore())) {
      trust.load(in, fixture.stack.trustStorePassword().toCharArray());
    }
    TrustManagerFactory managers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    managers.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, managers.getTrustManagers(), null);
    return context;
  }
}

package dev.neonjdbc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The tunnel socket against a scripted WebSocket server, for what the kit's proxy never sends:
 * pings, text frames, close codes, frames split at awkward places.
 */
class TunnelFramingTest {

  @Test
  void pingsAreAnsweredAndDoNotDisturbTheData() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      CompletableFuture<byte[]> pong =
          server.run(
              (in, out) -> {
                frame(out, 0x9, "are you there".getBytes(StandardCharsets.UTF_8));
                frame(out, 0x2, "hello".getBytes(StandardCharsets.UTF_8));
                return readClientFrame(in);
              });
      try (Socket socket = server.connectClient()) {
        assertEquals("hello", readString(socket.getInputStream(), 5));
        byte[] answer = pong.get(5, TimeUnit.SECONDS);
        assertEquals(0xA, answer[0], "a pong");
        assertEquals("are you there", new String(answer, 1, answer.length - 1, UTF8));
      }
    }
  }

  @Test
  void aFrameSplitByteByByteArrivesWholeAndTimeoutsInBetweenLoseNothing() throws Exception {
    byte[] payload = new byte[300]; // a 16-bit length: a 4-byte header
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i;
    }
    try (ScriptedServer server = new ScriptedServer()) {
      server.run(
          (in, out) -> {
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            frame(whole, 0x2, payload);
            for (byte b : whole.toByteArray()) {
              out.write(b);
              out.flush();
              Thread.sleep(3);
            }
            return readClientFrame(in);
          });
      try (Socket socket = server.connectClient()) {
        socket.setSoTimeout(1); // pgJDBC's notification poll
        byte[] received = new byte[payload.length];
        int filled = 0;
        int timeouts = 0;
        while (filled < received.length) {
          try {
            int n = socket.getInputStream().read(received, filled, received.length - filled);
            assertTrue(n > 0);
            filled += n;
          } catch (SocketTimeoutException e) {
            timeouts++;
          }
        }
        assertArrayEquals(payload, received);
        assertTrue(timeouts > 0, "the reads timed out between bytes");
      }
    }
  }

  @Test
  void aTextFrameFailsTheReadWithAClearMessage() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      CompletableFuture<byte[]> close =
          server.run(
              (in, out) -> {
                frame(out, 0x1, "SELECT 1".getBytes(StandardCharsets.UTF_8));
                return readClientFrame(in);
              });
      try (Socket socket = server.connectClient()) {
        IOException error =
            assertThrows(IOException.class, () -> socket.getInputStream().read(new byte[8]));
        assertTrue(error.getMessage().contains("text frame"), error.getMessage());
        byte[] answer = close.get(5, TimeUnit.SECONDS);
        assertEquals(0x8, answer[0]);
        assertEquals(1003, ((answer[1] & 0xFF) << 8) | (answer[2] & 0xFF));
      }
    }
  }

  @Test
  void aNormalCloseIsTheEndOfStreamAnyOtherAFailure() throws Exception {
    for (int code : new int[] {1000, 1011}) {
      try (ScriptedServer server = new ScriptedServer()) {
        server.run(
            (in, out) -> {
              frame(out, 0x2, "last".getBytes(StandardCharsets.UTF_8));
              frame(out, 0x8, new byte[] {(byte) (code >> 8), (byte) code, 'b', 'y', 'e'});
              return readClientFrame(in);
            });
        try (Socket socket = server.connectClient()) {
          InputStream in = socket.getInputStream();
          assertEquals("last", readString(in, 4));
          if (code == 1000) {
            assertEquals(-1, in.read(new byte[8]));
          } else {
            SocketException error = assertThrows(SocketException.class, () -> in.read());
            assertTrue(error.getMessage().contains("code 1011: bye"), error.getMessage());
          }
        }
      }
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static String readString(InputStream in, int length) throws IOException {
    byte[] bytes = new byte[length];
    new DataInputStream(in).readFully(bytes);
    return new String(bytes, UTF8);
  }

  /** An unmasked server frame. */
  private static void frame(OutputStream out, int opcode, byte[] payload) throws IOException {
    out.write(0x80 | opcode);
    if (payload.length <= 125) {
      out.write(payload.length);
    } else {
      out.write(126);
      out.write(payload.length >> 8);
      out.write(payload.length);
    }
    out.write(payload);
    out.flush();
  }

  /** The client's next frame, unmasked: the opcode, then the payload. */
  private static byte[] readClientFrame(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int opcode = data.readUnsignedByte() & 0x0F;
    int second = data.readUnsignedByte();
    assertTrue((second & 0x80) != 0, "client frames are masked");
    int length = second & 0x7F;
    byte[] key = new byte[4];
    data.readFully(key);
    byte[] frame = new byte[1 + length];
    frame[0] = (byte) opcode;
    data.readFully(frame, 1, length);
    for (int i = 0; i < length; i++) {
      frame[1 + i] ^= key[i & 3];
    }
    return frame;
  }

  private interface Script {
    byte[] play(InputStream in, OutputStream out) throws Exception;
  }

  /** Accepts one connection, answers the upgrade, then plays a script. */
  private static final class ScriptedServer implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());

    ScriptedServer() throws IOException {}

    CompletableFuture<byte[]> run(Script script) {
      CompletableFuture<byte[]> result = new CompletableFuture<>();
      Thread thread =
          new Thread(
              () -> {
                try (Socket socket = listener.accept()) {
                  InputStream in = socket.getInputStream();
                  OutputStream out = socket.getOutputStream();
                  upgrade(in, out);
                  result.complete(script.play(in, out));
                } catch (Exception e) {
                  result.completeExceptionally(e);
                }
              },
              "scripted-ws-server");
      thread.setDaemon(true);
      thread.start();
      return result;
    }

    Socket connectClient() throws IOException {
      Properties info = new Properties();
      info.setProperty(
          "webSocketUrl", "ws://127.0.0.1:" + listener.getLocalPort() + "/v1?address={host}");
      Socket socket = new WebSocketSocketFactory(info).createSocket();
      socket.connect(new InetSocketAddress("127.0.0.1", 5432), 5000);
      return socket;
    }

    private static void upgrade(InputStream in, OutputStream out) throws Exception {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.read());
      }
      String key = null;
      for (String line : head.toString().split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
          key = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(UTF8));
      out.write(
          ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Accept: "
                  + Base64.getEncoder().encodeToString(digest)
                  + "\r\n\r\n")
              .getBytes(UTF8));
      out.flush();
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}

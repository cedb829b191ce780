package dev.neonjdbc.testkit.relay;

import dev.neonjdbc.testkit.NeonStackException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay on loopback that adds a fixed delay to each direction, so that a round trip through
 * it costs twice that delay: a stand-in for a client far from its database.
 *
 * <p>Every chunk read is written to the other side {@code oneWayDelay} after it was read, in order;
 * an end of stream is passed on the same way. The TCP handshake itself is not delayed (the relay
 * accepts locally), so a real network costs one more round trip per new connection than measured
 * here.
 *
 * <p>Four daemon threads per connection (a reader and a delayed writer per direction); all end when
 * either side closes or the relay is closed. Without a delay, each direction is a single thread
 * that writes what it reads at once: a plain TCP hop, shaped like the kit's WebSocket proxy,
 * against which the tunnel's own cost can be measured.
 *
 * <p>It also counts the client's flights ({@link #clientFlights()}): bytes from a client that
 * follow bytes from the server (or open the connection) start a new flight; bytes the client sends
 * before the server has answered belong to the same one. A protocol that waits for an answer before
 * it goes on needs one flight per round trip, so the count is the number of round trips, free of
 * timing and of the machine's load.
 */
public final class LatencyRelay implements AutoCloseable {
  private static final int CHUNK_BYTES = 64 * 1024;
  private static final int QUEUED_CHUNKS = 256;
  private static final AtomicInteger RELAY_IDS = new AtomicInteger();

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final long delayNanos;
  private final int id = RELAY_IDS.incrementAndGet();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger clientFlights = new AtomicInteger();
  private volatile boolean closed;

  private LatencyRelay(ServerSocket listener, InetSocketAddress target, Duration oneWayDelay) {
    this.listener = listener;
    this.target = target;
    this.delayNanos = oneWayDelay.toNanos();
  }

  /**
   * Starts a relay on {@code 127.0.0.1} (any free port) to {@code host:port}.
   *
   * @param oneWayDelay delay added to each direction; the round trip grows by twice this
   * @throws NeonStackException when it cannot listen
   */
  public static LatencyRelay start(String host, int port, Duration oneWayDelay) {
    try {
      ServerSocket listener = new ServerSocket();
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      LatencyRelay relay =
          new LatencyRelay(listener, InetSocketAddress.createUnresolved(host, port), oneWayDelay);
      Thread acceptor = new Thread(relay::acceptLoop, "latency-relay-" + relay.id + "-accept");
      acceptor.setDaemon(true);
      acceptor.start();
      return relay;
    } catch (IOException e) {
      throw new NeonStackException("cannot start a latency relay: " + e.getMessage(), e);
    }
  }

  /** A relay whose round trip costs {@code roundTrip} more than loopback. */
  public static LatencyRelay withRoundTrip(String host, int port, Duration roundTrip) {
    return start(host, port, roundTrip.dividedBy(2));
  }

  /** The relay's host, {@code 127.0.0.1}. */
  public String host() {
    return listener.getInetAddress().getHostAddress();
  }

  /** The port the relay listens on. */
  public int port() {
    return listener.getLocalPort();
  }

  /** The round trip the relay adds: twice the one-way delay. */
  public Duration roundTrip() {
    return Duration.ofNanos(2 * delayNanos);
  }

  /** Stops listening and drops every relayed connection. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // Closing is best effort.
    }
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }

  @Override
  public String toString() {
    return "LatencyRelay[" + host() + ":" + port() + " -> " + target + ", +" + roundTrip() + "]";
  }

  /**
   * How many flights the clients of this relay have sent since it started or since the last {@link
   * #resetClientFlights()}, over all connections: see the class comment.
   */
  public int clientFlights() {
    return clientFlights.get();
  }

  /** Starts counting {@link #clientFlights()} from zero. */
  public void resetClientFlights() {
    clientFlights.set(0);
  }

  private void acceptLoop() {
    int connection = 0;
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      connection++;
      Socket server = new Socket();
      try {
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        server.connect(new InetSocketAddress(target.getHostString(), target.getPort()), 10_000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(server);
        continue;
      }
      sockets.add(client);
      sockets.add(server);
      AtomicInteger open = new AtomicInteger(2);
      // Whether the server spoke last on this connection: the client's next bytes are a new flight.
      AtomicBoolean serverSpokeLast = new AtomicBoolean(true);
      String name = "latency-relay-" + id + "-" + connection;
      new Direction(client, server, open, client, server, serverSpokeLast, true)
          .start(name + "-up");
      new Direction(server, client, open, client, server, serverSpokeLast, false)
          .start(name + "-down");
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is best effort.
    }
  }

  /** One direction: a reader that timestamps chunks, a writer that sends each when it is due. */
  private final class Direction {
    private static final byte[] END = new byte[0];
    private final Socket from;
    private final Socket to;
    private final AtomicInteger open;
    private final Socket client;
    private final Socket server;
    private final AtomicBoolean serverSpokeLast;
    private final boolean fromClient;
    private final BlockingQueue<Object[]> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    private volatile boolean writerDone;

    Direction(
        Socket from,
        Socket to,
        AtomicInteger open,
        Socket client,
        Socket server,
        AtomicBoolean serverSpokeLast,
        boolean fromClient) {
      this.from = from;
      this.to = to;
      this.open = open;
      this.client = client;
      this.server = server;
      this.serverSpokeLast = serverSpokeLast;
      this.fromClient = fromClient;
    }

    /** Counts a chunk before it is passed on, so that an answer to it is always seen after it. */
    private void saw() {
      if (!fromClient) {
        serverSpokeLast.set(true);
      } else if (serverSpokeLast.getAndSet(false)) {
        clientFlights.incrementAndGet();
      }
    }

    void start(String name) {
      if (delayNanos == 0) {
        Thread copier = new Thread(this::copy, name);
        copier.setDaemon(true);
        copier.start();
        return;
      }
      Thread reader = new Thread(this::read, name + "-read");
      Thread writer = new Thread(this::write, name + "-write");
      reader.setDaemon(true);
      writer.setDaemon(true);
      reader.start();
      writer.start();
    }

    /** No delay: each chunk is written as soon as it is read, by the same thread. */
    private void copy() {
      byte[] buffer = new byte[CHUNK_BYTES];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (n > 0) {
            saw();
          }
          out.write(buffer, 0, n);
          out.flush();
        }
        to.shutdownOutput();
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(server);
      } finally {
        finish();
      }
    }

    private void read() {
      byte[] buffer = new byte[CHUNK_BYTES];
      try {
        InputStream in = from.getInputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (n == 0) {
            continue;
          }
          saw();
          if (!enqueue(Arrays.copyOf(buffer, n))) {
            return;
          }
        }
      } catch (IOException e) {
        // The connection is gone; the writer passes the end on.
      }
      enqueue(END);
    }

    /** Queues a chunk; false when the writer has given up (so this reader must not wait). */
    private boolean enqueue(byte[] bytes) {
      Object[] item = {System.nanoTime() + delayNanos, bytes};
      try {
        while (!writerDone) {
          if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
            return true;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    }

    private void write() {
      try {
        OutputStream out = to.getOutputStream();
        while (true) {
          Object[] item = queue.take();
          long due = (long) item[0];
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          byte[] bytes = (byte[]) item[1];
          if (bytes == END) {
            break;
          }
          out.write(bytes);
          out.flush();
        }
        to.shutdownOutput();
      } catch (IOException | InterruptedException e) {
        // Either side failed: drop both.
        closeQuietly(client);
        closeQuietly(server);
      } finally {
        writerDone = true;
        finish();
      }
    }

    /** This direction is done; the second one to finish drops both sockets. */
    private void finish() {
      if (open.decrementAndGet() == 0) {
        closeQuietly(client);
        closeQuietly(server);
        sockets.remove(client);
        sockets.remove(server);
      }
    }
  }
}

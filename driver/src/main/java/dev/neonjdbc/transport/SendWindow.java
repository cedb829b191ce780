package dev.neonjdbc.transport;

import java.io.InterruptedIOException;
import java.net.SocketException;

/**
 * Bounds the bytes handed to the WebSocket client but not yet written to the network.
 * Java-WebSocket queues frames without limit; without this a fast writer (COPY IN) would fill the
 * heap with frames the network cannot take yet. Writers block in {@link #acquire} instead, as they
 * would on a full TCP send buffer.
 */
final class SendWindow {
  private final long capacity;
  private long inFlight;
  private boolean closed;

  SendWindow(long capacity) {
    this.capacity = capacity;
  }

  /**
   * Waits until {@code bytes} more fit (a single frame larger than the window is let through when
   * nothing else is in flight), then counts them as in flight.
   *
   * @throws SocketException when the tunnel closes while waiting
   */
  synchronized void acquire(int bytes) throws SocketException, InterruptedIOException {
    while (!closed && inFlight > 0 && inFlight + bytes > capacity) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while the WebSocket send buffer was full");
      }
    }
    if (closed) {
      throw new SocketException("the WebSocket tunnel is closed");
    }
    inFlight += bytes;
  }

  /** Called by the WebSocket's writer thread as bytes reach the network. */
  synchronized void written(int bytes) {
    // Frames the client writes on its own (handshake, pong, close) are not counted in; clamp.
    inFlight = Math.max(0, inFlight - bytes);
    notifyAll();
  }

  /** Wakes and fails every waiting writer, now and later. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  /** The size of a masked client frame carrying {@code payload} bytes. */
  static int frameBytes(int payload) {
    int lengthBytes = payload <= 125 ? 0 : payload <= 0xFFFF ? 2 : 8;
    return 2 + lengthBytes + 4 + payload;
  }
}

package dev.neonjdbc.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Frames received from the server, waiting for pgJDBC to read them. Bounded: when pgJDBC reads
 * slower than the network delivers, the WebSocket's reader thread blocks in {@link #put}, stops
 * reading the socket, and TCP flow control slows the server down.
 *
 * <p>Reads honour a timeout ({@code SO_TIMEOUT}); data received before the end of the stream or an
 * error is always delivered first, as on a TCP socket.
 */
final class InboundBuffer {
  private final long capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final Condition writable = lock.newCondition();
  private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
  private long buffered;
  private boolean ended;
  private boolean discarded;
  private IOException failure;

  InboundBuffer(long capacity) {
    this.capacity = capacity;
  }

  /** Adds a received frame; blocks while the buffer is full. */
  void put(ByteBuffer chunk) {
    if (!chunk.hasRemaining()) {
      return;
    }
    lock.lock();
    try {
      while (buffered >= capacity && !discarded && !ended) {
        writable.awaitUninterruptibly();
      }
      if (discarded || ended) {
        return;
      }
      chunks.addLast(chunk);
      buffered += chunk.remaining();
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads up to {@code length} bytes, waiting at most {@code timeoutMillis} (0: forever).
   *
   * @return the number of bytes read, or -1 at the end of the stream
   * @throws SocketTimeoutException when nothing arrives in time (the stream stays usable)
   * @throws IOException the tunnel's failure, once all data before it has been read
   */
  int read(byte[] target, int offset, int length, int timeoutMillis) throws IOException {
    if (length == 0) {
      return 0;
    }
    lock.lock();
    try {
      long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (chunks.isEmpty()) {
        if (discarded) {
          throw new SocketException("Socket closed");
        }
        if (ended) {
          if (failure != null) {
            throw copyOf(failure);
          }
          return -1;
        }
        try {
          if (timeoutMillis == 0) {
            readable.await();
          } else if (remaining <= 0) {
            throw new SocketTimeoutException("Read timed out");
          } else {
            remaining = readable.awaitNanos(remaining);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading from the WebSocket tunnel");
        }
      }
      ByteBuffer head = chunks.peekFirst();
      int count = Math.min(length, head.remaining());
      head.get(target, offset, count);
      if (!head.hasRemaining()) {
        chunks.removeFirst();
      }
      buffered -= count;
      if (buffered < capacity) {
        writable.signalAll();
      }
      return count;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes that can be read without waiting. */
  int available() {
    lock.lock();
    try {
      return (int) Math.min(Integer.MAX_VALUE, buffered);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks the end of the stream: readers get the remaining data, then -1 ({@code failure == null})
   * or {@code failure}. Only the first end counts.
   */
  void end(IOException cause) {
    lock.lock();
    try {
      if (!ended) {
        ended = true;
        failure = cause;
      }
      readable.signalAll();
      writable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The local side closed: drops buffered data, unblocks the reader thread, fails later reads. */
  void discard() {
    lock.lock();
    try {
      discarded = true;
      chunks.clear();
      buffered = 0;
      readable.signalAll();
      writable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A fresh exception per reader, so each stack trace shows where that read failed. */
  private static IOException copyOf(IOException failure) {
    if (failure instanceof TunnelException) {
      return new TunnelException(failure.getMessage(), failure);
    }
    SocketException copy = new SocketException(failure.getMessage());
    copy.initCause(failure);
    return copy;
  }
}

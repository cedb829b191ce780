package dev.neonjdbc.internal.transport;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of one login attempt: TCP, TLS and authentication must be over by then, or the
 * attempt's sockets are dropped.
 *
 * <p>pgJDBC's timeouts cannot hold such a deadline: {@code connectTimeout} bounds the TCP connect
 * and the TLS handshake only, and a pooler that queues the login (PgBouncer while its server is
 * down) keeps the client waiting for authentication's last message for as long as it likes.
 * pgJDBC's own {@code loginTimeout} returns to the caller in time but leaves a thread blocked on
 * that socket. Here the socket itself is closed (with {@code SO_LINGER} 0), so the blocked read
 * fails at once on the caller's thread and nothing is left behind.
 *
 * <p>The sockets are those {@link LoginSocketFactory} creates while the attempt is {@linkplain #arm
 * armed} on the calling thread. One timer thread (daemon, ended after a few idle seconds) serves
 * every deadline of the JVM.
 */
public final class LoginDeadline implements AutoCloseable {
  private static final ThreadLocal<LoginDeadline> ARMED = new ThreadLocal<>();
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final long deadlineNanos;
  private final List<Socket> sockets = new ArrayList<>(2);
  private final ScheduledFuture<?> alarm;
  private boolean finished;
  private boolean expired;

  private LoginDeadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
    long delay = Math.max(0, deadlineNanos - System.nanoTime());
    this.alarm = TIMER.schedule(this::expire, delay, TimeUnit.NANOSECONDS);
  }

  /**
   * Arms a deadline at {@code deadlineNanos} ({@link System#nanoTime()} scale) for the sockets that
   * {@link LoginSocketFactory} creates on this thread until {@link #close()}.
   */
  public static LoginDeadline arm(long deadlineNanos) {
    LoginDeadline deadline = new LoginDeadline(deadlineNanos);
    ARMED.set(deadline);
    return deadline;
  }

  /** The deadline armed on this thread, or {@code null}. */
  static LoginDeadline armed() {
    return ARMED.get();
  }

  /** Milliseconds left, at least 1 while the deadline has not passed; 0 once it has. */
  public long remainingMillis() {
    long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    return left <= 0 ? 0 : Math.max(1, left);
  }

  /** Whether the deadline passed before the attempt finished (its sockets were dropped). */
  public synchronized boolean expired() {
    return expired;
  }

  /** Watches {@code socket}; drops it at once when the deadline has already passed. */
  void watch(Socket socket) {
    synchronized (this) {
      if (finished) {
        return;
      }
      if (!expired) {
        sockets.add(socket);
        return;
      }
    }
    drop(socket);
  }

  /**
   * Ends the attempt: sockets created from now on are not watched, and the alarm is cancelled. Also
   * disarms the thread.
   *
   * @return {@code true} when it ended before the deadline, {@code false} when the deadline passed
   *     first (the attempt's sockets were dropped, so a connection it produced is useless)
   */
  public boolean finish() {
    ARMED.remove();
    alarm.cancel(false);
    synchronized (this) {
      finished = true;
      sockets.clear();
      return !expired;
    }
  }

  @Override
  public void close() {
    finish();
  }

  private void expire() {
    List<Socket> toDrop;
    synchronized (this) {
      if (finished) {
        return;
      }
      expired = true;
      toDrop = new ArrayList<>(sockets);
      sockets.clear();
    }
    for (Socket socket : toDrop) {
      drop(socket);
    }
  }

  /** Closes without a goodbye: a reset, so a read blocked on the socket fails at once. */
  private static void drop(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException | RuntimeException ignored) {
      // Not connected yet or already closed: close() below is all there is to do.
    }
    try {
      socket.close();
    } catch (IOException | RuntimeException ignored) {
      // Closing is best effort; the attempt is reported as timed out either way.
    }
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "neon-jdbc-login-deadline");
              thread.setDaemon(true);
              return thread;
            });
    timer.setRemoveOnCancelPolicy(true);
    timer.setKeepAliveTime(5, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    return timer;
  }
}

package dev.neonjdbc.internal.transport;

import java.io.IOException;

/**
 * A tunnel failure whose message is meant for the user: it names what failed and what to change.
 * pgJDBC wraps connect-time I/O errors in a generic "connection attempt failed"; {@link
 * WebSocketTransport#explain} lifts this message back to the top.
 */
public final class TunnelException extends IOException {
  private static final long serialVersionUID = 1L;

  /** A failure with a user-facing message. */
  public TunnelException(String message) {
    super(message);
  }

  /** A failure with a user-facing message and the low-level cause. */
  public TunnelException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.neonjdbc.testkit;

/** A stack could not be started or stopped; the message says what to do about it. */
public class NeonStackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that tells the reader what failed and how to fix it. */
  public NeonStackException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public NeonStackException(String message, Throwable cause) {
    super(message, cause);
  }
}

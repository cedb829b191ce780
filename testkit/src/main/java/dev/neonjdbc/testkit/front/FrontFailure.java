package dev.neonjdbc.testkit.front;

/** A connect the front refuses: the error to send the client, with its formatted text. */
final class FrontFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient NeonError error;

  private FrontFailure(NeonError error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  /** One of Neon's errors, its {@code %s} filled with {@code arguments}. */
  static FrontFailure of(NeonError error, Object... arguments) {
    return new FrontFailure(error, error.message(arguments));
  }

  /** One of Neon's errors with its text already formatted. */
  static FrontFailure withTextOf(NeonError error, String message) {
    return new FrontFailure(error, message);
  }

  /** A proxy error ({@code XX000}) with a text of its own. */
  static FrontFailure withText(String message) {
    return new FrontFailure(null, message);
  }

  NeonError error() {
    return error;
  }

  /** The SQLState sent: {@code XX000} for everything the proxy raises itself. */
  String sqlState() {
    return error == null ? NeonError.PROXY_SQLSTATE : error.sqlState();
  }
}

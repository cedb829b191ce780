package dev.neonjdbc.testkit.front;

import java.time.Duration;
import java.util.Objects;

/**
 * What connects meet while the front's compute is suspended. Neon's proxy authenticates the client
 * first, then asks the control plane to wake the compute and waits for it ({@code
 * proxy/src/proxy/wake_compute.rs}, {@code proxy/src/proxy/connect_compute.rs}); when that fails
 * the client gets a retryable error after {@code AuthenticationOk} ({@code proxy/mod.rs}, {@code
 * handle_client}).
 *
 * <p>While suspended, the first {@code failingConnects} connects fail with {@code failure}; the
 * connect after them starts the compute, which takes {@code wakeUpTime}; every connect that arrives
 * meanwhile waits for the same wake-up. Then the compute runs until the next suspend.
 *
 * @param wakeUpTime how long starting the compute takes
 * @param failingConnects connects that fail before one starts the compute ({@link
 *     Integer#MAX_VALUE}: it never starts)
 * @param failure the error those connects get, normally a {@link NeonError#retryable()} one
 */
public record WakePolicy(Duration wakeUpTime, int failingConnects, NeonError failure) {
  /** Validates the values. */
  public WakePolicy {
    Objects.requireNonNull(wakeUpTime, "wakeUpTime");
    Objects.requireNonNull(failure, "failure");
    if (wakeUpTime.isNegative() || failingConnects < 0) {
      throw new IllegalArgumentException("wakeUpTime and failingConnects must not be negative");
    }
  }

  /** The first connect starts the compute, which takes {@code wakeUpTime}. */
  public static WakePolicy wakeAfter(Duration wakeUpTime) {
    return new WakePolicy(wakeUpTime, 0, NeonError.COULD_NOT_CONNECT);
  }

  /** {@code connects} connects fail with {@code failure}, then one wakes the compute. */
  public static WakePolicy failThenWake(int connects, NeonError failure, Duration wakeUpTime) {
    return new WakePolicy(wakeUpTime, connects, failure);
  }

  /** Every connect fails with {@code failure} until {@link NeonFront#wake()}. */
  public static WakePolicy alwaysFail(NeonError failure) {
    return new WakePolicy(Duration.ZERO, Integer.MAX_VALUE, failure);
  }
}

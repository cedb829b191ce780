package dev.neonjdbc.internal.routing;

/**
 * A scanner's answer packed into one {@code long}: the position where it stopped and the route it
 * found, plus a flag when it did not find what it was asked to find. Packing lets the scanners
 * return both without allocating: {@code position << SHIFT | flags}, the low three bits a route.
 */
final class ScanResult {

  // Route ordinals as ints, ordered from weakest to strongest (see Route).
  static final int POOLED = Route.POOLED.ordinal();
  static final int DIRECT = Route.DIRECT.ordinal();
  static final int SESSION = Route.SESSION.ordinal();
  static final int UNPIN = Route.UNPIN.ordinal();
  static final int PIN = Route.PIN.ordinal();

  /** Flag: the scanner did not find what it was asked to find. */
  static final int FAILED = 8;

  private static final int SHIFT = 4;
  private static final int ROUTE_MASK = 7;

  private ScanResult() {}

  static long packed(int position, int flags) {
    return (long) position << SHIFT | flags;
  }

  static long pinned(int position) {
    return packed(position, PIN);
  }

  static long failed(int position) {
    return packed(position, DIRECT | FAILED);
  }

  static int positionOf(long result) {
    return (int) (result >>> SHIFT);
  }

  static int routeOf(long result) {
    return (int) result & ROUTE_MASK;
  }
}

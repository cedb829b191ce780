package dev.neonjdbc.internal.routing;

/**
 * Where a SQL string must run, as decided by {@link SqlClassifier#classify(String)}.
 *
 * <p>The constants are declared in order of <em>strength</em>, weakest first, so that {@link
 * #compareTo(Enum)} and {@link #strongerOf(Route)} combine the routes of several statements sent in
 * one string: {@code POOLED < DIRECT < SESSION < UNPIN < PIN}. The order follows what each route
 * promises:
 *
 * <ul>
 *   <li>{@code DIRECT} beats {@code POOLED} because a direct session can run anything the pooler
 *       can, but not the other way round;
 *   <li>{@code SESSION} beats {@code DIRECT} because a session parameter set together with other
 *       statements must not reach a pooled backend, and the router has to read the parameters back
 *       afterwards;
 *   <li>{@code UNPIN} beats {@code SESSION} because it is direct too, and in addition says the
 *       string resets the session ({@code DISCARD ALL}); the router reads the parameters back after
 *       it as well;
 *   <li>{@code PIN} beats everything: once a string may leave session state behind, the logical
 *       connection has to stay on that session, even if the same string also contains {@code
 *       DISCARD ALL} (keeping a pin a little too long costs one direct session; dropping it too
 *       early loses state the application relies on).
 * </ul>
 */
public enum Route {
  /** Run on the pooled endpoint (PgBouncer in transaction mode); no session state survives. */
  POOLED,

  /** Run on the direct endpoint; the logical connection is not pinned by this statement. */
  DIRECT,

  /**
   * Sets or resets a session parameter ({@code SET name …}, {@code RESET name}, {@code RESET ALL},
   * {@code SET SESSION CHARACTERISTICS}, {@code set_config(…, false)}): logical state that the
   * router records and carries into every pooled transaction, not a pin (DESIGN.md, Routing, rule
   * 2). Inside a pooled transaction it runs there; otherwise on the direct session.
   */
  SESSION,

  /**
   * Run on the direct endpoint, then unpin: the statement ({@code DISCARD ALL}) resets the session,
   * so nothing is left that would need the same session afterwards.
   */
  UNPIN,

  /**
   * Run on the direct endpoint and pin the logical connection to that session: the statement leaves
   * session state behind (a {@code SET}, a temporary table, a session advisory lock, {@code
   * LISTEN}, a prepared statement, a held cursor, a role...).
   */
  PIN;

  /**
   * Tells whether the statement may change session parameters, so that the router reads them back
   * after it runs.
   *
   * @return {@code true} for {@link #SESSION} and {@link #UNPIN}
   */
  public boolean changesParameters() {
    return this == SESSION || this == UNPIN;
  }

  /**
   * Combines two routes of statements sent together: the stronger one wins.
   *
   * @param other the route of another statement in the same string
   * @return whichever of {@code this} and {@code other} is declared later
   */
  public Route strongerOf(Route other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}

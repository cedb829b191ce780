package dev.neonjdbc.internal.config;

/**
 * One read replica: the pooled endpoint read-only work goes to, its direct endpoint when it is
 * known, and the database and credentials when they differ from the primary's.
 *
 * @param pooled the replica's pooled endpoint (PgBouncer), where its work runs
 * @param direct the replica's direct endpoint (a Neon replica host names it), or {@code null}
 * @param database the database, or {@code null} for the primary's
 * @param user the login role, or {@code null} for the primary's
 * @param password the password, or {@code null} for the primary's; never shown
 */
public record ReplicaEndpoint(
    Endpoint pooled, Endpoint direct, String database, String user, String password) {

  /** A replica given by host only: the primary's database and credentials apply. */
  public ReplicaEndpoint(Endpoint pooled, Endpoint direct) {
    this(pooled, direct, null, null, null);
  }

  /** The pooled endpoint, as logs and messages name the replica. */
  @Override
  public String toString() {
    return pooled.toString();
  }
}

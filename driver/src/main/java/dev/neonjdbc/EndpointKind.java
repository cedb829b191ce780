package dev.neonjdbc;

/**
 * The endpoints a logical connection may use: the two of a Neon compute (or of any PostgreSQL
 * behind PgBouncer), and a read replica's pooled endpoint.
 */
public enum EndpointKind {
  /** PgBouncer in transaction mode: ordinary work. */
  POOLED,
  /** PostgreSQL itself: DDL, session state, LISTEN. */
  DIRECT,
  /**
   * A read replica's pooled endpoint (see {@link NeonProperty#REPLICA_HOSTS}): the work of a
   * read-only connection, and statements hinted <code>/* neon:replica *&#47;</code>. A logical
   * connection holds at most one replica session.
   */
  REPLICA;

  /** Lower-case name for logs and messages. */
  public String label() {
    return switch (this) {
      case POOLED -> "pooled";
      case DIRECT -> "direct";
      case REPLICA -> "replica";
    };
  }
}

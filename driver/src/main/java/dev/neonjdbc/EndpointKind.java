package dev.neonjdbc;

/** The two endpoints of a Neon compute, or of any PostgreSQL behind PgBouncer. */
public enum EndpointKind {
  /** PgBouncer in transaction mode: ordinary work. */
  POOLED,
  /** PostgreSQL itself: DDL, session state, LISTEN. */
  DIRECT;

  /** Lower-case name for logs and messages. */
  public String label() {
    return this == POOLED ? "pooled" : "direct";
  }
}

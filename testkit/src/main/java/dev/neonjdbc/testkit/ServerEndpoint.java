package dev.neonjdbc.testkit;

/** Which of a stack's two endpoints served a session. */
public enum ServerEndpoint {
  /** The pooler (PgBouncer, transaction mode): the session is a borrowed server backend. */
  POOLED,
  /** PostgreSQL itself: the session owns its backend. */
  DIRECT
}

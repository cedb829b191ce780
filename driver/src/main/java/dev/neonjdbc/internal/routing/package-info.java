/**
 * Per-statement routing between Neon's pooled endpoint (PgBouncer, transaction mode) and the direct
 * Postgres endpoint.
 *
 * <p>{@link dev.neonjdbc.internal.routing.SqlClassifier} reads a SQL string and answers with a
 * {@link dev.neonjdbc.internal.routing.Route}; the routing connection acts on that answer. The
 * classifier is pure (no state, no I/O) so it can be tested exhaustively and called on every {@code
 * execute}.
 */
package dev.neonjdbc.internal.routing;

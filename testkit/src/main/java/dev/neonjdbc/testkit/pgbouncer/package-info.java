/** PgBouncer configuration as this kit runs it, and a client for its admin console. */
package dev.neonjdbc.testkit.pgbouncer;

/**
 * The stack from locally installed binaries: a fresh PostgreSQL cluster ({@code initdb}) and a
 * PgBouncer child process, on free loopback ports. This is what CI runs. The PgBouncer is the one
 * that keeps prepared statements (1.21 or later, built by {@code
 * testkit/scripts/build-pgbouncer.sh} where the system has none) unless {@code
 * neon.testkit.pooler=plain} asks for the system's own.
 */
package dev.neonjdbc.testkit.local;

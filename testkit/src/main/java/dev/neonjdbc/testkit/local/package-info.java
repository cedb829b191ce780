/**
 * The stack from locally installed binaries: a fresh PostgreSQL cluster ({@code initdb}) and a
 * PgBouncer child process, on free loopback ports. This is what CI runs.
 */
package dev.neonjdbc.testkit.local;

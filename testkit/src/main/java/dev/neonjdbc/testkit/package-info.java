/**
 * A real, Neon-shaped database stack for tests: a pooled endpoint (PgBouncer in transaction mode)
 * and a direct endpoint (PostgreSQL), both behind TLS and SCRAM, started once per JVM.
 *
 * <p>Start with {@link dev.neonjdbc.testkit.NeonStacks#shared()} or annotate a JUnit 5 class with
 * {@link dev.neonjdbc.testkit.NeonStackTest} and take a {@link dev.neonjdbc.testkit.NeonStack}
 * parameter. Which stack is started is decided by {@link dev.neonjdbc.testkit.NeonStacks}.
 */
package dev.neonjdbc.testkit;

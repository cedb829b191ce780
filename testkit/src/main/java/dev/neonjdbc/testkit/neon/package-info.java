/** A real Neon branch as the stack, named by {@code NEON_TEST_DATABASE_URL}. */
package dev.neonjdbc.testkit.neon;

/**
 * Runnable examples of {@code jdbc:neon:}; {@link dev.neonjdbc.examples.Demo} is {@code ./dev
 * demo}.
 */
package dev.neonjdbc.examples;

/** examples module. */
package dev.neonjdbc.examples;

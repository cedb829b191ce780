/** benchmarks module. */
package dev.neonjdbc.benchmarks;

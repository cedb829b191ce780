/**
 * Micrometer meters for {@code jdbc:neon:}: {@link dev.neonjdbc.micrometer.NeonMetrics}, a {@code
 * MeterBinder} for a {@code NeonDataSource} or for every connection in the JVM.
 */
package dev.neonjdbc.micrometer;

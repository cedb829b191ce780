/**
 * {@link dev.neonjdbc.testkit.relay.LatencyRelay}: a TCP relay that delays every byte by a fixed
 * time per direction, to measure round trips on loopback.
 */
package dev.neonjdbc.testkit.relay;

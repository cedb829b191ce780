/**
 * A front shaped like Neon's proxy, started in front of any stack's pooled and direct endpoints:
 * {@link dev.neonjdbc.testkit.front.NeonFront} (TLS with SNI routing by endpoint id, direct TLS,
 * SCRAM-SHA-256-PLUS at the front, the WebSocket front, a compute that suspends and wakes, Neon's
 * error texts in {@link dev.neonjdbc.testkit.front.NeonError}).
 */
package dev.neonjdbc.testkit.front;

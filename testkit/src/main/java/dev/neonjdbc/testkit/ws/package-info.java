/**
 * The kit's WebSocket-to-TCP proxy, shaped like Neon's: {@link
 * dev.neonjdbc.testkit.ws.WebSocketProxy} relays binary WebSocket frames to a Postgres or PgBouncer
 * TCP port, with the target named in the URL ({@code /v1?address=host:port}, like Neon's wsproxy)
 * or fixed by configuration (any path, like Neon's proxy), optionally behind TLS from the kit's CA.
 * {@link dev.neonjdbc.testkit.ws.WebSocketServerStream} gives servers that speak a byte protocol
 * inside binary frames (the kit's Neon front) the same handshake as a stream.
 */
package dev.neonjdbc.testkit.ws;

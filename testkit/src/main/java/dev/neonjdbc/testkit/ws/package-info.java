/**
 * The kit's WebSocket-to-TCP proxy, shaped like Neon's: {@link
 * dev.neonjdbc.testkit.ws.WebSocketProxy} relays binary WebSocket frames to a Postgres or PgBouncer
 * TCP port, with the target named in the URL ({@code /v1?address=host:port}, like Neon's wsproxy)
 * or fixed by configuration (any path, like Neon's proxy), optionally behind TLS from the kit's CA.
 */
package dev.neonjdbc.testkit.ws;

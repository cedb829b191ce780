/**
 * The WebSocket transport ({@code transport=websocket}): pgJDBC's protocol carried in binary
 * WebSocket frames, as Neon's serverless driver does over {@code wss://HOST/v2}.
 *
 * <p>{@link dev.neonjdbc.internal.transport.WebSocketTransport} turns the {@code jdbc:neon:}
 * settings into pgJDBC properties ({@code socketFactory}, inner {@code sslmode=disable}) and
 * refuses unsafe or impossible combinations before anything is sent. pgJDBC then creates a {@link
 * dev.neonjdbc.internal.transport.WebSocketSocketFactory} per connection (and per cancel request),
 * whose sockets open the WebSocket in {@code connect} and behave like TCP sockets afterwards: reads
 * honour {@code SO_TIMEOUT}, writes are coalesced into one frame per {@code flush()} and block when
 * too much is in flight, and closing ends both directions. Like TCP sockets they have no threads of
 * their own: frames are read and written on the caller's thread.
 */
package dev.neonjdbc.internal.transport;

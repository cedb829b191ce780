package dev.neonjdbc.testkit.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoint's small pool of PostgreSQL sessions, keyed like Neon's HTTP pool by compute,
 * database and role ({@code proxy/src/serverless/conn_pool_lib.rs}, {@code db_and_user}) and here
 * also by the password that logged in, so a wrong password never borrows a session opened with the
 * right one.
 *
 * <p>A session goes back only when the request left it idle; on the way back it is reset with the
 * statements Neon's proxy sends ({@code libs/proxy/tokio-postgres2/src/client.rs}, {@code
 * reset_session_background}): {@value #RESET}. A session that fails the reset, is broken, or finds
 * its key's idle list full is closed.
 */
final class SessionPool implements AutoCloseable {
  /** What Neon's proxy runs on a session before it goes back to the pool. */
  static final String RESET =
      "ROLLBACK; CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL;"
          + " UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES;";

  private static final int IDLE_PER_KEY = 4;

  /** What a pooled session belongs to. */
  record Key(
      InetSocketAddress compute, String user, String database, String secret, String startup) {}

  private final Map<Key, Deque<WireSession>> idle = new HashMap<>();
  private final AtomicLong logins = new AtomicLong();
  private boolean closed;

  /** The key for {@code info} on {@code compute}; the password enters only as a digest. */
  static Key key(InetSocketAddress compute, ConnectionInfo info) {
    return new Key(
        compute, info.user(), info.database(), digest(info.password()), info.startup().toString());
  }

  /**
   * An idle session for {@code key}, or a new login.
   *
   * @throws PgErrorException the server's refusal of a new login
   */
  WireSession borrow(Key key, ConnectionInfo info) throws IOException, PgErrorException {
    synchronized (this) {
      Deque<WireSession> sessions = idle.get(key);
      while (sessions != null && !sessions.isEmpty()) {
        WireSession session = sessions.pollFirst();
        if (!session.broken()) {
          return session;
        }
        session.close();
      }
    }
    WireSession session =
        WireSession.login(
            key.compute(), info.user(), info.password(), info.database(), info.startup());
    logins.incrementAndGet();
    return session;
  }

  /** Resets {@code session} and keeps it when it is idle and healthy; closes it otherwise. */
  void release(Key key, WireSession session) {
    if (session.broken() || session.transactionStatus() != 'I') {
      session.close();
      return;
    }
    try {
      session.simpleQuery(RESET);
    } catch (IOException | PgErrorException e) {
      session.close();
      return;
    }
    synchronized (this) {
      Deque<WireSession> sessions = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
      if (closed || sessions.size() >= IDLE_PER_KEY) {
        session.close();
      } else {
        sessions.addFirst(session);
      }
    }
  }

  /** Closes {@code session} without returning it (Neon's {@code discard}). */
  void discard(WireSession session) {
    session.close();
  }

  /** Logins made so far (a pooled reuse makes none). */
  long logins() {
    return logins.get();
  }

  /** Number of idle sessions held. */
  synchronized int idleSessions() {
    return idle.values().stream().mapToInt(Deque::size).sum();
  }

  @Override
  public synchronized void close() {
    closed = true;
    idle.values().forEach(sessions -> sessions.forEach(WireSession::close));
    idle.clear();
  }

  private static String digest(String password) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(password.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.config.ConnectionSettings;
import dev.neonjdbc.internal.config.Masking;
import dev.neonjdbc.internal.config.ReplicaEndpoint;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the logical connections to one set of endpoints (a primary and its read replicas) share
 * about the replicas: which replica the next connection takes (round robin), which replicas are
 * down and until when, and when each thread last wrote on the primary (read-your-writes).
 *
 * <p>Connections share one set when their settings name the same primary endpoints, database, user
 * and replicas: every connection of a data source, and every {@code DriverManager} connection to an
 * equal URL. Thread-safe; nothing here blocks.
 *
 * <p><b>Read-your-writes.</b> A replica replays the primary's WAL a little behind it (usually
 * milliseconds, more under load). A thread that has just written on the primary and then reads on a
 * replica could miss its own write. So after a thread wrote through this set, read-only work on
 * that thread goes to the primary's pooled endpoint for {@code replicaReadAfterWrite} milliseconds
 * (still READ ONLY). A time window costs nothing per write (no extra round trip to read the
 * primary's WAL position, none to ask the replica how far it has replayed). Its limits: a replica
 * lagging more than the window still shows old data; another thread, or another process, sees the
 * write on the replica only once it has been replayed; a write made through another set of
 * endpoints (another URL, another data source) does not count.
 */
final class ReplicaSet {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaSet.class);

  private static final Map<String, ReplicaSet> SETS = new ConcurrentHashMap<>();

  private final List<ReplicaEndpoint> replicas;
  private final long readAfterWriteNanos;
  private final long downForNanos;
  private final LongSupplier clock;
  private final ConnectionSettings settings;

  // Per replica: the clock reading until which it is skipped; 0 when it is up.
  private final AtomicLongArray downUntil;
  private final AtomicInteger next = new AtomicInteger();
  // Per thread: {1 when it wrote, the clock reading of its last write}.
  private final ThreadLocal<long[]> lastWrite = ThreadLocal.withInitial(() -> new long[2]);

  ReplicaSet(ConnectionSettings settings, LongSupplier clock) {
    this.settings = settings;
    this.replicas = settings.replicas();
    this.readAfterWriteNanos = settings.replicaReadAfterWriteMillis() * 1_000_000L;
    this.downForNanos = settings.replicaDownForMillis() * 1_000_000L;
    this.clock = clock;
    this.downUntil = new AtomicLongArray(replicas.size());
  }

  /**
   * The set shared by connections with settings like {@code settings}, or {@code null} when they
   * name no replica.
   */
  static ReplicaSet forSettings(ConnectionSettings settings) {
    if (settings.replicas().isEmpty()) {
      return null;
    }
    return SETS.computeIfAbsent(
        identity(settings), key -> new ReplicaSet(settings, System::nanoTime));
  }

  /** What makes two settings reach the same servers as the same login (no secrets). */
  private static String identity(ConnectionSettings settings) {
    StringBuilder key = new StringBuilder();
    key.append(settings.endpoint(EndpointKind.POOLED))
        .append('|')
        .append(settings.endpoint(EndpointKind.DIRECT))
        .append('|')
        .append(settings.singleEndpoint())
        .append('|')
        .append(settings.database())
        .append('|')
        .append(settings.pgjdbcProperties().getProperty("user"))
        .append('|')
        .append(settings.replicaReadAfterWriteMillis())
        .append('|')
        .append(settings.replicaDownForMillis());
    for (ReplicaEndpoint replica : settings.replicas()) {
      key.append('|')
          .append(replica.pooled())
          .append('/')
          .append(replica.database())
          .append('/')
          .append(replica.user());
    }
    return key.toString();
  }

  /** The replicas, in the order configured. */
  List<ReplicaEndpoint> replicas() {
    return replicas;
  }

  /**
   * The replica a connection takes now: the next one in turn that is not down, or -1 when every
   * replica is down.
   */
  int pick() {
    int count = replicas.size();
    int start = Math.floorMod(next.getAndIncrement(), count);
    long now = clock.getAsLong();
    for (int i = 0; i < count; i++) {
      int index = (start + i) % count;
      if (!isDown(index, now)) {
        return index;
      }
    }
    return -1;
  }

  /** Whether some replica is not being skipped now. */
  boolean anyUp() {
    long now = clock.getAsLong();
    for (int i = 0; i < replicas.size(); i++) {
      if (!isDown(i, now)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the replica at {@code index} is being skipped now. */
  boolean isDown(int index) {
    return isDown(index, clock.getAsLong());
  }

  private boolean isDown(int index, long now) {
    long until = downUntil.get(index);
    return until != 0 && now - until < 0;
  }

  /**
   * Skips the replica at {@code index} for {@code replicaDownFor}, because {@code cause} says it
   * did not answer. The first report of a down period is logged at WARN; later ones in the same
   * period are not.
   *
   * @return whether this call began the down period (and logged it)
   */
  boolean markDown(int index, SQLException cause) {
    long now = clock.getAsLong();
    while (true) {
      long until = downUntil.get(index);
      if (until != 0 && now - until < 0) {
        return false; // already down: reported when the period began
      }
      long newUntil = now + downForNanos;
      if (newUntil == 0) {
        newUntil = 1; // 0 means "up"
      }
      if (downUntil.compareAndSet(index, until, newUntil)) {
        LOG.warn(
            "jdbc:neon: read replica {} did not answer ({}); read-only work runs on the primary,"
                + " READ ONLY, for the next {} s",
            shown(replicas.get(index).toString()),
            reason(cause),
            settings.replicaDownForMillis() / 1000);
        return true;
      }
    }
  }

  /** A host as a log line may show it: masked if it could be a part of a password. */
  private String shown(String text) {
    return settings.mayRevealSecret(text) ? Masking.MASK : text;
  }

  private String reason(SQLException cause) {
    String message = String.valueOf(cause.getMessage());
    return "SQLState "
        + cause.getSQLState()
        + (settings.mayRevealSecret(message) ? "" : ": " + message);
  }

  /** Records that this thread wrote on the primary just now. */
  void recordWrite() {
    long[] write = lastWrite.get();
    write[0] = 1;
    write[1] = clock.getAsLong();
  }

  /**
   * Whether this thread wrote on the primary less than {@code replicaReadAfterWrite} ago, so that
   * its read-only work reads the primary.
   */
  boolean readsPrimaryAfterWrite() {
    if (readAfterWriteNanos == 0) {
      return false;
    }
    long[] write = lastWrite.get();
    return write[0] != 0 && clock.getAsLong() - write[1] < readAfterWriteNanos;
  }
}

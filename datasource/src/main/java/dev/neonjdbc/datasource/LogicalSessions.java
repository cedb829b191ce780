package dev.neonjdbc.datasource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.SessionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SessionSource} of one logical connection of a {@link NeonDataSource}: each endpoint's
 * sessions come from its HikariCP pool when it has one, else are opened and closed here. Direct
 * sessions from a pool are lent per statement.
 *
 * <p>Sessions opened without a pool are remembered, so that closing the data source can close them
 * even when the application never closes its connection.
 */
final class LogicalSessions implements SessionSource {
  private static final Logger LOG = LoggerFactory.getLogger(LogicalSessions.class);

  private final DataSourceRuntime runtime;
  private final Connection[] unpooled = new Connection[EndpointKind.values().length];
  private long directSince;

  LogicalSessions(DataSourceRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public boolean lendsPerStatement(EndpointKind kind) {
    return kind == EndpointKind.DIRECT && runtime.pool(kind) != null;
  }

  @Override
  public Connection acquire(EndpointKind kind) throws SQLException {
    runtime.checkOpen();
    HikariDataSource pool = runtime.pool(kind);
    Connection session;
    if (pool != null) {
      session = borrow(pool, kind);
    } else {
      session = runtime.endpoint(kind).getConnection();
      synchronized (this) {
        unpooled[kind.ordinal()] = session;
      }
      runtime.track(this);
    }
    if (kind == EndpointKind.DIRECT) {
      directSince = System.nanoTime();
      runtime.counters().directBorrowed();
    }
    return session;
  }

  private Connection borrow(HikariDataSource pool, EndpointKind kind) throws SQLException {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw runtime.explainBorrowFailure(kind, e);
    }
  }

  @Override
  public void release(Connection session, EndpointKind kind, boolean needsReset)
      throws SQLException {
    if (kind == EndpointKind.DIRECT) {
      runtime.counters().directReturned(System.nanoTime() - directSince);
    }
    HikariDataSource pool = runtime.pool(kind);
    if (pool == null) {
      forget(kind);
      session.close();
      return;
    }
    if (needsReset) {
      try {
        SessionReset.reset(session, kind, runtime.endpoint(kind).defaults());
      } catch (SQLException | RuntimeException e) {
        // A session that cannot be reset must not serve anyone else.
        LOG.warn("could not reset a {} session; evicting it from the pool", kind.label(), e);
        pool.evictConnection(session);
        return;
      }
    }
    session.close();
  }

  @Override
  public void abort(Connection session, EndpointKind kind, Executor executor) throws SQLException {
    HikariDataSource pool = runtime.pool(kind);
    if (pool == null) {
      forget(kind);
      session.abort(executor);
    } else {
      pool.evictConnection(session);
    }
  }

  private void forget(EndpointKind kind) {
    boolean holdsAny = false;
    synchronized (this) {
      unpooled[kind.ordinal()] = null;
      for (Connection session : unpooled) {
        holdsAny |= session != null;
      }
    }
    if (!holdsAny) {
      runtime.untrack(this);
    }
  }

  /** Closes the sessions opened without a pool (the data source is closing). */
  void closeUnpooled() {
    Connection[] open;
    synchronized (this) {
      open = unpooled.clone();
      Arrays.fill(unpooled, null);
    }
    for (Connection session : open) {
      if (session != null) {
        try {
          session.close();
        } catch (SQLException e) {
          LOG.debug("closing a session at data source close failed", e);
        }
      }
    }
  }
}

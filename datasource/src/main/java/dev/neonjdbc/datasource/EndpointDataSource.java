package dev.neonjdbc.datasource;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.NeonEndpoints;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Opens new physical pgJDBC sessions to one endpoint (the endpoints report each connect, counted by
 * {@link Counters}). HikariCP gets one of these as its {@code dataSource}; without a pool, sessions
 * are opened through it directly.
 *
 * <p>The first session it opens tells what a fresh session looks like (holdability, application
 * name), which {@link SessionReset} restores before a session returns to its pool.
 */
final class EndpointDataSource implements DataSource {
  private final NeonEndpoints endpoints;
  private final EndpointKind kind;
  private volatile SessionDefaults defaults;
  private volatile int loginTimeoutSeconds = 5;

  EndpointDataSource(NeonEndpoints endpoints, EndpointKind kind) {
    this.endpoints = endpoints;
    this.kind = kind;
  }

  EndpointKind kind() {
    return kind;
  }

  /** What a fresh session of this endpoint looks like; {@code null} before the first one. */
  SessionDefaults defaults() {
    return defaults;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection session = endpoints.open(kind);
    if (defaults == null) {
      try {
        defaults = SessionDefaults.of(session);
      } catch (SQLException | RuntimeException e) {
        try {
          session.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
    return session;
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "sessions of a NeonDataSource use the data source's user and password", "0A000");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // jdbc:neon: logs through SLF4J.
  }

  /**
   * Remembered only: the connect timeout is a {@code jdbc:neon:} URL setting ({@code
   * connect_timeout}). HikariCP sets it from its connection timeout and waits this long for its
   * connection-adding thread at shutdown.
   */
  @Override
  public void setLoginTimeout(int seconds) {
    loginTimeoutSeconds = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeoutSeconds;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("jdbc:neon: logs through SLF4J", "0A000");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper for " + iface.getName(), "0A000");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}

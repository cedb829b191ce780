package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.SessionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Executor;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The driver's {@link RouterSessionSource}: sessions from a {@link SessionSource}, their
 * transaction state as pgJDBC tracks it, and the server's answers to {@link ServerChecks}' and
 * {@link SessionParameters}' queries.
 */
final class PgJdbcSessionSource implements RouterSessionSource {
  private final SessionSource source;

  PgJdbcSessionSource(SessionSource source) {
    this.source = source;
  }

  @Override
  public Connection acquire(EndpointKind kind) throws SQLException {
    return source.acquire(kind);
  }

  @Override
  public void release(Connection session, EndpointKind kind, boolean needsReset)
      throws SQLException {
    source.release(session, kind, needsReset);
  }

  @Override
  public void abort(Connection session, EndpointKind kind, Executor executor) throws SQLException {
    source.abort(session, kind, executor);
  }

  @Override
  public boolean lendsPerStatement(EndpointKind kind) {
    return source.lendsPerStatement(kind);
  }

  @Override
  public TransactionStatus transactionStatus(Connection session) throws SQLException {
    // A session from a pool is its proxy: unwrap it (pgJDBC's own connection is checked first).
    BaseConnection base =
        session instanceof BaseConnection
            ? (BaseConnection) session
            : session.unwrap(BaseConnection.class);
    TransactionState state = base.getTransactionState();
    return state == TransactionState.IDLE
        ? TransactionStatus.IDLE
        : state == TransactionState.FAILED ? TransactionStatus.FAILED : TransactionStatus.OPEN;
  }

  @Override
  public ServerChecks.MoveCheck moveCheck(Connection pooled, SessionParameters parameters)
      throws SQLException {
    return ServerChecks.mayMove(pooled, parameters);
  }

  @Override
  public ServerChecks.PinCheck pinCheck(Connection direct, SessionParameters parameters)
      throws SQLException {
    return ServerChecks.pinHolds(direct, parameters);
  }

  @Override
  public Map<String, String> readParameters(Connection session, String query) throws SQLException {
    return SessionParameters.query(session, query);
  }
}

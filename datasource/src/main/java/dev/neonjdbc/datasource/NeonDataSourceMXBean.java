package dev.neonjdbc.datasource;

import java.util.Map;

/**
 * The counters of a {@link NeonDataSource} over JMX, registered as {@code
 * dev.neonjdbc:type=NeonDataSource,name=POOL_NAME} while the data source runs. HikariCP registers
 * its own {@code com.zaxxer.hikari:type=Pool (POOL_NAME-direct)} for the direct pool.
 *
 * <p>The per-endpoint attributes ({@code StatementsByEndpoint}, {@code ConnectsByEndpoint}) list
 * every endpoint kind by its label; {@code PooledStatements}, {@code DirectStatements} and the
 * other named ones read the same counters.
 */
public interface NeonDataSourceMXBean {
  /** The client pooling policy in effect: auto, on or off. */
  String getClientPooling();

  /** Statements that ran on the pooled endpoint. */
  long getPooledStatements();

  /** Statements that ran on the direct endpoint. */
  long getDirectStatements();

  /** Physical sessions opened to the pooled endpoint. */
  long getPooledConnects();

  /** Physical sessions opened to the direct endpoint. */
  long getDirectConnects();

  /** Logical connections that became pinned to a direct session. */
  long getPins();

  /** Statements refused inside a pooled transaction. */
  long getRefusals();

  /** Times a logical connection took a direct session. */
  long getDirectBorrows();

  /** Total milliseconds direct sessions were held by logical connections. */
  long getDirectBorrowMillis();

  /** The longest single hold of a direct session, in milliseconds. */
  long getMaxDirectBorrowMillis();

  /** Direct sessions in use now (0 without a direct pool). */
  int getActiveDirectSessions();

  /** Idle direct sessions in the pool now (0 without a direct pool). */
  int getIdleDirectSessions();

  /** Statements that ran, per endpoint kind label ({@code pooled}, {@code direct}, …). */
  Map<String, Long> getStatementsByEndpoint();

  /** Physical sessions opened, per endpoint kind label. */
  Map<String, Long> getConnectsByEndpoint();
}

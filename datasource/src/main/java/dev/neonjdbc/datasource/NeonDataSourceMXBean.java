package dev.neonjdbc.datasource;

/**
 * The counters of a {@link NeonDataSource} over JMX, registered as {@code
 * dev.neonjdbc:type=NeonDataSource,name=POOL_NAME} while the data source runs. HikariCP registers
 * its own {@code com.zaxxer.hikari:type=Pool (POOL_NAME-direct)} for the direct pool.
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
}

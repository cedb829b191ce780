package dev.neonjdbc.datasource;

import java.time.Duration;

/**
 * Counters of a {@link NeonDataSource} since it started, as returned by {@link
 * NeonDataSource#stats()} and shown through JMX ({@link NeonDataSourceMXBean}).
 *
 * @param pooledStatements statements that ran on the pooled endpoint
 * @param directStatements statements that ran on the direct endpoint
 * @param pooledConnects physical sessions opened to the pooled endpoint
 * @param directConnects physical sessions opened to the direct endpoint
 * @param pins logical connections that became pinned to a direct session
 * @param refusals statements refused inside a pooled transaction (SQLState 0A000)
 * @param directBorrows times a logical connection took a direct session
 * @param directBorrowTime total time direct sessions were held by logical connections
 * @param maxDirectBorrowTime the longest single hold of a direct session
 */
public record NeonDataSourceStats(
    long pooledStatements,
    long directStatements,
    long pooledConnects,
    long directConnects,
    long pins,
    long refusals,
    long directBorrows,
    Duration directBorrowTime,
    Duration maxDirectBorrowTime) {}

package dev.neonjdbc.datasource;

import dev.neonjdbc.EndpointKind;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of a {@link NeonDataSource} since it started, as returned by {@link
 * NeonDataSource#stats()} and shown through JMX ({@link NeonDataSourceMXBean}).
 *
 * @param statements statements that ran, per endpoint kind (every kind present)
 * @param connects physical sessions opened, per endpoint kind (every kind present)
 * @param pins logical connections that became pinned to a direct session
 * @param refusals statements refused inside a pooled transaction (SQLState 0A000)
 * @param directBorrows times a logical connection took a direct session
 * @param directBorrowTime total time direct sessions were held by logical connections
 * @param maxDirectBorrowTime the longest single hold of a direct session
 */
public record NeonDataSourceStats(
    Map<EndpointKind, Long> statements,
    Map<EndpointKind, Long> connects,
    long pins,
    long refusals,
    long directBorrows,
    Duration directBorrowTime,
    Duration maxDirectBorrowTime) {

  /** Copies the maps, filling a kind that is missing with 0. */
  public NeonDataSourceStats {
    statements = complete(statements);
    connects = complete(connects);
  }

  private static Map<EndpointKind, Long> complete(Map<EndpointKind, Long> counts) {
    Map<EndpointKind, Long> copy = new EnumMap<>(EndpointKind.class);
    for (EndpointKind kind : EndpointKind.values()) {
      Long count = counts == null ? null : counts.get(kind);
      copy.put(kind, count == null ? 0L : count);
    }
    return Collections.unmodifiableMap(copy);
  }

  /** Statements that ran on the endpoint of {@code kind}. */
  public long statements(EndpointKind kind) {
    return statements.get(kind);
  }

  /** Physical sessions opened to the endpoint of {@code kind}. */
  public long connects(EndpointKind kind) {
    return connects.get(kind);
  }

  /** Statements that ran on the pooled endpoint. */
  public long pooledStatements() {
    return statements(EndpointKind.POOLED);
  }

  /** Statements that ran on the direct endpoint. */
  public long directStatements() {
    return statements(EndpointKind.DIRECT);
  }

  /** Physical sessions opened to the pooled endpoint. */
  public long pooledConnects() {
    return connects(EndpointKind.POOLED);
  }

  /** Physical sessions opened to the direct endpoint. */
  public long directConnects() {
    return connects(EndpointKind.DIRECT);
  }
}

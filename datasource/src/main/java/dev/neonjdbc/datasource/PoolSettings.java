package dev.neonjdbc.datasource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import dev.neonjdbc.EndpointKind;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HikariCP settings of a {@link NeonDataSource}'s pools, read from {@link DataSourceProperty}
 * when it starts, with the defaults that suit each endpoint: a small direct pool that holds nothing
 * while idle, and (with {@code clientPooling=on}) a pooled-endpoint pool with a short idle timeout.
 *
 * <p>After a suspend (every backend of the compute ended) the pools recover by validating, not by a
 * sweep: HikariCP checks a session that has been idle for more than half a second before it lends
 * it (pgJDBC's {@code isValid}, an empty query, which fails at once on a closed connection) and
 * evicts it when the check fails; the replacement is a new connect, which retries while the compute
 * wakes ({@code connectRetry}, within {@code loginTimeout}). Validation is kept because a session
 * can die at any time, not only at a suspend; an eviction sweep on the first dead session would add
 * nothing the check does not already catch, and would drop sessions that are still good after a
 * single backend ends. No connection test query is set: {@code isValid} is what HikariCP uses then.
 */
final class PoolSettings {
  private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

  private final Properties settings;
  private final String poolName;
  private final Object metricRegistry;
  private final MetricsTrackerFactory metricsTrackerFactory;

  /** The pool settings as they stand when the data source starts. */
  PoolSettings(DataSourceSettings configured) {
    this.settings = configured.ownSettings();
    String name = DataSourceProperty.POOL_NAME.get(settings);
    this.poolName = name != null ? name : "neon-" + POOL_NUMBER.incrementAndGet();
    this.metricRegistry = configured.getObject(DataSourceProperty.METRIC_REGISTRY);
    this.metricsTrackerFactory =
        (MetricsTrackerFactory) configured.getObject(DataSourceProperty.METRICS_TRACKER_FACTORY);
  }

  /** The pool name: as set, else {@code neon-N}. */
  String poolName() {
    return poolName;
  }

  boolean registerMbeans() {
    return DataSourceProperty.REGISTER_MBEANS.getBoolean(settings);
  }

  /** A new pool of sessions of {@code endpoint}, named {@code POOL_NAME-KIND}. */
  HikariDataSource pool(EndpointDataSource endpoint) {
    EndpointKind kind = endpoint.kind();
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName + "-" + kind.label());
    config.setDataSource(endpoint);
    config.setMaximumPoolSize(DataSourceProperty.maximumSize(kind).getInt(settings));
    // Nothing is opened before it is needed, and idle sessions go away: an idle application
    // holds no server session (and lets a Neon compute scale to zero).
    config.setMinimumIdle(0);
    config.setIdleTimeout(DataSourceProperty.idleTimeout(kind).getMillis(settings));
    config.setInitializationFailTimeout(-1);
    long connectionTimeout = DataSourceProperty.CONNECTION_TIMEOUT.getMillis(settings);
    config.setConnectionTimeout(connectionTimeout);
    config.setMaxLifetime(DataSourceProperty.MAX_LIFETIME.getMillis(settings));
    // HikariCP shortens a longer validation to the connection timeout, with a warning.
    config.setValidationTimeout(
        Math.min(DataSourceProperty.VALIDATION_TIMEOUT.getMillis(settings), connectionTimeout));
    config.setAutoCommit(true);
    config.setRegisterMbeans(registerMbeans());
    if (metricsTrackerFactory != null) {
      config.setMetricsTrackerFactory(metricsTrackerFactory);
    } else if (metricRegistry != null) {
      config.setMetricRegistry(metricRegistry);
    }
    return new HikariDataSource(config);
  }
}

package dev.neonjdbc.datasource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HikariCP settings of a {@link NeonDataSource}'s pools, with the defaults that suit each
 * endpoint: a small direct pool that holds nothing while idle, and (with {@code clientPooling=on})
 * a pooled-endpoint pool with a short idle timeout.
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

  String poolName;
  int directMaximumSize = 4;
  long directIdleTimeoutMillis = TimeUnit.SECONDS.toMillis(60);
  int pooledMaximumSize = 10;
  long pooledIdleTimeoutMillis = TimeUnit.SECONDS.toMillis(30);
  long connectionTimeoutMillis = TimeUnit.SECONDS.toMillis(10);
  long maxLifetimeMillis = TimeUnit.MINUTES.toMillis(30);
  long validationTimeoutMillis = TimeUnit.SECONDS.toMillis(5);
  boolean registerMbeans = true;
  Object metricRegistry;
  MetricsTrackerFactory metricsTrackerFactory;

  /** The pool name, chosen now if none was set. */
  String poolName() {
    if (poolName == null) {
      poolName = "neon-" + POOL_NUMBER.incrementAndGet();
    }
    return poolName;
  }

  boolean registerMbeans() {
    return registerMbeans;
  }

  HikariDataSource directPool(EndpointDataSource endpoint) {
    return new HikariDataSource(
        config(endpoint, "-direct", directMaximumSize, directIdleTimeoutMillis));
  }

  HikariDataSource pooledPool(EndpointDataSource endpoint) {
    return new HikariDataSource(
        config(endpoint, "-pooled", pooledMaximumSize, pooledIdleTimeoutMillis));
  }

  private HikariConfig config(
      EndpointDataSource endpoint, String suffix, int maximumSize, long idleTimeoutMillis) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName() + suffix);
    config.setDataSource(endpoint);
    config.setMaximumPoolSize(maximumSize);
    // Nothing is opened before it is needed, and idle sessions go away: an idle application
    // holds no server session (and lets a Neon compute scale to zero).
    config.setMinimumIdle(0);
    config.setIdleTimeout(idleTimeoutMillis);
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(connectionTimeoutMillis);
    config.setMaxLifetime(maxLifetimeMillis);
    config.setValidationTimeout(Math.min(validationTimeoutMillis, connectionTimeoutMillis));
    config.setAutoCommit(true);
    config.setRegisterMbeans(registerMbeans);
    if (metricsTrackerFactory != null) {
      config.setMetricsTrackerFactory(metricsTrackerFactory);
    } else if (metricRegistry != null) {
      config.setMetricRegistry(metricRegistry);
    }
    return config;
  }
}

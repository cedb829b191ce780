package dev.neonjdbc.datasource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.spi.NeonEndpoints;
import dev.neonjdbc.spi.RoutingEventListeners;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started {@link NeonDataSource}: the resolved settings, the HikariCP pools its client pooling
 * policy asks for, the counters and the JMX registration. Created once, on first use.
 */
final class DataSourceRuntime implements NeonDataSourceMXBean {
  private static final Logger LOG = LoggerFactory.getLogger(DataSourceRuntime.class);

  private static final EndpointKind[] KINDS = EndpointKind.values();

  private final String poolName;
  private final ClientPooling clientPooling;
  private final NeonEndpoints endpoints;
  private final Counters counters = new Counters();
  // The counters first, then the listeners added to the data source (metrics).
  private final RoutingEventListeners events = new RoutingEventListeners();
  // One slot per endpoint kind; a kind without a pool has no entry in pools.
  private final Map<EndpointKind, EndpointDataSource> endpointSources =
      new EnumMap<>(EndpointKind.class);
  private final Map<EndpointKind, HikariDataSource> pools = new EnumMap<>(EndpointKind.class);
  private final Set<LogicalSessions> unpooledHolders = ConcurrentHashMap.newKeySet();
  private final ObjectName objectName;
  private volatile boolean closed;

  /**
   * @param listeners where the data source's listeners are (they may be added before and after
   *     start): every event reaches the counters, then them
   */
  DataSourceRuntime(
      String url, Properties info, PoolSettings settings, RoutingEventListeners listeners)
      throws SQLException {
    events.add(counters);
    events.add(listeners);
    this.endpoints = NeonEndpoints.resolve(url, info, events);
    counters.reportThrough(endpoints.events());
    this.poolName = settings.poolName();
    this.clientPooling = ClientPooling.of(endpoints.neonProperties());
    for (EndpointKind kind : KINDS) {
      endpointSources.put(kind, new EndpointDataSource(endpoints, kind));
    }
    try {
      for (EndpointKind kind : KINDS) {
        if (clientPooling.pools(kind)) {
          pools.put(kind, settings.pool(endpointSources.get(kind)));
        }
      }
    } catch (RuntimeException e) {
      pools.values().forEach(HikariDataSource::close);
      throw e;
    }
    this.objectName = settings.registerMbeans() ? register() : null;
    LOG.debug(
        "NeonDataSource {} started: clientPooling={}, {}",
        poolName,
        clientPooling.label(),
        endpoints.maskedUrl());
  }

  private ObjectName register() {
    try {
      ObjectName name =
          new ObjectName("dev.neonjdbc:type=NeonDataSource,name=" + ObjectName.quote(poolName));
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      if (server.isRegistered(name)) {
        LOG.warn("an MBean named {} is registered already; pool names should be unique", name);
        return null;
      }
      server.registerMBean(this, name);
      return name;
    } catch (JMException e) {
      LOG.warn("could not register the NeonDataSource MBean for {}", poolName, e);
      return null;
    }
  }

  Connection newConnection() throws SQLException {
    checkOpen();
    return endpoints.connect(new LogicalSessions(this), events);
  }

  void checkOpen() throws SQLException {
    if (closed) {
      throw new SQLException("NeonDataSource " + poolName + " has been closed.", "08003");
    }
  }

  /** The pool of {@code kind}'s endpoint, or {@code null} when its sessions are not pooled. */
  HikariDataSource pool(EndpointKind kind) {
    return pools.get(kind);
  }

  EndpointDataSource endpoint(EndpointKind kind) {
    return endpointSources.get(kind);
  }

  Counters counters() {
    return counters;
  }

  void track(LogicalSessions sessions) {
    unpooledHolders.add(sessions);
  }

  void untrack(LogicalSessions sessions) {
    unpooledHolders.remove(sessions);
  }

  /**
   * Turns HikariCP's "Connection is not available" into a message that says which pool ran dry and
   * what to do, or into the connect error when the endpoint refused; HikariCP's other refusals (a
   * closed pool) get the SQLState they lack: 08003 once this data source is closed, else 08001.
   */
  SQLException explainBorrowFailure(EndpointKind kind, SQLException e) {
    if (!(e instanceof SQLTransientConnectionException)) {
      // HikariCP's other refusals carry no SQLState: a closed or suspended pool.
      return e.getSQLState() != null
          ? e
          : new SQLException(
              "Could not borrow a " + kind.label() + " session: " + e.getMessage(),
              closed ? "08003" : "08001",
              e);
    }
    if (e.getCause() instanceof SQLException) {
      SQLException cause = (SQLException) e.getCause();
      return new SQLTransientConnectionException(
          "Could not open a " + kind.label() + " session: " + cause.getMessage(),
          cause.getSQLState() == null ? "08001" : cause.getSQLState(),
          e);
    }
    HikariDataSource pool = pool(kind);
    HikariPoolMXBean bean = pool.getHikariPoolMXBean();
    String usage =
        bean == null
            ? ""
            : " (" + bean.getActiveConnections() + " of " + pool.getMaximumPoolSize() + " in use)";
    String advice =
        (kind == EndpointKind.DIRECT
                ? " Pinned connections (LISTEN, temporary tables, session SET) and open direct"
                    + " transactions hold their direct session until they end: close them sooner,"
                    + " or raise "
                : " Close connections sooner, or raise ")
            + DataSourceProperty.maximumSize(kind).getName()
            + ".";
    return new SQLTransientConnectionException(
        "No "
            + kind.label()
            + " session became free within "
            + pool.getConnectionTimeout()
            + " ms: the "
            + kind.label()
            + " pool "
            + pool.getPoolName()
            + " is exhausted"
            + usage
            + "."
            + advice,
        "08001",
        e);
  }

  /** HikariCP's view of the pool of {@code kind}'s endpoint, or {@code null} without one. */
  HikariPoolMXBean poolMXBean(EndpointKind kind) {
    HikariDataSource pool = pools.get(kind);
    return pool == null ? null : pool.getHikariPoolMXBean();
  }

  NeonDataSourceStats stats() {
    return counters.snapshot();
  }

  /** Closes the pools (HikariCP ends their threads and sessions) and the unpooled sessions. */
  void close() {
    closed = true;
    if (objectName != null) {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(objectName);
      } catch (JMException e) {
        LOG.debug("could not unregister {}", objectName, e);
      }
    }
    for (LogicalSessions sessions : unpooledHolders) {
      sessions.closeUnpooled();
    }
    unpooledHolders.clear();
    pools.values().forEach(HikariDataSource::close);
  }

  // ---- NeonDataSourceMXBean ------------------------------------------------------------------

  @Override
  public String getClientPooling() {
    return clientPooling.label();
  }

  @Override
  public long getPooledStatements() {
    return stats().pooledStatements();
  }

  @Override
  public long getDirectStatements() {
    return stats().directStatements();
  }

  @Override
  public long getPooledConnects() {
    return stats().pooledConnects();
  }

  @Override
  public long getDirectConnects() {
    return stats().directConnects();
  }

  @Override
  public long getPins() {
    return stats().pins();
  }

  @Override
  public long getRefusals() {
    return stats().refusals();
  }

  @Override
  public long getDirectBorrows() {
    return stats().directBorrows();
  }

  @Override
  public long getDirectBorrowMillis() {
    return stats().directBorrowTime().toMillis();
  }

  @Override
  public long getMaxDirectBorrowMillis() {
    return stats().maxDirectBorrowTime().toMillis();
  }

  @Override
  public int getActiveDirectSessions() {
    HikariPoolMXBean bean = poolMXBean(EndpointKind.DIRECT);
    return bean == null ? 0 : bean.getActiveConnections();
  }

  @Override
  public int getIdleDirectSessions() {
    HikariPoolMXBean bean = poolMXBean(EndpointKind.DIRECT);
    return bean == null ? 0 : bean.getIdleConnections();
  }

  @Override
  public Map<String, Long> getStatementsByEndpoint() {
    return byLabel(stats().statements());
  }

  @Override
  public Map<String, Long> getConnectsByEndpoint() {
    return byLabel(stats().connects());
  }

  private static Map<String, Long> byLabel(Map<EndpointKind, Long> counts) {
    Map<String, Long> byLabel = new LinkedHashMap<>();
    counts.forEach((kind, count) -> byLabel.put(kind.label(), count));
    return byLabel;
  }

  String clientPooling() {
    return clientPooling.label();
  }

  String poolName() {
    return poolName;
  }
}

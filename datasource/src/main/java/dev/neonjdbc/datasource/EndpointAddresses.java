package dev.neonjdbc.datasource;

import dev.neonjdbc.Driver;
import dev.neonjdbc.NeonProperty;
import java.net.InetSocketAddress;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import javax.net.SocketFactory;
import org.postgresql.core.SocketFactoryFactory;

/**
 * Where a data source's endpoints are, as the driver resolves them, without opening a session.
 *
 * <p>The driver's public {@link Driver#getPropertyInfo} reads the URL, the properties and the
 * environment exactly as a connection does, and lists pgJDBC's properties for the endpoint that
 * {@code route} selects, {@code PGHOST} and {@code PGPORT} among them: asked once with {@code
 * route=pooled} and once with {@code route=direct}, it names both endpoints. A URL with a single
 * endpoint refuses {@code route=direct}: then there is no direct endpoint. A {@code route} written
 * in the URL wins over the one asked for, and then the other endpoint is not in use.
 *
 * @param pooled the pooled endpoint ({@code host:port}), or {@code null} when not in use
 * @param direct the direct endpoint, or {@code null} when there is none or it is not in use
 * @param replicas whether read replicas are configured ({@code replicaHosts}, or {@code
 *     DATABASE_URL_REPLICA} for the bare {@code jdbc:neon:} URL)
 * @param webSocket whether sessions travel over the WebSocket tunnel ({@code transport=websocket})
 * @param socketSettings the pgJDBC socket factory settings ({@code socketFactory}, {@code
 *     socketFactoryArg}) sessions use, to reach the endpoints the same way
 */
record EndpointAddresses(
    String pooled, String direct, boolean replicas, boolean webSocket, Properties socketSettings) {

  private static final String ROUTE = NeonProperty.ROUTE.getName();

  /** Resolves the endpoints of {@code url} with {@code info} (the data source's settings). */
  static EndpointAddresses resolve(String url, Properties info) throws SQLException {
    Driver driver = new Driver();
    DriverPropertyInfo[] asPooled = driver.getPropertyInfo(url, withRoute(info, "pooled"));
    DriverPropertyInfo[] asDirect;
    try {
      asDirect = driver.getPropertyInfo(url, withRoute(info, "direct"));
    } catch (SQLException onlyOneEndpoint) {
      asDirect = null;
    }
    String replicaHosts = value(asPooled, NeonProperty.REPLICA_HOSTS.getName());
    boolean bare = url == null || url.equals("jdbc:neon:") || url.startsWith("jdbc:neon:?");
    boolean replicas =
        (replicaHosts != null && !replicaHosts.isBlank())
            || (bare && notEmpty(System.getenv("DATABASE_URL_REPLICA")));
    Properties socketSettings = new Properties();
    for (String key : new String[] {"socketFactory", "socketFactoryArg"}) {
      String value = value(asPooled, key);
      if (value != null) {
        socketSettings.setProperty(key, value);
      }
    }
    boolean webSocket =
        "websocket"
            .equals(
                String.valueOf(value(asPooled, NeonProperty.TRANSPORT.getName()))
                    .toLowerCase(Locale.ROOT));
    return new EndpointAddresses(
        address(asPooled, "pooled"),
        address(asDirect, "direct"),
        replicas,
        webSocket,
        socketSettings);
  }

  /** The socket factory pgJDBC would use for these endpoints. */
  SocketFactory socketFactory() throws SQLException {
    return SocketFactoryFactory.getSocketFactory(socketSettings);
  }

  /**
   * The socket address of {@code address}: resolved, unless a socket factory of the application's
   * is configured (it may route names of its own, as pgJDBC then lets it).
   */
  InetSocketAddress socketAddress(String address) {
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = Integer.parseInt(address.substring(colon + 1));
    return socketSettings.isEmpty()
        ? new InetSocketAddress(host, port)
        : InetSocketAddress.createUnresolved(host, port);
  }

  private static Properties withRoute(Properties info, String route) {
    Properties copy = new Properties();
    copy.putAll(info);
    copy.setProperty(ROUTE, route);
    return copy;
  }

  /** {@code host:port} of the endpoint {@code list} describes, if its route is {@code route}. */
  private static String address(DriverPropertyInfo[] list, String route) {
    if (list == null) {
      return null;
    }
    String effective = value(list, ROUTE);
    if (effective != null && !effective.equalsIgnoreCase(route)) {
      return null; // the URL forces the other endpoint
    }
    String host = value(list, "PGHOST");
    String port = value(list, "PGPORT");
    if (host == null) {
      return null;
    }
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return host + ":" + (port == null ? "5432" : port);
  }

  private static String value(DriverPropertyInfo[] list, String name) {
    for (DriverPropertyInfo property : list) {
      if (property.name.equals(name)) {
        return property.value;
      }
    }
    return null;
  }

  private static boolean notEmpty(String value) {
    return value != null && !value.isEmpty();
  }
}

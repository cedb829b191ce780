package dev.neonjdbc.internal.transport;

import dev.neonjdbc.testkit.NeonStack;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code jdbc:neon:} connections through the kit's WebSocket proxies. */
final class TunnelFixture {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final NeonStack stack;

  TunnelFixture(NeonStack stack) {
    this.stack = stack;
  }

  /** The direct endpoint only ({@code jdbc:neon://DIRECT/neondb}, TLS parameters of the kit). */
  String directUrl() {
    return "jdbc:neon://"
        + stack.directHost()
        + ":"
        + stack.directPort()
        + "/"
        + stack.database()
        + "?"
        + stack.sslParameters();
  }

  /** The pooled endpoint only. */
  String pooledUrl() {
    return "jdbc:neon://"
        + stack.pooledHost()
        + ":"
        + stack.pooledPort()
        + "/"
        + stack.database()
        + "?"
        + stack.sslParameters();
  }

  /** Credentials plus {@code transport=websocket} with {@code template}. */
  Properties tunnel(String template) {
    Properties properties = stack.credentials();
    properties.setProperty("transport", "websocket");
    properties.setProperty("webSocketUrl", template);
    return properties;
  }

  /** Through the kit's {@code wss://} proxy (verified with the kit's CA from the URL). */
  Properties secure() {
    return tunnel(stack.secureWebSocketUrlTemplate());
  }

  /** Through the kit's {@code ws://} loopback proxy. */
  Properties plain() {
    return tunnel(stack.webSocketUrlTemplate());
  }

  Connection direct(Properties properties) throws SQLException {
    return DriverManager.getConnection(directUrl(), properties);
  }

  Connection pooled(Properties properties) throws SQLException {
    return DriverManager.getConnection(pooledUrl(), properties);
  }

  static String unique(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
  }

  static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  static void run(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}

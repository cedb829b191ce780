package dev.neonjdbc.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * HikariCP in front of {@code jdbc:neon:} (as Spring Boot sets it up): a connection that a user
 * pinned goes back to the pool. With HikariCP's request boundaries on ({@code
 * -Dcom.zaxxer.hikari.enableRequestBoundaries=true}) HikariCP calls {@code endRequest} on return,
 * the driver resets the session and the next borrower starts on the pooler; without them the next
 * borrower inherits the pin until the server holds nothing for it.
 */
@NeonStackTest
class HikariRequestBoundariesTest {
  private static final String PROPERTY = "com.zaxxer.hikari.enableRequestBoundaries";

  private final NeonStack stack;

  HikariRequestBoundariesTest(NeonStack stack) {
    this.stack = stack;
  }

  private HikariDataSource pool(boolean requestBoundaries) {
    // HikariCP reads the property when a pool is created.
    String before = System.getProperty(PROPERTY);
    System.setProperty(PROPERTY, String.valueOf(requestBoundaries));
    try {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(stack.neonJdbcUrl());
      config.setUsername(stack.user());
      config.setPassword(stack.password());
      config.setMaximumPoolSize(1);
      config.setPoolName("boundaries-" + requestBoundaries);
      return new HikariDataSource(config);
    } finally {
      if (before == null) {
        System.clearProperty(PROPERTY);
      } else {
        System.setProperty(PROPERTY, before);
      }
    }
  }

  @Test
  void withRequestBoundariesTheNextBorrowerStartsOnThePooler() throws SQLException {
    String channel = Kit.unique("boundaries_on");
    try (HikariDataSource pool = pool(true)) {
      try (Connection first = pool.getConnection()) {
        run(first, "LISTEN " + channel);
        run(first, "SET statement_timeout = '3210ms'");
        assertTrue(first.unwrap(NeonConnection.class).isPinned());
      }
      try (Connection second = pool.getConnection()) {
        NeonConnection neon = second.unwrap(NeonConnection.class);
        assertFalse(neon.isPinned(), "endRequest ended the pin");
        assertTrue(neon.sessionParameters().isEmpty());
        assertEquals("0", scalar(second, "SHOW statement_timeout"));
        assertEquals("0", scalar(second, "SELECT count(*) FROM pg_listening_channels()"));
        assertEquals("pooled", endpointOf(second));
      }
    }
  }

  @Test
  void withoutRequestBoundariesThePinStaysUntilItsStateIsReleased() throws SQLException {
    String channel = Kit.unique("boundaries_off");
    try (HikariDataSource pool = pool(false)) {
      try (Connection first = pool.getConnection()) {
        run(first, "LISTEN " + channel);
      }
      try (Connection second = pool.getConnection()) {
        assertTrue(second.unwrap(NeonConnection.class).isPinned(), "the pin came along");
        assertEquals("direct", endpointOf(second));
        run(second, "UNLISTEN " + channel);
        assertFalse(second.unwrap(NeonConnection.class).isPinned());
        assertEquals("pooled", endpointOf(second));
      }
    }
  }

  private static void run(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Which endpoint a query on {@code connection} runs on now, as the kit tells it. */
  private String endpointOf(Connection connection) throws SQLException {
    return stack.endpointOf(connection).name().toLowerCase(Locale.ROOT);
  }
}

package dev.neonjdbc.spring.boot.tests;

import static dev.neonjdbc.spring.boot.tests.Kit.STACK;
import static dev.neonjdbc.spring.boot.tests.Kit.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.datasource.NeonDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code spring.datasource.neon.*} reaches the data source, in kebab case as Spring writes it, and
 * a bad value stops the application at start-up with the property's name; the data source closes
 * with the context.
 */
class NeonSettingsTest {

  @Test
  void settingsInKebabCaseReachTheDataSource() throws SQLException {
    try (ConfigurableApplicationContext context =
        Applications.start(
            PlainApplication.class,
            "spring.datasource.url=" + STACK.neonJdbcUrl(),
            "spring.flyway.enabled=false",
            "spring.datasource.neon.client-pooling=on",
            "spring.datasource.neon.direct-pool-maximum-size=2",
            "spring.datasource.neon.connection-timeout=3s",
            "spring.datasource.neon.replica-read-after-write=0",
            "spring.datasource.neon.pool-name=starter-settings",
            "spring.datasource.neon.data-source-properties.ApplicationName=starter-settings")) {
      NeonDataSource dataSource = context.getBean(NeonDataSource.class);
      assertEquals("on", dataSource.getClientPooling());
      assertEquals(2, dataSource.getDirectPoolMaximumSize());
      assertEquals(3000, dataSource.getConnectionTimeout());
      assertEquals(0, dataSource.getReplicaReadAfterWrite());
      assertEquals("starter-settings", dataSource.getPoolName());
      try (Connection connection = dataSource.getConnection()) {
        assertEquals("starter-settings", scalar(connection, "SHOW application_name"));
      }
      assertEquals("on", dataSource.getEffectiveClientPooling());
    }
  }

  @Test
  void aBadValueStopsTheApplicationNamingTheProperty() {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                Applications.start(
                        PlainApplication.class,
                        "spring.datasource.url=" + STACK.neonJdbcUrl(),
                        "spring.flyway.enabled=false",
                        "spring.datasource.neon.client-pooling=sometimes")
                    .close());
    String messages = messages(e);
    assertTrue(messages.contains("spring.datasource.neon.client-pooling"), messages);
    assertTrue(messages.contains("sometimes"), messages);
  }

  @Test
  void anUnknownSettingStopsTheApplication() {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                Applications.start(
                        PlainApplication.class,
                        "spring.datasource.url=" + STACK.neonJdbcUrl(),
                        "spring.flyway.enabled=false",
                        "spring.datasource.neon.client-poling=on")
                    .close());
    String messages = messages(e);
    assertTrue(messages.contains("spring.datasource.neon.client-poling"), messages);
    assertTrue(messages.contains("not a NeonDataSource setting"), messages);
  }

  @Test
  void theDataSourceClosesWithTheContext() throws SQLException {
    NeonDataSource dataSource;
    try (ConfigurableApplicationContext context =
        Applications.start(
            PlainApplication.class,
            "spring.datasource.url=" + STACK.neonJdbcUrl(),
            "spring.flyway.enabled=false")) {
      dataSource = context.getBean(NeonDataSource.class);
      try (Connection connection = dataSource.getConnection()) {
        assertEquals("1", scalar(connection, "SELECT 1"));
      }
    }
    assertTrue(dataSource.isClosed());
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  /** An application with nothing of its own. */
  @SpringBootApplication
  static class PlainApplication {}
}

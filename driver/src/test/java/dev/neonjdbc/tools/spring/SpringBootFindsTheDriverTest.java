package dev.neonjdbc.tools.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * A Spring Boot 4 application configured with {@code spring.datasource.url} (a {@code jdbc:neon:}
 * URL), {@code username} and {@code password} only starts, and its auto-configured DataSource talks
 * to the database. (Boot 3.5 runs the same post-processor through its older interface; the compat
 * module runs whole applications on both.)
 */
@NeonStackTest
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpringBootFindsTheDriverTest {

  /** The whole application: auto-configuration and nothing else. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}

  @Test
  void applicationStartsFromUrlUsernameAndPasswordAlone(NeonStack stack) throws SQLException {
    try (ConfigurableApplicationContext context = start(stack)) {
      assertEquals(
          "dev.neonjdbc.Driver",
          context.getEnvironment().getProperty("spring.datasource.driver-class-name"));

      DataSource dataSource = context.getBean(DataSource.class);
      HikariDataSource hikari = assertInstanceOf(HikariDataSource.class, dataSource);
      assertEquals("dev.neonjdbc.Driver", hikari.getDriverClassName());
      try (Connection connection = dataSource.getConnection()) {
        assertTrue(connection.isWrapperFor(NeonConnection.class), "a jdbc:neon: connection");
        assertEquals("1", scalar(connection, "SELECT 1"));
      }
    }
  }

  @Test
  void anotherDataSourceTypeStartsToo(NeonStack stack) throws SQLException {
    try (ConfigurableApplicationContext context =
        start(stack, "--spring.datasource.type=" + SimpleDriverDataSource.class.getName())) {
      DataSource dataSource = context.getBean(DataSource.class);
      assertInstanceOf(SimpleDriverDataSource.class, dataSource);
      try (Connection connection = dataSource.getConnection()) {
        assertTrue(connection.isWrapperFor(NeonConnection.class), "a jdbc:neon: connection");
        assertEquals("1", scalar(connection, "SELECT 1"));
      }
    }
  }

  private static ConfigurableApplicationContext start(NeonStack stack, String... moreArguments) {
    // Command-line arguments, the way a deployment passes configuration: no driver-class-name.
    List<String> arguments = new ArrayList<>();
    arguments.add("--spring.datasource.url=" + stack.neonJdbcUrl());
    arguments.add("--spring.datasource.username=" + stack.user());
    arguments.add("--spring.datasource.password=" + stack.password());
    arguments.add("--spring.main.banner-mode=off");
    arguments.addAll(List.of(moreArguments));
    return new SpringApplicationBuilder(Application.class)
        .web(WebApplicationType.NONE)
        .registerShutdownHook(false)
        .run(arguments.toArray(String[]::new));
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}

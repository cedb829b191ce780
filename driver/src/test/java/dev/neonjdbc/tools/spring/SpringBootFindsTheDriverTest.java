package dev.neonjdbc.tools.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.PropertySource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * A Spring Boot 4 application configured with {@code spring.datasource.url} (a {@code jdbc:neon:}
 * URL), {@code username} and {@code password} only starts, and its auto-configured DataSource talks
 * to the database, whether the URL is in the environment from the start (command line) or arrives
 * while the context is built (a {@code PropertySource} annotation). Boot 3.5 runs the same
 * initializer; the compat module runs whole applications on both.
 */
@NeonStackTest
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpringBootFindsTheDriverTest {

  /** The whole application: auto-configuration and nothing else. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}

  /**
   * The same, with its data source in a properties file that Spring reads only when it parses this
   * class, after Boot has prepared the environment.
   */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @PropertySource("file:${neon-test.datasource-file}")
  static class ApplicationWithPropertySource {}

  @Test
  void applicationStartsFromUrlUsernameAndPasswordAlone(NeonStack stack) throws SQLException {
    try (ConfigurableApplicationContext context = start(Application.class, commandLine(stack))) {
      HikariDataSource hikari =
          assertInstanceOf(HikariDataSource.class, context.getBean(DataSource.class));
      assertEquals("dev.neonjdbc.Driver", hikari.getDriverClassName());
      assertRunsOnNeon(hikari);
    }
  }

  @Test
  void anotherDataSourceTypeStartsToo(NeonStack stack) throws SQLException {
    List<String> arguments = new ArrayList<>(commandLine(stack));
    arguments.add("--spring.datasource.type=" + SimpleDriverDataSource.class.getName());
    try (ConfigurableApplicationContext context = start(Application.class, arguments)) {
      DataSource dataSource = context.getBean(DataSource.class);
      assertInstanceOf(SimpleDriverDataSource.class, dataSource);
      assertRunsOnNeon(dataSource);
    }
  }

  @Test
  void urlFromAPropertySourceAnnotationStarts(NeonStack stack, @TempDir Path directory)
      throws SQLException, IOException {
    Path file = directory.resolve("datasource.properties");
    Properties dataSource = new Properties();
    dataSource.setProperty("spring.datasource.url", stack.neonJdbcUrl());
    dataSource.setProperty("spring.datasource.username", stack.user());
    dataSource.setProperty("spring.datasource.password", stack.password());
    try (Writer out = Files.newBufferedWriter(file)) {
      dataSource.store(out, null);
    }

    try (ConfigurableApplicationContext context =
        start(
            ApplicationWithPropertySource.class, List.of("--neon-test.datasource-file=" + file))) {
      // Not in the environment Boot prepared: only the data source's own properties see it.
      assertNull(context.getEnvironment().getProperty("spring.datasource.driver-class-name"));
      HikariDataSource hikari =
          assertInstanceOf(HikariDataSource.class, context.getBean(DataSource.class));
      assertEquals("dev.neonjdbc.Driver", hikari.getDriverClassName());
      assertRunsOnNeon(hikari);
    }
  }

  /** A connection from {@code dataSource} is a {@code jdbc:neon:} one and runs a query. */
  static void assertRunsOnNeon(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT 1")) {
      assertTrue(connection.isWrapperFor(NeonConnection.class), "a jdbc:neon: connection");
      assertTrue(rs.next());
      assertEquals(1, rs.getInt(1));
    }
  }

  /** The data source as a deployment passes it: on the command line, with no driver class. */
  private static List<String> commandLine(NeonStack stack) {
    return List.of(
        "--spring.datasource.url=" + stack.neonJdbcUrl(),
        "--spring.datasource.username=" + stack.user(),
        "--spring.datasource.password=" + stack.password());
  }

  private static ConfigurableApplicationContext start(
      Class<?> application, List<String> arguments) {
    List<String> all = new ArrayList<>(arguments);
    all.add("--spring.main.banner-mode=off");
    return new SpringApplicationBuilder(application)
        .web(WebApplicationType.NONE)
        .registerShutdownHook(false)
        .run(all.toArray(String[]::new));
  }
}

package dev.neonjdbc.tools.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.NeonStacks;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestContextManager;

/**
 * A Spring Boot 4 test whose data source comes only from a {@code DynamicPropertySource} method,
 * the way Testcontainers users write it: no {@code application.properties}, no driver class. Those
 * properties join the environment after Boot's environment post-processors have run, so the driver
 * class can only be decided on the bound {@code DataSourceProperties}.
 *
 * <p>{@link BootTest} is that user's test class, loaded by Spring's own TestContext framework
 * ({@code @SpringBootTest}'s bootstrapper, the dynamic property source, injection). This class
 * drives it through {@link TestContextManager} rather than {@code SpringExtension}, because the
 * extension of Spring Framework 7 needs JUnit 6 and this module runs JUnit 5; what loads the
 * context is the same either way.
 */
@NeonStackTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DynamicPropertySourceFindsTheDriverTest {

  /** The whole application: auto-configuration and nothing else. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}

  /** The user's test class. */
  @SpringBootTest(
      classes = Application.class,
      webEnvironment = SpringBootTest.WebEnvironment.NONE,
      properties = "spring.main.banner-mode=off")
  @DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
  static class BootTest {
    @DynamicPropertySource
    static void dataSourceFromTheStack(DynamicPropertyRegistry registry) {
      NeonStack stack = NeonStacks.shared();
      registry.add("spring.datasource.url", stack::neonJdbcUrl);
      registry.add("spring.datasource.username", stack::user);
      registry.add("spring.datasource.password", stack::password);
    }

    @Autowired DataSource dataSource;
    @Autowired Environment environment;
  }

  private final TestContextManager spring = new TestContextManager(BootTest.class);
  private final BootTest test = new BootTest();

  @BeforeAll
  void startTheApplicationContext() throws Exception {
    spring.beforeTestClass();
    spring.prepareTestInstance(test);
  }

  @AfterAll
  void closeTheApplicationContext() throws Exception {
    spring.afterTestClass();
  }

  @Test
  void applicationStartsAndItsPoolRunsOnNeon() throws SQLException {
    HikariDataSource hikari = assertInstanceOf(HikariDataSource.class, test.dataSource);
    assertEquals("dev.neonjdbc.Driver", hikari.getDriverClassName());
    SpringBootFindsTheDriverTest.assertRunsOnNeon(hikari);
  }

  @Test
  void driverClassIsNotAddedToTheEnvironment() {
    // The default lives on the data source's properties; the environment (and Actuator's /env)
    // holds only what the user configured.
    assertNull(test.environment.getProperty("spring.datasource.driver-class-name"));
  }
}

package dev.neonjdbc.tools.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;

/**
 * The initializer gives Boot's connection properties {@code dev.neonjdbc.Driver} for a {@code
 * jdbc:neon:} URL with no driver class, and nothing else; {@code META-INF/spring.factories}
 * registers it where Boot looks. Contexts here are built by hand (no database): the real-stack
 * proof is {@link SpringBootFindsTheDriverTest} and {@link
 * DynamicPropertySourceFindsTheDriverTest}.
 */
class NeonDriverClassInitializerTest {
  private static final String NEON_DRIVER = "dev.neonjdbc.Driver";

  @Test
  void bootsPoolGetsTheNeonDriverForANeonUrl() {
    try (AnnotationConfigApplicationContext context =
        startWithTheInitializer(
            Map.of("spring.datasource.url", "jdbc:neon://h/db"), BootsDataSource.class)) {
      HikariDataSource pool =
          assertInstanceOf(HikariDataSource.class, context.getBean(DataSource.class));
      assertEquals(NEON_DRIVER, pool.getDriverClassName());
    }
  }

  @Test
  void withoutTheInitializerBootCannotChooseADriverForANeonUrl() {
    // The failure the initializer exists for: Boot's guess knows no jdbc:neon: prefix.
    Exception failure =
        assertThrows(
            Exception.class,
            () ->
                startWithoutIt(
                        Map.of("spring.datasource.url", "jdbc:neon://h/db"), BootsDataSource.class)
                    .close());
    assertTrue(
        causes(failure).contains("Failed to determine a suitable driver class"), causes(failure));
  }

  @Test
  void dataSourcePropertiesTheApplicationDeclaresGetItToo() {
    // The usual shape of a second data source: its own prefix, Boot's properties class.
    try (AnnotationConfigApplicationContext context =
        startWithTheInitializer(
            Map.of("app.reporting.url", "jdbc:neon://h/reports"), ReportingSource.class)) {
      DataSourceProperties reporting = context.getBean(DataSourceProperties.class);
      assertEquals(NEON_DRIVER, reporting.determineDriverClassName());
    }
  }

  @Test
  void everyNeonUrlFormCounts() {
    for (String url :
        List.of(
            "jdbc:neon:",
            "jdbc:neon:postgresql://u:p@ep-x-123.us-east-2.aws.neon.tech/db?sslmode=require",
            "JDBC:NEON://h/db")) {
      assertEquals(
          NEON_DRIVER, completed(dataSourceProperties(url, null)).getDriverClassName(), url);
    }
  }

  @Test
  void otherUrlsKeepBootsOwnChoice() {
    DataSourceProperties postgres = completed(dataSourceProperties("jdbc:postgresql://h/db", null));
    assertNull(postgres.getDriverClassName());
    assertEquals("org.postgresql.Driver", postgres.determineDriverClassName());

    for (String url : List.of("jdbc:h2:mem:test", "jdbc:p6spy:postgresql://h/db")) {
      assertNull(completed(dataSourceProperties(url, null)).getDriverClassName(), url);
    }
  }

  @Test
  void noUrlIsLeftAlone() {
    assertNull(completed(dataSourceProperties(null, null)).getDriverClassName());
  }

  @Test
  void driverClassTheUserSetIsKept() {
    DataSourceProperties properties =
        completed(dataSourceProperties("jdbc:neon://h/db", "com.example.WrappingDriver"));

    assertEquals("com.example.WrappingDriver", properties.getDriverClassName());
  }

  @Test
  void subclassOfBootsPropertiesCounts() {
    DataSourceProperties properties = new DataSourceProperties() {};
    properties.setUrl("jdbc:neon://h/db");

    assertEquals(NEON_DRIVER, completed(properties).getDriverClassName());
  }

  @Test
  void anotherBeanWithAUrlIsLeftAlone() {
    ConnectionLike bean = new ConnectionLike();
    bean.setUrl("jdbc:neon://h/db");

    defaultForBoot().postProcessAfterInitialization(bean, "bean");

    assertNull(bean.getDriverClassName());
  }

  @Test
  void everyListedClassGetsTheSameRule() {
    // Boot's Flyway and Liquibase properties are not on this class path; a stand-in of the same
    // shape, listed the way they are, gets what they get.
    ConnectionLike migrationTool = new ConnectionLike();
    migrationTool.setUrl("jdbc:neon://h/db");

    new DriverClassDefault(List.of(ConnectionLike.class.getName()))
        .postProcessAfterInitialization(migrationTool, "flywayProperties");

    assertEquals(NEON_DRIVER, migrationTool.getDriverClassName());
  }

  @Test
  void listNamesBootFoursDataSourceProperties() {
    assertTrue(
        DriverClassDefault.BOOT_CONNECTION_PROPERTIES.contains(
            DataSourceProperties.class.getName()));
  }

  @Test
  void applicationWithoutBootsConnectionPropertiesGetsNoPostProcessor() {
    FilteredClassLoader withoutJdbc =
        new FilteredClassLoader(
            "org.springframework.boot.jdbc.",
            "org.springframework.boot.flyway.",
            "org.springframework.boot.liquibase.",
            "org.springframework.boot.autoconfigure.jdbc.",
            "org.springframework.boot.autoconfigure.flyway.",
            "org.springframework.boot.autoconfigure.liquibase.");
    try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
      context.setClassLoader(withoutJdbc);
      new NeonDriverClassInitializer().initialize(context);
      context.register(NoDataSource.class);
      context.refresh();

      assertEquals("started", context.getBean(String.class));
      assertTrue(
          context.getDefaultListableBeanFactory().getBeanPostProcessors().stream()
              .noneMatch(DriverClassDefault.class::isInstance),
          "no driver class rule without Boot's connection properties");
    }
  }

  @Test
  void springFactoriesRegistersTheInitializerForEveryApplication() {
    // What SpringApplication (and so @SpringBootTest and the test slices) loads at construction.
    assertTrue(
        new SpringApplication()
            .getInitializers().stream().anyMatch(NeonDriverClassInitializer.class::isInstance));
  }

  /** Boot's DataSource auto-configuration, as an application gets it, without a database. */
  @Configuration(proxyBeanMethods = false)
  @Import(DataSourceAutoConfiguration.class)
  static class BootsDataSource {}

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties
  static class ReportingSource {
    @Bean
    @ConfigurationProperties("app.reporting")
    DataSourceProperties reportingDataSourceProperties() {
      return new DataSourceProperties();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class NoDataSource {
    @Bean
    String marker() {
      return "started";
    }
  }

  /** A bean with a URL and a driver class that is none of Boot's. */
  public static class ConnectionLike {
    private String url;
    private String driverClassName;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getDriverClassName() {
      return driverClassName;
    }

    public void setDriverClassName(String driverClassName) {
      this.driverClassName = driverClassName;
    }
  }

  private static AnnotationConfigApplicationContext startWithTheInitializer(
      Map<String, Object> properties, Class<?>... configurations) {
    return start(true, properties, configurations);
  }

  private static AnnotationConfigApplicationContext startWithoutIt(
      Map<String, Object> properties, Class<?>... configurations) {
    return start(false, properties, configurations);
  }

  private static AnnotationConfigApplicationContext start(
      boolean withInitializer, Map<String, Object> properties, Class<?>... configurations) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(new MapPropertySource("test", new HashMap<>(properties)));
    if (withInitializer) {
      new NeonDriverClassInitializer().initialize(context);
    }
    context.register(configurations);
    context.refresh();
    return context;
  }

  private static DriverClassDefault defaultForBoot() {
    return new DriverClassDefault(DriverClassDefault.BOOT_CONNECTION_PROPERTIES);
  }

  private static DataSourceProperties dataSourceProperties(String url, String driverClassName) {
    DataSourceProperties properties = new DataSourceProperties();
    properties.setBeanClassLoader(NeonDriverClassInitializerTest.class.getClassLoader());
    properties.setUrl(url);
    properties.setDriverClassName(driverClassName);
    return properties;
  }

  private static DataSourceProperties completed(DataSourceProperties properties) {
    defaultForBoot().postProcessAfterInitialization(properties, "dataSourceProperties");
    return properties;
  }

  private static String causes(Throwable failure) {
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.append(t).append('\n');
    }
    return messages.toString();
  }
}

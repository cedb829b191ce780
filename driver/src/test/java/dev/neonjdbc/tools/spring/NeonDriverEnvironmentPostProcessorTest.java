package dev.neonjdbc.tools.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * The post-processors set the driver class for a {@code jdbc:neon:} URL and nothing else, and
 * {@code META-INF/spring.factories} registers them where Boot 4 and Boot 3 look.
 */
class NeonDriverEnvironmentPostProcessorTest {
  private static final String DRIVER = "spring.datasource.driver-class-name";

  @Test
  void neonUrlGetsTheDriverClass() {
    ConfigurableEnvironment environment = environment("spring.datasource.url", "jdbc:neon://h/db");

    postProcess(environment);

    assertEquals("dev.neonjdbc.Driver", environment.getProperty(DRIVER));
  }

  @Test
  void everyNeonUrlFormCounts() {
    for (String url :
        List.of(
            "jdbc:neon:",
            "jdbc:neon:postgresql://u:p@ep-x-123.us-east-2.aws.neon.tech/db?sslmode=require",
            "JDBC:NEON://h/db")) {
      ConfigurableEnvironment environment = environment("spring.datasource.url", url);
      postProcess(environment);
      assertEquals("dev.neonjdbc.Driver", environment.getProperty(DRIVER), url);
    }
  }

  @Test
  void urlFromTheEnvironmentVariableCounts() {
    ConfigurableEnvironment environment = environment();
    Map<String, Object> variables = Map.of("SPRING_DATASOURCE_URL", "jdbc:neon://h/db");
    environment
        .getPropertySources()
        .addFirst(new SystemEnvironmentPropertySource("test-env", variables));

    postProcess(environment);

    assertEquals("dev.neonjdbc.Driver", Binder.get(environment).bind(DRIVER, String.class).get());
  }

  @Test
  void urlThroughAPlaceholderCounts() {
    ConfigurableEnvironment environment =
        environment(
            "spring.datasource.url", "${NEON_JDBC_URL}", "NEON_JDBC_URL", "jdbc:neon://h/db");

    postProcess(environment);

    assertEquals("dev.neonjdbc.Driver", environment.getProperty(DRIVER));
  }

  @Test
  void otherUrlsAreLeftAlone() {
    for (String url :
        List.of("jdbc:postgresql://h/db", "jdbc:h2:mem:test", "jdbc:p6spy:postgresql://h/db")) {
      ConfigurableEnvironment environment = environment("spring.datasource.url", url);
      postProcess(environment);
      assertNull(environment.getProperty(DRIVER), url);
      assertNoNeonPropertySource(environment);
    }
  }

  @Test
  void noUrlIsLeftAlone() {
    ConfigurableEnvironment environment = environment();

    postProcess(environment);

    assertNull(environment.getProperty(DRIVER));
    assertNoNeonPropertySource(environment);
  }

  @Test
  void driverClassTheUserSetIsKept() {
    ConfigurableEnvironment environment =
        environment(
            "spring.datasource.url",
            "jdbc:neon://h/db",
            "spring.datasource.driver-class-name",
            "com.example.WrappingDriver");

    postProcess(environment);

    assertEquals("com.example.WrappingDriver", environment.getProperty(DRIVER));
    assertNoNeonPropertySource(environment);
  }

  @Test
  void driverClassTheUserSetInCamelCaseIsKept() {
    ConfigurableEnvironment environment =
        environment(
            "spring.datasource.url",
            "jdbc:neon://h/db",
            "spring.datasource.driverClassName",
            "com.example.WrappingDriver");

    postProcess(environment);

    assertNoNeonPropertySource(environment);
    assertEquals(
        "com.example.WrappingDriver", Binder.get(environment).bind(DRIVER, String.class).get());
  }

  @Test
  void anotherDataSourceTypeStillGetsTheDriverClass() {
    // Boot's DataSourceBuilder treats the driver class as optional: a type without that property
    // (SimpleDriverDataSource maps it to its driver class, others ignore it) starts either way.
    ConfigurableEnvironment environment =
        environment(
            "spring.datasource.url",
            "jdbc:neon://h/db",
            "spring.datasource.type",
            "org.springframework.jdbc.datasource.SimpleDriverDataSource");

    postProcess(environment);

    assertEquals("dev.neonjdbc.Driver", environment.getProperty(DRIVER));
    assertEquals(
        "org.springframework.jdbc.datasource.SimpleDriverDataSource",
        environment.getProperty("spring.datasource.type"));
  }

  @Test
  void defaultGoesLastSoEverySourceTheUserHasWins() {
    ConfigurableEnvironment environment = environment("spring.datasource.url", "jdbc:neon://h/db");

    postProcess(environment);

    PropertySource<?> last =
        environment.getPropertySources().stream().reduce((first, second) -> second).orElseThrow();
    assertEquals(DriverClassDefault.PROPERTY_SOURCE_NAME, last.getName());
  }

  @Test
  void bootThreeInterfaceAppliesTheSameRule() {
    ConfigurableEnvironment neon = environment("spring.datasource.url", "jdbc:neon://h/db");
    ConfigurableEnvironment plain = environment("spring.datasource.url", "jdbc:postgresql://h/db");

    new LegacyNeonDriverEnvironmentPostProcessor()
        .postProcessEnvironment(neon, new SpringApplication());
    new LegacyNeonDriverEnvironmentPostProcessor()
        .postProcessEnvironment(plain, new SpringApplication());

    assertEquals("dev.neonjdbc.Driver", neon.getProperty(DRIVER));
    assertNull(plain.getProperty(DRIVER));
  }

  @Test
  void bootFourRunningBothAddsOneSource() {
    ConfigurableEnvironment environment = environment("spring.datasource.url", "jdbc:neon://h/db");

    postProcess(environment);
    new LegacyNeonDriverEnvironmentPostProcessor()
        .postProcessEnvironment(environment, new SpringApplication());

    assertEquals(
        1,
        environment.getPropertySources().stream()
            .filter(s -> s.getName().equals(DriverClassDefault.PROPERTY_SOURCE_NAME))
            .count());
  }

  @Test
  @SuppressWarnings("removal")
  void springFactoriesRegistersBothWhereBootLooks() {
    SpringFactoriesLoader loader = SpringFactoriesLoader.forDefaultResourceLocation();
    // Boot's own post-processors want constructor arguments that Boot supplies; not ours to test.
    SpringFactoriesLoader.FailureHandler skipOthers = (type, name, failure) -> {};

    List<String> bootFour =
        loader.load(EnvironmentPostProcessor.class, null, skipOthers).stream()
            .map(p -> p.getClass().getName())
            .toList();
    List<String> bootThree =
        loader
            .load(org.springframework.boot.env.EnvironmentPostProcessor.class, null, skipOthers)
            .stream()
            .map(p -> p.getClass().getName())
            .toList();

    assertTrue(
        bootFour.contains(NeonDriverEnvironmentPostProcessor.class.getName()), "" + bootFour);
    assertTrue(
        bootThree.contains(LegacyNeonDriverEnvironmentPostProcessor.class.getName()),
        "" + bootThree);
  }

  private static void postProcess(ConfigurableEnvironment environment) {
    new NeonDriverEnvironmentPostProcessor()
        .postProcessEnvironment(environment, new SpringApplication());
  }

  private static void assertNoNeonPropertySource(ConfigurableEnvironment environment) {
    assertFalse(environment.getPropertySources().contains(DriverClassDefault.PROPERTY_SOURCE_NAME));
  }

  /**
   * An environment holding {@code keysAndValues} and not the process's own variables and system
   * properties (a {@code SPRING_DATASOURCE_URL} on the machine must not change the outcome).
   */
  private static ConfigurableEnvironment environment(String... keysAndValues) {
    Map<String, Object> properties = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    StandardEnvironment environment = new StandardEnvironment();
    MutablePropertySources sources = environment.getPropertySources();
    sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    sources.addFirst(new MapPropertySource("test", properties));
    return environment;
  }
}

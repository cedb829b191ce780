package dev.neonjdbc.tools.spring;

import java.util.List;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Makes Spring Boot use {@code dev.neonjdbc.Driver} for a {@code jdbc:neon:} URL when no driver
 * class is set: in {@code spring.datasource}, and in {@code spring.flyway} and {@code
 * spring.liquibase} when they have a URL of their own. Registered in {@code
 * META-INF/spring.factories} under {@code
 * org.springframework.context.ApplicationContextInitializer}, which Boot 3 and Boot 4 both read for
 * every {@code SpringApplication}, {@code @SpringBootTest} and test slice ({@code @JdbcTest},
 * {@code @DataJpaTest}).
 *
 * <p>An initializer rather than an auto-configuration because test slices import only the
 * auto-configurations their own lists name, and an application may exclude or replace
 * auto-configurations; an initializer runs regardless. It uses Spring Framework types only, so the
 * same class works with Spring 6 (Boot 3) and Spring 7 (Boot 4).
 */
public final class NeonDriverClassInitializer
    implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  /** Called by Spring Boot's factories loader. */
  public NeonDriverClassInitializer() {}

  /**
   * Adds the driver class rule to the context's bean factory, if any of Boot's connection
   * properties classes is present; an application without them (no JDBC) gets nothing.
   */
  @Override
  public void initialize(ConfigurableApplicationContext context) {
    ClassLoader classLoader = context.getClassLoader();
    List<String> present =
        DriverClassDefault.BOOT_CONNECTION_PROPERTIES.stream()
            .filter(name -> ClassUtils.isPresent(name, classLoader))
            .toList();
    if (present.isEmpty()) {
      return;
    }
    // Through a bean factory post-processor, not getBeanFactory() here: some context types
    // (the refreshable ones) have no bean factory until refresh. This still runs before any
    // ordinary bean, DataSourceProperties included, is created.
    context.addBeanFactoryPostProcessor(
        beanFactory -> beanFactory.addBeanPostProcessor(new DriverClassDefault(present)));
  }
}

package dev.neonjdbc.tools.spring;

import dev.neonjdbc.Driver;
import dev.neonjdbc.internal.config.ConnectionSettings;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.StringUtils;

/**
 * The rule: a Spring Boot connection-properties bean whose {@code url} is a {@code jdbc:neon:} URL
 * and whose {@code driverClassName} is unset gets {@code dev.neonjdbc.Driver}.
 *
 * <p>It works on the bound bean rather than on the environment because a URL can reach the bean
 * from sources that appear after environment post-processing ({@code @DynamicPropertySource},
 * {@code @PropertySource}, initializers), and because the bean is what Boot asks: {@code
 * DataSourceProperties.determineDriverClassName()} for the application's pool, the Flyway and
 * Liquibase properties when those tools get a URL of their own (Boot then builds a {@code
 * SimpleDriverDataSource}, which cannot connect without a driver class).
 *
 * <p>Boot's classes are matched by name and read through a {@link BeanWrapper}, so this class loads
 * none of them: one compiled class serves Boot 3 and Boot 4, whose packages differ, and an
 * application without JDBC loads nothing it lacks.
 */
final class DriverClassDefault implements BeanPostProcessor {
  /**
   * Boot's properties classes that have {@code url} and {@code driverClassName} and, with no driver
   * class, guess one from a fixed list of URL prefixes that {@code jdbc:neon:} is not in.
   */
  static final List<String> BOOT_CONNECTION_PROPERTIES =
      List.of(
          // Spring Boot 4
          "org.springframework.boot.jdbc.autoconfigure.DataSourceProperties",
          "org.springframework.boot.flyway.autoconfigure.FlywayProperties",
          "org.springframework.boot.liquibase.autoconfigure.LiquibaseProperties",
          // Spring Boot 3
          "org.springframework.boot.autoconfigure.jdbc.DataSourceProperties",
          "org.springframework.boot.autoconfigure.flyway.FlywayProperties",
          "org.springframework.boot.autoconfigure.liquibase.LiquibaseProperties");

  private static final String URL = "url";
  private static final String DRIVER_CLASS_NAME = "driverClassName";

  private final Set<String> classNames;

  /**
   * @param classNames the properties classes to complete; beans of a subclass count too (an
   *     application may extend {@code DataSourceProperties})
   */
  DriverClassDefault(Collection<String> classNames) {
    this.classNames = Set.copyOf(classNames);
  }

  /**
   * After initialization, not before: Boot binds {@code @ConfigurationProperties} in its own
   * before-initialization step, and this processor may run ahead of it (it is added to the bean
   * factory directly, see {@link NeonDriverClassInitializer}). Nothing reads the driver class until
   * the DataSource is built from the finished bean.
   */
  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (isConnectionProperties(bean.getClass())) {
      complete(bean);
    }
    return bean;
  }

  private boolean isConnectionProperties(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      if (classNames.contains(c.getName())) {
        return true;
      }
    }
    return false;
  }

  private static void complete(Object connectionProperties) {
    BeanWrapper properties = PropertyAccessorFactory.forBeanPropertyAccess(connectionProperties);
    // A driver class the user set, whatever it is (a wrapping driver, a proxy), is theirs to keep.
    if (properties.getPropertyValue(URL) instanceof String url
        && ConnectionSettings.accepts(url)
        && !StringUtils.hasText((String) properties.getPropertyValue(DRIVER_CLASS_NAME))) {
      properties.setPropertyValue(DRIVER_CLASS_NAME, Driver.class.getName());
    }
  }
}

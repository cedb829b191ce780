package dev.neonjdbc.tools.spring;

import dev.neonjdbc.Driver;
import dev.neonjdbc.config.ConnectionSettings;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The one rule both post-processors apply: a {@code jdbc:neon:} {@code spring.datasource.url} with
 * no driver class gets {@code dev.neonjdbc.Driver}, in a property source of its own at the lowest
 * precedence, so that anything the user sets, anywhere, still wins.
 */
final class DriverClassDefault {
  static final String URL = "spring.datasource.url";
  static final String DRIVER_CLASS_NAME = "spring.datasource.driver-class-name";

  /** The property source's name, as it shows in Actuator's {@code /env}. */
  static final String PROPERTY_SOURCE_NAME = "neonJdbcDriverClass";

  /**
   * Last: after Boot's own post-processors have loaded the configuration files and after any other
   * post-processor that derives {@code spring.datasource.url} (from a platform's {@code
   * DATABASE_URL}, for instance).
   */
  static final int ORDER = Ordered.LOWEST_PRECEDENCE;

  private DriverClassDefault() {}

  static void apply(ConfigurableEnvironment environment) {
    // The Binder, not environment.getProperty: it reads every form Boot accepts
    // (SPRING_DATASOURCE_URL, driverClassName, …) and resolves placeholders, as
    // DataSourceProperties will.
    Binder binder = Binder.get(environment);
    String url = binder.bind(URL, String.class).orElse(null);
    if (!ConnectionSettings.accepts(url)
        || binder.bind(DRIVER_CLASS_NAME, String.class).isBound()) {
      return;
    }
    environment
        .getPropertySources()
        .addLast(
            new MapPropertySource(
                PROPERTY_SOURCE_NAME, Map.of(DRIVER_CLASS_NAME, Driver.class.getName())));
  }
}

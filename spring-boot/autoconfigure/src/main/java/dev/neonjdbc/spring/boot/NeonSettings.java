package dev.neonjdbc.spring.boot;

import dev.neonjdbc.NeonProperty;
import dev.neonjdbc.datasource.DataSourceProperty;
import dev.neonjdbc.datasource.NeonDataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The {@code spring.datasource.neon.*} settings: every {@code jdbc:neon:} property ({@link
 * NeonProperty}) and every pool setting ({@link DataSourceProperty}) by its name in kebab case
 * ({@code client-pooling}, {@code direct-pool-maximum-size}, {@code connection-timeout=5s}), and
 * pgJDBC properties under {@code spring.datasource.neon.data-source-properties.*}.
 *
 * <p>Each value is checked as the data source's setters check it, at start-up: a bad one stops the
 * application with the property's name and the driver's reason. The URL and the credentials are
 * {@code spring.datasource.url}, {@code username} and {@code password}; the metrics registry
 * settings are objects, set in code.
 */
final class NeonSettings {
  static final String PREFIX = "spring.datasource.neon";
  static final String PGJDBC = "data-source-properties";

  /** Settings that have another place (spring.datasource.*) or cannot be text. */
  static final List<DataSourceProperty> NOT_BOUND =
      List.of(
          DataSourceProperty.URL,
          DataSourceProperty.USER,
          DataSourceProperty.PASSWORD,
          DataSourceProperty.METRIC_REGISTRY,
          DataSourceProperty.METRICS_TRACKER_FACTORY);

  private NeonSettings() {}

  /** Every setting bound here: kebab-case name to the name {@link NeonDataSource} takes. */
  static Map<String, String> names() {
    Map<String, String> names = new LinkedHashMap<>();
    for (NeonProperty property : NeonProperty.values()) {
      names.put(kebab(property.getName()), property.getName());
    }
    for (DataSourceProperty property : DataSourceProperty.values()) {
      if (!NOT_BOUND.contains(property)) {
        names.put(kebab(property.getName()), property.getName());
      }
    }
    return Collections.unmodifiableMap(names);
  }

  /** Applies {@code spring.datasource.neon.*} to {@code dataSource}, each value checked. */
  static void apply(Binder binder, NeonDataSource dataSource) {
    Map<String, String> values =
        binder
            .bind(PREFIX, Bindable.mapOf(String.class, String.class))
            .orElse(Collections.emptyMap());
    Map<String, String> byLooseName = new LinkedHashMap<>();
    names().forEach((kebab, name) -> byLooseName.put(loose(kebab), name));
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, String> entry : values.entrySet()) {
      String key = entry.getKey();
      String value = entry.getValue();
      if (key.startsWith(PGJDBC + ".")) {
        dataSource.addDataSourceProperty(key.substring(PGJDBC.length() + 1), value);
        continue;
      }
      String name = byLooseName.get(loose(key));
      if (name == null) {
        unknown.add(key);
        continue;
      }
      String problem = check(name, value);
      if (problem != null) {
        throw new InvalidConfigurationPropertyValueException(PREFIX + "." + key, value, problem);
      }
      dataSource.setProperty(name, value);
    }
    if (!unknown.isEmpty()) {
      String key = unknown.get(0);
      throw new InvalidConfigurationPropertyValueException(
          PREFIX + "." + key,
          values.get(key),
          "not a NeonDataSource setting (those are: "
              + String.join(", ", names().keySet())
              + "); the URL and credentials are spring.datasource.url, username and password;"
              + " pgJDBC properties go under "
              + PREFIX
              + "."
              + PGJDBC
              + ".*");
    }
  }

  /** The reason {@code value} is refused for the setting {@code name}, or {@code null}. */
  private static String check(String name, String value) {
    DataSourceProperty own = DataSourceProperty.forName(name);
    try {
      if (own != null) {
        own.validate(value);
      } else {
        NeonProperty.forName(name).validate(value);
      }
      return null;
    } catch (IllegalArgumentException | SQLException e) {
      return e.getMessage();
    }
  }

  /** {@code directPoolMaximumSize} → {@code direct-pool-maximum-size}. */
  static String kebab(String camel) {
    StringBuilder kebab = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        kebab.append('-').append(Character.toLowerCase(c));
      } else {
        kebab.append(c);
      }
    }
    return kebab.toString();
  }

  /** A name compared as Spring's relaxed binding does: no dashes or underscores, lower case. */
  private static String loose(String name) {
    return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }
}

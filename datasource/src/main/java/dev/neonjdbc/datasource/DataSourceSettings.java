package dev.neonjdbc.datasource;

import dev.neonjdbc.NeonProperty;
import dev.neonjdbc.spi.NeonEndpoints;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import javax.naming.Reference;
import javax.naming.StringRefAddr;

/**
 * What a {@link NeonDataSource} has been told, by the two models: its own settings ({@link
 * DataSourceProperty}), {@code jdbc:neon:} properties ({@link NeonProperty}), and pgJDBC keys that
 * are passed through unread. Values are kept in canonical text once they have been checked.
 *
 * <p>Typed setters refuse a bad value at once ({@link IllegalArgumentException}). Text given by
 * name ({@link #setByName}, which JNDI uses) is checked when it is set too, but a bad value is
 * remembered rather than thrown, and {@link #checkValid} reports it when the first connection is
 * requested, as SQLState 22023: the same place and shape as a bad value in the URL.
 */
final class DataSourceSettings {
  /** The bean name of the driver class setting, which is checked but not kept. */
  static final String DRIVER_CLASS_NAME = "driverClassName";

  private final Properties own = new Properties();
  private final Map<DataSourceProperty, Object> objects = new EnumMap<>(DataSourceProperty.class);
  private final Properties neon = new Properties();
  private final Properties pgjdbc = new Properties();
  private final Map<String, String> rejected = new LinkedHashMap<>();

  /** Sets (or with {@code null} unsets) one of the data source's own settings. */
  synchronized void set(DataSourceProperty property, String value) {
    String canonical = property.validate(value);
    rejected.remove(property.getName());
    put(own, property.getName(), canonical);
  }

  /** Sets an object-valued setting ({@link DataSourceProperty.ValueType#OBJECT}). */
  synchronized void setObject(DataSourceProperty property, Object value) {
    if (value == null) {
      objects.remove(property);
    } else {
      objects.put(property, value);
    }
  }

  /** Sets (or with {@code null} unsets) a {@code jdbc:neon:} property, checked as the URL's are. */
  synchronized void set(NeonProperty property, String value) {
    String canonical;
    try {
      canonical = property.validate(value);
    } catch (SQLException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    rejected.remove(property.getName());
    put(neon, property.getName(), canonical);
  }

  /** Sets a pgJDBC property, passed to every session unread. */
  synchronized void setPgjdbc(String key, String value) {
    put(pgjdbc, key, value);
  }

  /** Replaces every pgJDBC property. */
  synchronized void replacePgjdbc(Properties properties) {
    pgjdbc.clear();
    if (properties != null) {
      for (String key : properties.stringPropertyNames()) {
        pgjdbc.setProperty(key, properties.getProperty(key));
      }
    }
  }

  /**
   * Sets a value by name, as text: a {@link DataSourceProperty} by its name or alias, a {@link
   * NeonProperty} by its name, anything else as a pgJDBC key. A bad value is remembered for {@link
   * #checkValid} instead of thrown.
   */
  synchronized void setByName(String name, String value) {
    DataSourceProperty own = DataSourceProperty.forName(name);
    NeonProperty driver = own == null ? NeonProperty.forName(name) : null;
    boolean driverClass = own == null && driver == null && DRIVER_CLASS_NAME.equalsIgnoreCase(name);
    String key =
        own != null
            ? own.getName()
            : driver != null ? driver.getName() : driverClass ? DRIVER_CLASS_NAME : name;
    try {
      if (own != null) {
        set(own, value);
      } else if (driver != null) {
        set(driver, value);
      } else if (driverClass) {
        checkDriverClassName(value);
        rejected.remove(key);
      } else {
        setPgjdbc(name, value);
      }
    } catch (IllegalArgumentException e) {
      rejected.put(key, e.getMessage());
    }
  }

  /**
   * Accepts {@code dev.neonjdbc.Driver} or nothing.
   *
   * @throws IllegalArgumentException for any other driver
   */
  static void checkDriverClassName(String driverClassName) {
    String ours = dev.neonjdbc.Driver.class.getName();
    if (driverClassName != null && !driverClassName.isEmpty() && !driverClassName.equals(ours)) {
      throw new IllegalArgumentException(
          "Invalid value for '"
              + DRIVER_CLASS_NAME
              + "': '"
              + driverClassName
              + "' must be "
              + ours
              + " (NeonDataSource uses jdbc:neon:)");
    }
  }

  /**
   * Reports the first value that {@link #setByName} could not accept.
   *
   * @throws SQLException SQLState 22023, the setting's message and the URL, password masked
   */
  synchronized void checkValid() throws SQLException {
    if (!rejected.isEmpty()) {
      throw new SQLException(
          rejected.values().iterator().next() + " [URL: " + NeonEndpoints.maskUrl(url()) + "]",
          "22023");
    }
  }

  synchronized String get(DataSourceProperty property) {
    return property.get(own);
  }

  synchronized Object getObject(DataSourceProperty property) {
    return objects.get(property);
  }

  /** The value set for {@code property}, or its default. */
  synchronized String get(NeonProperty property) {
    return property.get(neon);
  }

  /** The value set for {@code property}, or {@code null} when none was. */
  synchronized String getSet(NeonProperty property) {
    return neon.getProperty(property.getName());
  }

  synchronized String url() {
    return DataSourceProperty.URL.get(own);
  }

  /** A copy of the data source's own settings, for reading with the typed getters. */
  synchronized Properties ownSettings() {
    Properties copy = new Properties();
    copy.putAll(own);
    return copy;
  }

  /** A copy of the pgJDBC properties. */
  synchronized Properties pgjdbcProperties() {
    Properties copy = new Properties();
    copy.putAll(pgjdbc);
    return copy;
  }

  /** What the driver is given: pgJDBC keys, then {@code jdbc:neon:} ones, then credentials. */
  synchronized Properties connectProperties() {
    Properties info = new Properties();
    info.putAll(pgjdbc);
    info.putAll(neon);
    for (DataSourceProperty credential :
        new DataSourceProperty[] {DataSourceProperty.USER, DataSourceProperty.PASSWORD}) {
      String value = credential.get(own);
      if (value != null) {
        info.setProperty(credential.getName(), value);
      }
    }
    return info;
  }

  /**
   * Adds every value set as text to {@code reference}, by the names {@link #setByName} reads: what
   * {@link NeonDataSourceFactory} needs to build an equal data source. Object settings cannot
   * travel in a reference.
   */
  synchronized void addTo(Reference reference) {
    for (String key : pgjdbc.stringPropertyNames()) {
      reference.add(new StringRefAddr(key, pgjdbc.getProperty(key)));
    }
    for (NeonProperty property : NeonProperty.values()) {
      String value = neon.getProperty(property.getName());
      if (value != null) {
        reference.add(new StringRefAddr(property.getName(), value));
      }
    }
    for (DataSourceProperty property : DataSourceProperty.values()) {
      String value = own.getProperty(property.getName());
      if (value != null) {
        reference.add(new StringRefAddr(property.getName(), value));
      }
    }
  }

  private static void put(Properties properties, String key, String value) {
    if (value == null) {
      properties.remove(key);
    } else {
      properties.setProperty(key, value);
    }
  }
}

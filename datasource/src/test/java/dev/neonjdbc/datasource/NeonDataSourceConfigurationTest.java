package dev.neonjdbc.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.NeonProperty;
import java.lang.reflect.Method;
import java.util.Properties;
import javax.naming.Reference;
import javax.naming.StringRefAddr;
import org.junit.jupiter.api.Test;

/** Bean properties, JNDI references and the rules of configuration, without a server. */
class NeonDataSourceConfigurationTest {

  /** A value each property accepts, by the setter's parameter type. */
  private static Object sampleFor(NeonProperty property, Class<?> type) {
    if (type == int.class) {
      return 6543;
    }
    if (type == boolean.class) {
      return true;
    }
    String[] choices = property.getChoices();
    return choices.length > 0 ? choices[choices.length - 1] : "example.internal";
  }

  @Test
  void everyJdbcNeonPropertyHasABeanSetterAndGetter() throws Exception {
    for (NeonProperty property : NeonProperty.values()) {
      String name = property.getName();
      String suffix = Character.toUpperCase(name.charAt(0)) + name.substring(1);
      Method setter = findSetter("set" + suffix);
      assertNotNull(setter, "NeonDataSource lacks set" + suffix + " for jdbc:neon: " + name);
      NeonDataSource dataSource = new NeonDataSource();
      Object sample = sampleFor(property, setter.getParameterTypes()[0]);
      setter.invoke(dataSource, sample);
      assertEquals(String.valueOf(sample), dataSource.neon(property), name);
      Method getter = findGetter(suffix);
      assertNotNull(getter, "NeonDataSource lacks a getter for " + name);
      assertEquals(sample, getter.invoke(dataSource), name);
    }
  }

  private static Method findSetter(String name) {
    for (Method method : NeonDataSource.class.getMethods()) {
      if (method.getName().equals(name) && method.getParameterCount() == 1) {
        return method;
      }
    }
    return null;
  }

  private static Method findGetter(String suffix) {
    for (String prefix : new String[] {"get", "is"}) {
      try {
        return NeonDataSource.class.getMethod(prefix + suffix);
      } catch (NoSuchMethodException e) {
        // try the next prefix
      }
    }
    return null;
  }

  /** A valid value of each data source setting, by its bean setter's parameter type. */
  private static Object sampleFor(DataSourceProperty property) {
    return switch (property.getType()) {
      case COUNT -> 7;
      case DURATION -> 45_000L;
      case BOOLEAN -> false;
      case URL -> "jdbc:neon://pgbouncer.internal:6432/app";
      default -> "sample-" + property.getName();
    };
  }

  @Test
  void everyDataSourceSettingHasABeanSetterAndGetter() throws Exception {
    for (DataSourceProperty property : DataSourceProperty.values()) {
      String name = property.getName();
      String suffix = Character.toUpperCase(name.charAt(0)) + name.substring(1);
      Method setter = findSetter("set" + suffix);
      assertNotNull(setter, "NeonDataSource lacks set" + suffix);
      Method getter = findGetter(suffix);
      assertNotNull(getter, "NeonDataSource lacks a getter for " + name);
      NeonDataSource dataSource = new NeonDataSource();
      if (property.getType() == DataSourceProperty.ValueType.OBJECT) {
        assertNull(getter.invoke(dataSource), name);
        continue;
      }
      Object sample = sampleFor(property);
      Class<?> expectedType =
          switch (property.getType()) {
            case COUNT -> int.class;
            case DURATION -> long.class;
            case BOOLEAN -> boolean.class;
            default -> String.class;
          };
      assertEquals(expectedType, setter.getParameterTypes()[0], name);
      setter.invoke(dataSource, sample);
      assertEquals(String.valueOf(sample), dataSource.setting(property), name);
      assertEquals(sample, getter.invoke(dataSource), name);
    }
  }

  /**
   * Every setting, given as text to {@code setProperty}, travels through a JNDI reference and the
   * factory into an equal data source, and reads back through the bean getters.
   */
  @Test
  void everySettingRoundTripsThroughAJndiReference() throws Exception {
    NeonDataSource original = new NeonDataSource();
    for (DataSourceProperty property : DataSourceProperty.values()) {
      if (property.getType() != DataSourceProperty.ValueType.OBJECT) {
        original.setProperty(property.getName(), textSampleFor(property));
      }
    }
    for (NeonProperty property : NeonProperty.values()) {
      original.setProperty(property.getName(), textSampleFor(property));
    }
    original.setProperty("ApplicationName", "jndi-app");
    original.setProperty("driverClassName", "dev.neonjdbc.Driver");

    Reference reference = original.getReference();
    reference.add(new StringRefAddr("auth", "Container")); // as Tomcat adds it
    NeonDataSource copy =
        (NeonDataSource) new NeonDataSourceFactory().getObjectInstance(reference, null, null, null);

    for (DataSourceProperty property : DataSourceProperty.values()) {
      if (property.getType() != DataSourceProperty.ValueType.OBJECT) {
        assertNotEquals(property.getDefaultValue(), original.setting(property), property.name());
        assertEquals(original.setting(property), copy.setting(property), property.name());
        Method getter = findGetter(beanSuffix(property.getName()));
        assertEquals(getter.invoke(original), getter.invoke(copy), property.name());
      }
    }
    for (NeonProperty property : NeonProperty.values()) {
      assertNotEquals(property.getDefaultValue(), original.neon(property), property.name());
      assertEquals(original.neon(property), copy.neon(property), property.name());
      Method getter = findGetter(beanSuffix(property.getName()));
      assertEquals(getter.invoke(original), getter.invoke(copy), property.name());
    }
    Properties expected = new Properties();
    expected.setProperty("ApplicationName", "jndi-app");
    assertEquals(expected, copy.getDataSourceProperties());
    assertEquals("s3cret-password", copy.getPassword());
    assertEquals("jdbc:neon://pgbouncer.internal:6432/app", copy.getUrl());
  }

  /** A valid value, not the default, written as text configuration would give it. */
  private static String textSampleFor(DataSourceProperty property) {
    return switch (property.getType()) {
      case COUNT -> "7";
      case DURATION -> "45s";
      case BOOLEAN -> "FALSE";
      case URL -> "jdbc:neon://pgbouncer.internal:6432/app";
      case SECRET -> "s3cret-password";
      default -> "sample-" + property.getName();
    };
  }

  private static String textSampleFor(NeonProperty property) {
    return switch (property.getValueType()) {
      case PORT -> "6543";
      case SECONDS -> "17";
      case MILLISECONDS -> "250";
      case BOOLEAN -> "true".equals(property.getDefaultValue()) ? "false" : "TRUE";
      case CHOICE -> property.getChoices()[property.getChoices().length - 1];
      case TEXT -> "example.internal";
    };
  }

  private static String beanSuffix(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  @Test
  void factoryIgnoresReferencesToOtherClasses() {
    Reference other = new Reference("org.postgresql.ds.PGSimpleDataSource");
    assertNull(new NeonDataSourceFactory().getObjectInstance(other, null, null, null));
  }

  @Test
  void springStyleNamesAndPastedNeonUrlsAreAccepted() {
    NeonDataSource dataSource = new NeonDataSource();
    dataSource.setJdbcUrl("postgresql://alex:pw@ep-cool-darkness-a1b2c3d4-pooler.aws.neon.tech/db");
    dataSource.setUsername("alex");
    dataSource.setDriverClassName("dev.neonjdbc.Driver");
    assertTrue(dataSource.getUrl().startsWith("jdbc:neon:postgresql://"));
    assertEquals("alex", dataSource.getUser());
    assertThrows(
        IllegalArgumentException.class,
        () -> dataSource.setDriverClassName("org.postgresql.Driver"));
  }

  @Test
  void toStringNeverShowsThePassword() {
    NeonDataSource dataSource =
        new NeonDataSource("jdbc:neon:postgresql://alex:TopSecret1@db.example.com/app");
    dataSource.setPassword("OtherSecret2");
    assertFalse(dataSource.toString().contains("TopSecret1"), dataSource.toString());
    assertFalse(dataSource.toString().contains("OtherSecret2"), dataSource.toString());
  }

  @Test
  void aStartedDataSourceRefusesChangesAndKeepsItsChosenPoolName() {
    NeonDataSource dataSource = new NeonDataSource();
    assertNull(dataSource.getPoolName());
    dataSource.close();
    assertThrows(IllegalStateException.class, () -> dataSource.setDirectPoolMaximumSize(2));
    assertThrows(IllegalStateException.class, () -> dataSource.setProperty("route", "direct"));
  }
}

package dev.neonjdbc.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  @Test
  void jndiReferenceRoundTripsThroughTheFactory() throws Exception {
    NeonDataSource original = new NeonDataSource("jdbc:neon://pgbouncer.internal:6432/app");
    original.setUser("alex");
    original.setPassword("s3cret");
    original.setDirectHost("db.internal");
    original.setDirectPort(5432);
    original.setClientPooling("on");
    original.setDirectPoolMaximumSize(2);
    original.setPoolName("jndi-pool");
    original.addDataSourceProperty("ApplicationName", "jndi-app");

    Reference reference = original.getReference();
    reference.add(new StringRefAddr("auth", "Container")); // as Tomcat adds it
    NeonDataSource copy =
        (NeonDataSource) new NeonDataSourceFactory().getObjectInstance(reference, null, null, null);

    assertEquals(original.getUrl(), copy.getUrl());
    assertEquals("alex", copy.getUser());
    assertEquals("s3cret", copy.getPassword());
    assertEquals("db.internal", copy.getDirectHost());
    assertEquals(5432, copy.getDirectPort());
    assertEquals("on", copy.getClientPooling());
    assertEquals(2, copy.getDirectPoolMaximumSize());
    assertEquals("jndi-pool", copy.getPoolName());
    Properties expected = new Properties();
    expected.setProperty("ApplicationName", "jndi-app");
    assertEquals(expected, copy.getDataSourceProperties());
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
  void badPoolSettingsNameTheProperty() {
    NeonDataSource dataSource = new NeonDataSource();
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> dataSource.setProperty("directPoolMaximumSize", "many"));
    assertTrue(error.getMessage().contains("directPoolMaximumSize"), error.getMessage());
  }
}

package dev.neonjdbc.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.spi.NeonEndpoints;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A bad setting fails when it is set: a bean setter throws {@link IllegalArgumentException} with
 * the driver's URL error shape, and text given by name ({@code setProperty}, JNDI) fails the first
 * {@code getConnection()} with SQLState 22023 and the same message. No server is needed: nothing
 * gets as far as connecting.
 */
class SetTimeValidationTest {

  /** The data source refuses {@code value} for {@code key}, naming both and the problem. */
  private static void assertRefused(
      Consumer<NeonDataSource> setter, String key, String shownValue, String problem) {
    NeonDataSource dataSource = new NeonDataSource();
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> setter.accept(dataSource));
    assertEquals(
        "Invalid value for '" + key + "': " + shownValue + " " + problem, error.getMessage());
  }

  @Test
  void everyDefaultIsValidAndComesBackAsItIs() {
    for (DataSourceProperty property : DataSourceProperty.values()) {
      if (property.getDefaultValue() != null) {
        assertEquals(
            property.getDefaultValue(),
            property.validate(property.getDefaultValue()),
            property.name());
      }
      assertEquals(
          property,
          DataSourceProperty.forName(property.getName().toUpperCase(java.util.Locale.ROOT)));
      if (property.getAlias() != null) {
        assertEquals(property, DataSourceProperty.forName(property.getAlias()));
      }
    }
  }

  @Test
  void numbersAreWholeAndAtLeastTheirMinimum() {
    assertRefused(
        ds -> ds.setDirectPoolMaximumSize(0), "directPoolMaximumSize", "'0'", "must be at least 1");
    assertRefused(
        ds -> ds.setPooledPoolMaximumSize(-3),
        "pooledPoolMaximumSize",
        "'-3'",
        "must be at least 1");
    assertDeferred(
        "pooledPoolMaximumSize",
        "ten",
        "Invalid value for 'pooledPoolMaximumSize': 'ten' must be a whole number");
  }

  @Test
  void durationsHaveTheirFloorsAndAcceptUnits() {
    assertRefused(
        ds -> ds.setConnectionTimeout(100),
        "connectionTimeout",
        "'100'",
        "must be 0 (no limit) or at least 250 ms");
    assertRefused(
        ds -> ds.setDirectPoolIdleTimeout(5_000),
        "directPoolIdleTimeout",
        "'5000'",
        "must be 0 (no limit) or at least 10 s");
    assertRefused(
        ds -> ds.setMaxLifetime(1_000),
        "maxLifetime",
        "'1000'",
        "must be 0 (no limit) or at least 30 s");
    assertRefused(
        ds -> ds.setPooledPoolMaximumSize(0), "pooledPoolMaximumSize", "'0'", "must be at least 1");
    assertDeferred(
        "connectionTimeout",
        "soon",
        "Invalid value for 'connectionTimeout': 'soon' must be a duration: milliseconds, a number"
            + " with ms, s, min or h, or ISO-8601 (PT10S)");
    NeonDataSource dataSource = new NeonDataSource();
    dataSource.setConnectionTimeout(0);
    dataSource.setDirectPoolIdleTimeout(0);
    dataSource.setPooledPoolIdleTimeout(0);
    assertEquals(
        0, dataSource.getConnectionTimeout(), "0: wait without limit, as HikariCP reads it");
    dataSource.setMaxLifetime(0);
    assertEquals(0, dataSource.getMaxLifetime());
    for (String text : new String[] {"90000", "90000ms", "90s", "90 S", "PT1M30S", "pt90s"}) {
      dataSource.setProperty("validationTimeout", text);
      assertEquals(90_000, dataSource.getValidationTimeout(), text);
    }
    dataSource.setProperty("maxLifetime", "2h");
    assertEquals(7_200_000, dataSource.getMaxLifetime());
    dataSource.setProperty("pooledPoolIdleTimeout", "1 min");
    assertEquals(60_000, dataSource.getPooledPoolIdleTimeout());
  }

  @Test
  void choicesAreCheckedAsTheDriverChecksThem() {
    assertRefused(
        ds -> ds.setRoute("sideways"),
        "route",
        "'sideways'",
        "must be one of auto, pooled, direct");
    assertRefused(
        ds -> ds.setTransport("carrier-pigeon"),
        "transport",
        "'carrier-pigeon'",
        "must be one of tcp, websocket");
    NeonDataSource dataSource = new NeonDataSource();
    dataSource.setRoute(" DIRECT ");
    assertEquals("direct", dataSource.getRoute(), "kept as the driver spells it");
  }

  @Test
  void autoSettingsTakeAutoOrTheirOtherChoices() {
    assertRefused(
        ds -> ds.setClientPooling("sometimes"),
        "clientPooling",
        "'sometimes'",
        "must be one of auto, on, off");
    assertRefused(
        ds -> ds.setConnectRetry("yes"),
        "connectRetry",
        "'yes'",
        "must be one of auto, true, false");
    NeonDataSource dataSource = new NeonDataSource();
    dataSource.setClientPooling("AUTO");
    dataSource.setDirectTls("Auto");
    assertEquals("auto", dataSource.getClientPooling());
    assertEquals("auto", dataSource.getDirectTls());
    dataSource.setPoolerPreparedStatements(null);
    assertEquals("auto", dataSource.getPoolerPreparedStatements(), "unset: the default again");
  }

  @Test
  void booleansPortsSecondsAndNamesAreChecked() {
    NeonDataSource dataSource = new NeonDataSource();
    dataSource.setProperty("registerMbeans", "FALSE");
    assertFalse(dataSource.isRegisterMbeans());
    assertDeferred(
        "registerMbeans", "yes", "Invalid value for 'registerMbeans': 'yes' must be true or false");
    assertDeferred(
        "neonEndpointOption",
        "1",
        "Invalid value for 'neonEndpointOption': '1' must be true or false");
    assertRefused(
        ds -> ds.setPooledPort(70_000), "pooledPort", "'70000'", "is not a port number (1-65535)");
    assertRefused(ds -> ds.setLoginTimeout(-1), "loginTimeout", "'-1'", "must be a whole number");
    assertRefused(
        ds -> ds.setPoolName("a:b"),
        "poolName",
        "'a:b'",
        "must not contain ':' (HikariCP's MBean names cannot hold it)");
    assertRefused(
        ds -> ds.setDriverClassName("org.postgresql.Driver"),
        "driverClassName",
        "'org.postgresql.Driver'",
        "must be dev.neonjdbc.Driver (NeonDataSource uses jdbc:neon:)");
  }

  @Test
  void theMessageShapeIsTheDriversForTheSameValue() {
    SQLException fromUrl =
        assertThrows(
            SQLException.class,
            () ->
                NeonEndpoints.resolve(
                    "jdbc:neon://db.example.com/app?route=sideways", new Properties()));
    IllegalArgumentException fromSetter =
        assertThrows(
            IllegalArgumentException.class, () -> new NeonDataSource().setRoute("sideways"));
    assertEquals("22023", fromUrl.getSQLState());
    assertTrue(
        fromUrl.getMessage().startsWith(fromSetter.getMessage()),
        fromUrl.getMessage() + " / " + fromSetter.getMessage());
  }

  @Test
  void aUrlThatIsNotOursIsRefusedWithItsPasswordMasked() {
    NeonDataSource dataSource = new NeonDataSource();
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> dataSource.setUrl("jdbc:postgresql://alex:TopSecret9@db.example.com/app"));
    assertFalse(error.getMessage().contains("TopSecret9"), error.getMessage());
    assertTrue(
        error.getMessage().startsWith("Invalid value for 'url': 'jdbc:"), error.getMessage());
    assertTrue(
        error.getMessage().endsWith("' must start with jdbc:neon:, postgresql:// or postgres://"),
        error.getMessage());
    dataSource.setUrl("postgres://alex@ep-cool-darkness-a1b2c3d4-pooler.aws.neon.tech/db");
    assertEquals(
        "jdbc:neon:postgres://alex@ep-cool-darkness-a1b2c3d4-pooler.aws.neon.tech/db",
        dataSource.getUrl());
    dataSource.setUrl(null);
    assertEquals("jdbc:neon:", dataSource.getUrl());
    dataSource.setUrl("JDBC:NEON://db.example.com/app");
    assertEquals("JDBC:NEON://db.example.com/app", dataSource.getUrl(), "any case, as the driver");
  }

  @Test
  void aRejectedDriverClassNameIsClearedByAGoodOne() {
    NeonDataSource dataSource = new NeonDataSource("jdbc:neon://127.0.0.1:1/app");
    dataSource.setProperty("driverClassName", "org.postgresql.Driver");
    SQLException refused = assertThrows(SQLException.class, dataSource::getConnection);
    assertEquals("22023", refused.getSQLState());
    dataSource.setProperty("DriverClassName", "dev.neonjdbc.Driver");
    SQLException unreachable = assertThrows(SQLException.class, dataSource::getConnection);
    assertEquals("08001", unreachable.getSQLState(), "no setting error left: " + unreachable);
  }

  @Test
  void aPasswordIsNeverShown() {
    assertEquals(NeonEndpoints.MASK, DataSourceProperty.PASSWORD.shown("TopSecret9"));
    assertFalse(
        DataSourceProperty.URL
            .invalid("jdbc:neon://alex:TopSecret9@h/db", "x")
            .getMessage()
            .contains("TopSecret9"));
  }

  @Test
  void badTextByNameFailsTheFirstConnectionWith22023AndTheUrlMasked() {
    NeonDataSource dataSource =
        new NeonDataSource("jdbc:neon://alex:TopSecret9@127.0.0.1:1/app?sslmode=disable");
    dataSource.setProperty("directPoolMaximumSize", "many");
    dataSource.setProperty("connectionTimeout", "100");
    SQLException error = assertThrows(SQLException.class, dataSource::getConnection);
    assertEquals("22023", error.getSQLState());
    assertTrue(
        error
            .getMessage()
            .startsWith("Invalid value for 'directPoolMaximumSize': 'many' must be a whole number"),
        error.getMessage());
    assertTrue(error.getMessage().contains(" [URL: jdbc:neon://alex:"), error.getMessage());
    assertFalse(error.getMessage().contains("TopSecret9"), error.getMessage());

    // A good value for the same key clears the error; the next one is reported next.
    dataSource.setDirectPoolMaximumSize(2);
    SQLException next = assertThrows(SQLException.class, dataSource::getConnection);
    assertTrue(
        next.getMessage()
            .startsWith(
                "Invalid value for 'connectionTimeout': '100' must be 0 (no limit) or at least 250"
                    + " ms"),
        next.getMessage());
    assertEquals(2, dataSource.getDirectPoolMaximumSize());
    assertEquals(10_000, dataSource.getConnectionTimeout(), "the bad value was not kept");
  }

  @Test
  void objectSettingsCannotComeFromText() {
    assertDeferred(
        "metricRegistry",
        "prometheus",
        "Invalid value for 'metricRegistry': 'prometheus' is an object: set it in code with"
            + " setMetricRegistry");
    assertNull(new NeonDataSource().getMetricRegistry());
  }

  /** {@code setProperty} keeps quiet; the first connection reports {@code message}. */
  private static void assertDeferred(String key, String value, String message) {
    NeonDataSource dataSource = new NeonDataSource("jdbc:neon://127.0.0.1:1/app");
    Executable set = () -> dataSource.setProperty(key, value);
    org.junit.jupiter.api.Assertions.assertDoesNotThrow(set);
    SQLException error = assertThrows(SQLException.class, dataSource::getConnection);
    assertEquals("22023", error.getSQLState());
    assertEquals(message + " [URL: jdbc:neon://127.0.0.1:1/app]", error.getMessage());
  }
}

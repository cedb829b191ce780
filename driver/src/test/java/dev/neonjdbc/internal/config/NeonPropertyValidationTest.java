package dev.neonjdbc.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.NeonProperty;
import dev.neonjdbc.NeonProperty.ValueType;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@link NeonProperty#validate} checks a single value exactly as a URL's value is checked when a
 * connection is opened: same acceptance, same SQLState, same message.
 */
class NeonPropertyValidationTest {

  @Test
  void autoIsResolvedByTheCallersMeaningAndTrueFalseAsWritten() throws SQLException {
    Properties properties = new Properties();
    assertTrue(NeonProperty.CONNECT_RETRY.isOn(properties, true), "default auto, meaning on");
    assertEquals(false, NeonProperty.CONNECT_RETRY.isOn(properties, false));
    properties.setProperty("connectRetry", "TRUE");
    assertEquals(true, NeonProperty.CONNECT_RETRY.isOn(properties, false));
    properties.setProperty("connectRetry", "false");
    assertEquals(false, NeonProperty.CONNECT_RETRY.isOn(properties, true));
    properties.setProperty("connectRetry", "sometimes");
    SQLException bad =
        assertThrows(SQLException.class, () -> NeonProperty.CONNECT_RETRY.isOn(properties, true));
    assertEquals("22023", bad.getSQLState());
  }

  @Test
  void everyPropertyHasTheTypeItsGetterReads() {
    Map<NeonProperty, ValueType> typed =
        Map.of(
            NeonProperty.POOLED_PORT, ValueType.PORT,
            NeonProperty.DIRECT_PORT, ValueType.PORT,
            NeonProperty.LOGIN_TIMEOUT, ValueType.SECONDS,
            NeonProperty.NEON_ENDPOINT_OPTION, ValueType.BOOLEAN,
            NeonProperty.WEBSOCKET_ALLOW_INSECURE, ValueType.BOOLEAN,
            NeonProperty.ROUTE, ValueType.CHOICE,
            NeonProperty.CLIENT_POOLING, ValueType.CHOICE,
            NeonProperty.POOLED_HOST, ValueType.TEXT,
            NeonProperty.WEBSOCKET_URL, ValueType.TEXT);
    typed.forEach((property, type) -> assertEquals(type, property.getValueType(), property.name()));
    for (NeonProperty property : NeonProperty.values()) {
      if (property.getValueType() == ValueType.CHOICE) {
        assertTrue(property.getChoices().length > 0, property.getName());
      }
    }
  }

  @Test
  void everyDefaultAndEveryChoiceIsValid() throws SQLException {
    for (NeonProperty property : NeonProperty.values()) {
      if (property.getDefaultValue() != null) {
        assertEquals(
            property.getDefaultValue(),
            property.validate(property.getDefaultValue()),
            property.getName());
      }
      for (String choice : property.getChoices()) {
        assertEquals(choice, property.validate(choice.toUpperCase(java.util.Locale.ROOT)));
      }
    }
  }

  @Test
  void validValuesComeBackAsTheGettersReadThem() throws SQLException {
    assertEquals("6432", NeonProperty.POOLED_PORT.validate(" 6432 "));
    assertEquals("15", NeonProperty.LOGIN_TIMEOUT.validate("15"));
    assertNull(NeonProperty.LOGIN_TIMEOUT.validate(" "), "blank seconds leave it unset");
    assertEquals("true", NeonProperty.NEON_ENDPOINT_OPTION.validate("TRUE"));
    assertEquals("direct", NeonProperty.ROUTE.validate(" Direct "));
    assertEquals("pg.internal", NeonProperty.DIRECT_HOST.validate("pg.internal"));
    assertNull(NeonProperty.ROUTE.validate(null));
  }

  @Test
  void badValuesFailAsTheUrlsBadValuesDo() {
    assertSameFailure(NeonProperty.ROUTE, "sideways");
    assertSameFailure(NeonProperty.CLIENT_POOLING, "sometimes");
    assertSameFailure(NeonProperty.NEON_ENDPOINT_OPTION, "yes");
    assertSameFailure(NeonProperty.DIRECT_PORT, "70000");
    assertSameFailure(NeonProperty.LOGIN_TIMEOUT, "-1");
    assertSameFailure(NeonProperty.LOGIN_TIMEOUT, "soon");
    assertSameFailure(NeonProperty.REPLICA_READ_AFTER_WRITE, "-1");
    assertSameFailure(NeonProperty.REPLICA_DOWN_FOR, "half a minute");
  }

  /** The same value read through the property's getter from connection properties. */
  private static void assertSameFailure(NeonProperty property, String value) {
    SQLException fromValidate = assertThrows(SQLException.class, () -> property.validate(value));
    Properties properties = new Properties();
    properties.setProperty(property.getName(), value);
    SQLException fromGetter = assertThrows(SQLException.class, () -> read(property, properties));
    assertEquals(ConfigErrors.INVALID_PARAMETER_VALUE, fromValidate.getSQLState());
    assertEquals(fromGetter.getMessage(), fromValidate.getMessage());
    String shape = "Invalid value for '" + property.getName() + "': '" + value + "' ";
    assertTrue(fromValidate.getMessage().startsWith(shape), fromValidate.getMessage());
  }

  private static Object read(NeonProperty property, Properties properties) throws SQLException {
    return switch (property.getValueType()) {
      case CHOICE -> property.getChoice(properties);
      case BOOLEAN -> property.getBoolean(properties);
      case PORT -> property.getPort(properties);
      case SECONDS -> property.getSeconds(properties);
      case MILLISECONDS -> property.getMilliseconds(properties);
      case TEXT -> property.get(properties);
    };
  }
}

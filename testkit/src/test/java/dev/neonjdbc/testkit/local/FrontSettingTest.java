package dev.neonjdbc.testkit.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStackException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The switch that turns the local stack's front off. */
class FrontSettingTest {
  private final String before = System.getProperty(LocalNeonStack.FRONT_PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(LocalNeonStack.FRONT_PROPERTY);
    } else {
      System.setProperty(LocalNeonStack.FRONT_PROPERTY, before);
    }
  }

  @Test
  void offAndFalseTurnTheFrontOffInAnyCase() {
    for (String value : new String[] {"off", "OFF", " false "}) {
      System.setProperty(LocalNeonStack.FRONT_PROPERTY, value);
      assertEquals(false, LocalNeonStack.frontWanted(), value);
    }
    for (String value : new String[] {"on", "True"}) {
      System.setProperty(LocalNeonStack.FRONT_PROPERTY, value);
      assertEquals(true, LocalNeonStack.frontWanted(), value);
    }
  }

  @Test
  void anotherValueIsRefusedWithTheSettingsName() {
    System.setProperty(LocalNeonStack.FRONT_PROPERTY, "maybe");
    NeonStackException error = assertThrows(NeonStackException.class, LocalNeonStack::frontWanted);
    assertTrue(error.getMessage().contains(LocalNeonStack.FRONT_PROPERTY), error.getMessage());
    assertTrue(error.getMessage().contains("maybe"), error.getMessage());
  }
}

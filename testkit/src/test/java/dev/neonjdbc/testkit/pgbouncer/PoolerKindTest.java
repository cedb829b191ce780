package dev.neonjdbc.testkit.pgbouncer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStackException;
import org.junit.jupiter.api.Test;

class PoolerKindTest {

  @Test
  void settingValuesNameTheKindsInAnyCase() {
    assertEquals(PoolerKind.PREPARED_STATEMENTS, PoolerKind.parse("x", "prepared"));
    assertEquals(PoolerKind.PLAIN, PoolerKind.parse("x", " PLAIN "));
    assertTrue(PoolerKind.PREPARED_STATEMENTS.keepsPreparedStatements());
    assertFalse(PoolerKind.PLAIN.keepsPreparedStatements());
  }

  @Test
  void anUnknownValueIsRefusedWithTheSettingsName() {
    NeonStackException error =
        assertThrows(
            NeonStackException.class,
            () -> PoolerKind.parse(PoolerKind.VARIABLE, "pgbouncer-1.18"));
    assertEquals(
        "NEON_TESTKIT_POOLER must be prepared or plain, got: pgbouncer-1.18", error.getMessage());
  }

  @Test
  void theSystemPropertyChoosesTheKind() {
    String before = System.getProperty(PoolerKind.PROPERTY);
    try {
      System.setProperty(PoolerKind.PROPERTY, "plain");
      assertEquals(PoolerKind.PLAIN, PoolerKind.configured());
      System.setProperty(PoolerKind.PROPERTY, "prepared");
      assertEquals(PoolerKind.PREPARED_STATEMENTS, PoolerKind.configured());
    } finally {
      if (before == null) {
        System.clearProperty(PoolerKind.PROPERTY);
      } else {
        System.setProperty(PoolerKind.PROPERTY, before);
      }
    }
  }
}

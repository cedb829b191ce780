package dev.neonjdbc.testkit.pgbouncer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PgBouncerBinaryTest {
  private static final Path SOMEWHERE = Path.of("/somewhere/pgbouncer");

  @Test
  void debian12PgBouncerKeepsNoPreparedStatementsAndStopsOnSigterm() {
    PgBouncerBinary binary =
        PgBouncerBinary.parse(SOMEWHERE, "PgBouncer 1.18.0\nlibevent 2.1.12-stable\n")
            .orElseThrow();
    assertEquals(1, binary.major());
    assertEquals(18, binary.minor());
    assertEquals("PgBouncer 1.18.0", binary.versionLine());
    assertFalse(binary.supportsPreparedStatements());
    assertTrue(binary.stopsAtOnceOnSigterm());
  }

  @Test
  void debian13PgBouncerKeepsPreparedStatementsAndNeedsSigquit() {
    PgBouncerBinary binary =
        PgBouncerBinary.parse(SOMEWHERE, "PgBouncer 1.24.1\nadns: c-ares 1.18.1\n").orElseThrow();
    assertTrue(binary.supportsPreparedStatements());
    assertFalse(binary.stopsAtOnceOnSigterm());
  }

  @Test
  void versionBoundariesAreInclusive() {
    assertTrue(PgBouncerBinary.parse(SOMEWHERE, "PgBouncer 1.21.0").orElseThrow().atLeast(1, 21));
    assertFalse(
        PgBouncerBinary.parse(SOMEWHERE, "PgBouncer 1.20.1")
            .orElseThrow()
            .supportsPreparedStatements());
    assertFalse(
        PgBouncerBinary.parse(SOMEWHERE, "PgBouncer 1.23.0").orElseThrow().stopsAtOnceOnSigterm());
    assertTrue(PgBouncerBinary.parse(SOMEWHERE, "PgBouncer 2.0").orElseThrow().atLeast(1, 99));
  }

  @Test
  void somethingElseIsNoPgBouncer() {
    assertEquals(Optional.empty(), PgBouncerBinary.parse(SOMEWHERE, "true (GNU coreutils) 9.1"));
    assertEquals(Optional.empty(), PgBouncerBinary.parse(SOMEWHERE, ""));
    assertEquals(Optional.empty(), PgBouncerBinary.probe(Path.of("/nonexistent/pgbouncer")));
  }
}

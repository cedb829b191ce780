package dev.neonjdbc.testkit.pgbouncer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PgBouncerConfigTest {

  private static PgBouncerConfig config(int maxPreparedStatements) {
    return new PgBouncerConfig(
        "127.0.0.1",
        6432,
        "/tmp/neonkit-1",
        5432,
        "neondb",
        "neondb_single",
        "/tmp/auth.txt",
        "/tmp/key.pem",
        "/tmp/cert.pem",
        "/tmp/ca.pem",
        "",
        "",
        maxPreparedStatements);
  }

  @Test
  void neonsPoolerKeepsAThousandPreparedStatements() {
    String ini = config(PgBouncerConfig.NEON_MAX_PREPARED_STATEMENTS).render();
    assertTrue(ini.contains("\nmax_prepared_statements = 1000\n"), ini);
    assertTrue(ini.contains("\npool_mode = transaction\n"), ini);
  }

  @Test
  void zeroSwitchesPreparedStatementsOff() {
    assertTrue(config(0).render().contains("\nmax_prepared_statements = 0\n"));
  }

  @Test
  void theOlderConstructorLeavesTheSettingOutForPgBouncerBefore121() {
    PgBouncerConfig older =
        new PgBouncerConfig(
            "127.0.0.1",
            6432,
            "/tmp/neonkit-1",
            5432,
            "neondb",
            "neondb_single",
            "/tmp/auth.txt",
            "/tmp/key.pem",
            "/tmp/cert.pem",
            "/tmp/ca.pem",
            "",
            "");
    assertEquals(config(PgBouncerConfig.PGBOUNCER_DEFAULT), older);
    // PgBouncer 1.18 refuses to start on a setting it does not know.
    assertFalse(older.render().contains("max_prepared_statements ="), older.render());
  }
}

package dev.neonjdbc.spring.boot.tests;

import static dev.neonjdbc.spring.boot.tests.Kit.STACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The application from {@code DATABASE_URL} alone, as a platform (Vercel, Heroku-style hosts,
 * Neon's integrations) hands it over: a real process environment, so the application runs in a JVM
 * of its own ({@link DatabaseUrlMain}) with {@code DATABASE_URL} (pooled) and {@code
 * DATABASE_URL_UNPOOLED} (direct) from the kit and no {@code spring.datasource.*}. The driver reads
 * both variables itself ({@code jdbc:neon:} alone); PgBouncer's admin console tells that the
 * transaction's backend is one of its server connections.
 */
class DatabaseUrlApplicationTest {

  @Test
  void theApplicationStartsFromDatabaseUrlAloneWithBothEndpoints()
      throws IOException, InterruptedException, SQLException {
    Map<String, String> kit = STACK.environment();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
            java.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            DatabaseUrlMain.class.getName());
    Map<String, String> environment = builder.environment();
    environment
        .keySet()
        .removeIf(
            name ->
                name.startsWith("PG")
                    || name.startsWith("DATABASE_URL")
                    || name.startsWith("SPRING_DATASOURCE"));
    environment.put("DATABASE_URL", kit.get("DATABASE_URL"));
    environment.put("DATABASE_URL_UNPOOLED", kit.get("DATABASE_URL_UNPOOLED"));
    Path log = Path.of("target", "database-url-application.log");
    Files.createDirectories(log.getParent());
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the application did not stop in time");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);

    assertTrue(output.contains("data-source=NeonDataSource["), output);
    assertTrue(output.contains(", jdbc:neon:, "), "the bare URL: the driver reads the environment");
    assertTrue(
        output.contains(
            "health=UP {pooled={status=UP, address="
                + STACK.pooledHost()
                + ":"
                + STACK.pooledPort()),
        output);
    assertTrue(
        output.contains(
            "direct={status=UP, address=" + STACK.directHost() + ":" + STACK.directPort()),
        output);
    assertFalse(output.contains(STACK.password()), "no password printed or logged");

    String pid = line(output, "transaction-backend=");
    List<String> pgbouncerBackends =
        STACK.pgbouncerAdmin().orElseThrow().show("SERVERS").stream()
            .map(row -> row.get("remote_pid"))
            .toList();
    assertTrue(
        pgbouncerBackends.contains(pid),
        "the transaction's backend " + pid + " is PgBouncer's: " + pgbouncerBackends);
  }

  private static String line(String output, String prefix) {
    for (String line : output.split("\n")) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
    throw new AssertionError("no line " + prefix + " in " + output);
  }
}

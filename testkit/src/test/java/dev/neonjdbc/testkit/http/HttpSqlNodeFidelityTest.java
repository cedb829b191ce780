package dev.neonjdbc.testkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fidelity with Neon's own client: {@code @neondatabase/serverless} ({@code neon()} over HTTP,
 * {@code fullResults}, {@code arrayMode}, {@code transaction([...])} with its modes) runs against
 * the kit's endpoint under Node and must see what it sees against Neon: parsed values, NeonDbError
 * with code and position, a batch that commits or rolls back as one, a read-only batch that refuses
 * writes. The fixture ({@code src/test/node/neon-http}) is installed with npm into {@code
 * target/neon-http-node}; without node or npm, or when the install fails, the test is skipped and
 * says why.
 */
@NeonStackTest
class HttpSqlNodeFidelityTest {
  private static final Path FIXTURE = Path.of("src", "test", "node", "neon-http");
  private static final Path WORK = Path.of("target", "neon-http-node");
  private static final String TABLE = "http_node_fidelity";

  @Test
  @SuppressWarnings("unchecked")
  void neonsServerlessDriverSeesNeonsBehaviour(NeonStack stack) throws Exception {
    assumeTrue(stack.httpSql().isPresent(), stack.httpSqlUnavailableReason());
    assumeTrue(
        runs("node", "--version"), "node is not installed: the fidelity check needs Node 18+");
    assumeTrue(
        runs("npm", "--version"),
        "npm is not installed: the fidelity check installs the driver with it");
    install();
    HttpSqlEndpoint endpoint = stack.httpSql().orElseThrow();
    endpoint.clearRequests();
    execute(stack, "CREATE TABLE IF NOT EXISTS " + TABLE + " (id int PRIMARY KEY)");
    execute(stack, "TRUNCATE " + TABLE);
    Map<String, Object> seen;
    try {
      seen = (Map<String, Object>) Json.parse(runFixture(stack, endpoint));
      assertEquals(2, count(stack), "rows after the committed batch and the failed one: " + seen);
    } finally {
      execute(stack, "DROP TABLE IF EXISTS " + TABLE);
    }

    assertEquals(
        List.of("https://api.local.aws.neon.tech/sql"), seen.get("urls"), "the driver's own URL");

    assertEquals(
        List.of(Map.of("answer", new Json.Number("42"), "letter", "x")), ok(seen, "template"));

    Map<String, Object> full = (Map<String, Object>) ok(seen, "fullResults");
    assertEquals("SELECT", full.get("command"));
    assertEquals(new Json.Number("1"), full.get("rowCount"));
    assertEquals(Boolean.TRUE, full.get("rowAsArray"));
    assertEquals(
        List.of(
            List.of("t", new Json.Number("25")),
            List.of("big", new Json.Number("20")),
            List.of("b", new Json.Number("16")),
            List.of("f", new Json.Number("701")),
            List.of("ts", new Json.Number("1184")),
            List.of("arr", new Json.Number("1007")),
            List.of("j", new Json.Number("3802")),
            List.of("n", new Json.Number("23"))),
        full.get("fields"));
    assertEquals(
        Arrays.asList(
            "text",
            "9007199254740993",
            Boolean.TRUE,
            new Json.Number("1.5"),
            "2024-01-02T03:04:05.000Z",
            Arrays.asList(new Json.Number("1"), null, new Json.Number("3")),
            Map.of("a", List.of(new Json.Number("1"))),
            null),
        full.get("values"),
        "values parsed by the driver's type parsers from the kit's raw text");

    Map<String, Object> syntax = error(seen, "syntaxError");
    assertEquals("NeonDbError", syntax.get("type"));
    assertEquals("42P01", syntax.get("code"));
    assertEquals("15", syntax.get("position"));
    assertEquals("ERROR", syntax.get("severity"));
    assertEquals("relation \"nowhere_table\" does not exist", syntax.get("message"));

    assertEquals(
        List.of(List.of(), List.of(Map.of("n", new Json.Number("2")))), ok(seen, "transaction"));
    Map<String, Object> failed = error(seen, "failedTransaction");
    assertEquals("23505", failed.get("code"));
    assertEquals(
        List.of(Map.of("n", new Json.Number("2"))),
        ok(seen, "countAfterFailure"),
        "the failed batch's first insert was rolled back");

    assertEquals("25006", error(seen, "readOnlyTransaction").get("code"));
    assertEquals(
        List.of(
            List.of(Map.of("transaction_isolation", "repeatable read")),
            List.of(Map.of("transaction_read_only", "on")),
            List.of(Map.of("transaction_deferrable", "on"))),
        ok(seen, "readOnlyModes"));

    Map<String, Object> wrong = error(seen, "wrongPassword");
    assertEquals("NeonDbError", wrong.get("type"));
    assertEquals(
        "password authentication failed for user '" + stack.user() + "'", wrong.get("message"));

    List<HttpSqlRequest> requests = endpoint.requests();
    assertTrue(requests.size() >= 9, "requests seen: " + requests.size());
    for (HttpSqlRequest request : requests) {
      assertEquals("true", request.header("Neon-Raw-Text-Output"));
      assertEquals("true", request.header("Neon-Array-Mode"));
      assertTrue(request.header("Neon-Connection-String").contains(":****@"));
    }
    assertTrue(
        requests.stream()
            .anyMatch(
                r ->
                    r.batch()
                        && "true".equals(r.header("Neon-Batch-Read-Only"))
                        && "RepeatableRead".equals(r.header("Neon-Batch-Isolation-Level"))),
        "the read-only batch's headers");
  }

  private static Object ok(Map<String, Object> seen, String name) {
    @SuppressWarnings("unchecked")
    Map<String, Object> outcome = (Map<String, Object>) seen.get(name);
    assertTrue(outcome.containsKey("ok"), name + " failed: " + outcome);
    return outcome.get("ok");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> error(Map<String, Object> seen, String name) {
    Map<String, Object> outcome = (Map<String, Object>) seen.get(name);
    assertTrue(outcome.containsKey("error"), name + " did not fail: " + outcome);
    return (Map<String, Object>) outcome.get("error");
  }

  private static void install() throws Exception {
    Files.createDirectories(WORK);
    for (String file : List.of("package.json", "fidelity.mjs")) {
      Files.copy(FIXTURE.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.isDirectory(WORK.resolve("node_modules/@neondatabase/serverless"))) {
      return;
    }
    Path log = WORK.resolve("npm-install.log");
    Process npm =
        new ProcessBuilder("npm", "install", "--no-audit", "--no-fund")
            .directory(WORK.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean done = npm.waitFor(180, TimeUnit.SECONDS);
    if (!done) {
      npm.destroyForcibly();
    }
    assumeTrue(
        done && npm.exitValue() == 0,
        "npm install of @neondatabase/serverless failed (registry unreachable?): see " + log);
  }

  private static String runFixture(NeonStack stack, HttpSqlEndpoint endpoint) throws Exception {
    ProcessBuilder node = new ProcessBuilder("node", "fidelity.mjs").directory(WORK.toFile());
    node.environment().put("DATABASE_URL", stack.httpSqlConnectionString().orElseThrow());
    node.environment().put("HTTP_SQL_ADDRESS", "127.0.0.1:" + endpoint.port());
    node.environment().put("NODE_EXTRA_CA_CERTS", stack.caCertificate().toString());
    node.environment().put("TABLE", TABLE);
    Path errors = WORK.resolve("fidelity.stderr.log");
    node.redirectError(errors.toFile());
    Process process = node.start();
    byte[] out = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "node did not finish");
    String stdout = new String(out, StandardCharsets.UTF_8).strip();
    Files.writeString(WORK.resolve("fidelity.out.json"), stdout, StandardCharsets.UTF_8);
    assertEquals(
        0,
        process.exitValue(),
        "node failed: " + stdout + " " + Files.readString(errors, StandardCharsets.UTF_8));
    return stdout;
  }

  private static boolean runs(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int count(NeonStack stack) throws Exception {
    try (Connection direct = stack.openDirect();
        Statement statement = direct.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM " + TABLE)) {
      row.next();
      return row.getInt(1);
    }
  }

  private static void execute(NeonStack stack, String sql) throws Exception {
    try (Connection direct = stack.openDirect();
        Statement statement = direct.createStatement()) {
      statement.execute(sql);
    }
  }
}

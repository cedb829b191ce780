package dev.neonjdbc.spring.boot.tests;

import static dev.neonjdbc.spring.boot.tests.Kit.STACK;
import static dev.neonjdbc.spring.boot.tests.Kit.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.spring.boot.NeonHealth;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application started from {@code application.properties} and {@code spring.datasource.url},
 * {@code username} and {@code password} only: the starter gives it a NeonDataSource (no HikariCP,
 * no driver class), Flyway migrates through it, {@code @Transactional} work runs on the pooled
 * endpoint as the server says, a read-only transaction reaches the driver, and {@code
 * /actuator/health} reports both endpoints.
 */
@SpringBootTest(
    classes = StarterApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class StarterApplicationTest {

  @DynamicPropertySource
  static void neonUrl(DynamicPropertyRegistry registry) {
    Kit.neonUrl(registry);
  }

  @Autowired DataSource dataSource;
  @Autowired NotesService notes;
  @Autowired ApplicationContext context;

  @Value("${local.server.port}")
  int port;

  @Test
  void theDataSourceIsANeonDataSourceFromTheUrlAlone() {
    NeonDataSource neon = assertInstanceOf(NeonDataSource.class, dataSource);
    assertEquals(STACK.neonJdbcUrl(), neon.getUrl());
    assertEquals(STACK.user(), neon.getUser());
    assertEquals(1, context.getBeanNamesForType(DataSource.class).length);
    assertFalse(
        context.getBeansOfType(DataSource.class).values().stream()
            .anyMatch(bean -> bean.getClass().getName().startsWith("com.zaxxer.hikari")),
        "no HikariCP in front of PgBouncer");
  }

  @Test
  void flywayMigratedAtStartUpAndGaveItsDirectSessionBack() throws SQLException {
    try (Connection direct = STACK.openDirect()) {
      assertEquals(
          "2",
          scalar(
              direct, "SELECT count(*) FROM flyway_schema_history WHERE success AND type = 'SQL'"));
      assertEquals(
          "t",
          scalar(
              direct,
              "SELECT indisvalid FROM pg_index WHERE indexrelid = 'starter_notes_body_idx'::regclass"));
    }
    NeonDataSource neon = (NeonDataSource) dataSource;
    assertEquals(0, neon.getDirectPoolMXBean().getActiveConnections(), "no pinned session kept");
  }

  @Test
  void transactionalWorkRunsOnThePooledEndpointAsTheServerSays() {
    for (int i = 0; i < 3; i++) {
      String note = "note-" + i;
      List<Object> answer =
          notes.recordAndAsk(
              note,
              connection ->
                  List.of(
                      STACK.endpointOf(connection),
                      scalar(connection, "SELECT pg_backend_pid()::text"),
                      scalar(
                          connection,
                          "SELECT count(*) > 0 FROM starter_notes WHERE body = '" + note + "'")));
      assertEquals(ServerEndpoint.POOLED, answer.get(0), "the kit asks the server");
      assertEquals("t", answer.get(2), "the transaction sees its own insert: one backend");
    }
    long before = notes.count();
    assertThrows(IllegalStateException.class, () -> notes.recordPairThenFail("c", "d"));
    assertEquals(before, notes.count(), "rolled back as one");
  }

  @Test
  void aReadOnlyTransactionReachesTheDriver() {
    List<Object> answer =
        notes.askReadOnly(
            connection ->
                List.of(
                    connection.isReadOnly(),
                    scalar(connection, "SHOW transaction_read_only"),
                    STACK.endpointOf(connection)));
    assertEquals(List.of(true, "on", ServerEndpoint.POOLED), answer);
  }

  @Test
  void actuatorHealthReportsBothEndpoints() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    String body = response.body();
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "actuator-health.json"), body);
    assertEquals(200, response.statusCode(), body);
    String neon = Json.member(body, "neon");
    assertEquals("UP", Json.member(neon, "status"), body);
    String details = Json.member(neon, "details");
    assertEquals("UP", Json.member(Json.member(details, "pooled"), "status"), body);
    String direct = Json.member(details, "direct");
    assertEquals("UP", Json.member(direct, "status"), body);
    assertEquals(STACK.directHost() + ":" + STACK.directPort(), Json.member(direct, "address"));
    assertFalse(body.contains(STACK.password()), "no password in the health output");
  }

  @Test
  void actuatorMetricsListsTheRoutingMetersWithCounts() throws IOException, InterruptedException {
    notes.recordAndAsk("metered", connection -> STACK.endpointOf(connection));
    String names = get("/actuator/metrics").body();
    for (String meter : List.of("neon.statements", "neon.connects", "neon.direct.borrows")) {
      assertTrue(names.contains("\"" + meter + "\""), meter + " in " + names);
    }
    HttpResponse<String> pooled = get("/actuator/metrics/neon.statements?tag=endpoint:pooled");
    assertEquals(200, pooled.statusCode(), pooled.body());
    String count = Json.member(pooled.body(), "value");
    assertTrue(
        Double.parseDouble(count) >= 2, "an insert and the kit's question: " + pooled.body());
    Files.writeString(Path.of("target", "actuator-metrics-neon.statements.json"), pooled.body());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theHealthCheckOpensNoDirectSession() {
    NeonDataSource neon = (NeonDataSource) dataSource;
    neon.getDirectPoolMXBean().softEvictConnections();
    long connectsBefore = neon.stats().directConnects();
    NeonHealth.Report report = context.getBean(NeonHealth.class).check();
    assertEquals("UP", report.status(), report.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> direct = (Map<String, Object>) report.details().get("direct");
    assertEquals("UP", direct.get("status"));
    assertEquals("ssl-request", direct.get("check"), "no idle direct session to borrow");
    assertEquals(connectsBefore, neon.stats().directConnects(), "no direct session opened");
  }
}

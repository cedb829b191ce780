package dev.neonjdbc.micrometer;

import static dev.neonjdbc.micrometer.KnownSequence.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.spi.NeonEvents;
import dev.neonjdbc.spi.RoutingEvents;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.jdbc.datasource.JdbcTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Tracing stays transparent: OpenTelemetry's JDBC instrumentation (the library form of what the
 * Java agent does) gives statements through {@code jdbc:neon:} the same spans as through pgJDBC,
 * one per statement with the same database attributes; only the server address and port name the
 * endpoint that ran it. A {@link RoutingEvents} listener, called on the statement's thread inside
 * its span, adds the endpoint as an attribute without the driver depending on OpenTelemetry.
 */
@NeonStackTest
class TracingTransparencyTest {
  private static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("neon.endpoint");

  private final NeonStack stack;

  TracingTransparencyTest(NeonStack stack) {
    this.stack = stack;
  }

  @Test
  void jdbcNeonStatementsGiveTheSameSpansAsPgJdbc() throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (OpenTelemetrySdk openTelemetry =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build()) {
      JdbcTelemetry telemetry = JdbcTelemetry.create(openTelemetry);
      String table = unique("traced");

      PGSimpleDataSource pgjdbc = new PGSimpleDataSource();
      pgjdbc.setUrl(stack.pooledJdbcUrl());
      pgjdbc.setUser(stack.user());
      pgjdbc.setPassword(stack.password());
      runStatements(telemetry.wrap(pgjdbc), table);
      List<SpanData> pgjdbcSpans = statementSpans(exporter.getFinishedSpanItems());
      exporter.reset();

      List<EndpointKind> routed = new ArrayList<>();
      RoutingEvents endpointAttribute =
          new RoutingEvents() {
            @Override
            public void statementRouted(EndpointKind kind) {
              // Called on the statement's thread, inside the instrumentation's span.
              Span.current().setAttribute(ENDPOINT, kind.label());
              routed.add(kind);
            }
          };
      try (NeonDataSource neon = new NeonDataSource(stack.neonJdbcUrl());
          AutoCloseable registration = NeonEvents.register(endpointAttribute)) {
        neon.setUser(stack.user());
        neon.setPassword(stack.password());
        runStatements(telemetry.wrap(neon), table);
      }
      List<SpanData> neonSpans = statementSpans(exporter.getFinishedSpanItems());

      assertEquals(5, pgjdbcSpans.size(), "one span per statement: " + pgjdbcSpans);
      assertEquals(pgjdbcSpans.size(), neonSpans.size(), "one span per statement: " + neonSpans);
      for (int i = 0; i < pgjdbcSpans.size(); i++) {
        SpanData plain = pgjdbcSpans.get(i);
        SpanData neon = neonSpans.get(i);
        assertEquals(plain.getName(), neon.getName());
        assertEquals(plain.getKind(), neon.getKind());
        assertEquals(plain.getStatus(), neon.getStatus());
        assertEquals(
            databaseAttributes(plain), databaseAttributes(neon), "span " + plain.getName());
        assertEquals("postgresql", systemOf(neon), neon.getAttributes().toString());
        assertNull(plain.getAttributes().get(ENDPOINT));
        Map<String, String> attributes = databaseAttributes(neon);
        assertEquals(
            stack.database(),
            attributes.getOrDefault("db.namespace", attributes.get("db.name")),
            attributes.toString());
        System.out.println("span " + neon.getName() + " " + neon.getAttributes());
      }
      assertEquals(
          List.of("pooled", "direct", "pooled", "pooled", "direct"),
          neonSpans.stream().map(span -> span.getAttributes().get(ENDPOINT)).toList());
      assertEquals(5, routed.size());
      // The instrumentation reads the server address and port once per connection, from
      // DatabaseMetaData.getURL(): the pooled session's pgJDBC URL, as for pgJDBC on the pooled
      // URL. Where each statement ran is what neon.endpoint says.
      for (int i = 0; i < neonSpans.size(); i++) {
        assertEquals((long) stack.pooledPort(), neonSpans.get(i).getAttributes().get(SERVER_PORT));
        assertEquals(
            pgjdbcSpans.get(i).getAttributes().get(SERVER_ADDRESS),
            neonSpans.get(i).getAttributes().get(SERVER_ADDRESS));
      }
    }
  }

  private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<String> SERVER_ADDRESS =
      AttributeKey.stringKey("server.address");

  private static void runStatements(DataSource dataSource, String table) throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet rs = statement.executeQuery("SELECT 1")) {
        rs.next();
      }
      statement.execute("CREATE TABLE " + table + " (id int)");
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO " + table + " VALUES (?)")) {
        insert.setInt(1, 7);
        insert.executeUpdate();
      }
      try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
        rs.next();
      }
      statement.execute("DROP TABLE " + table);
    }
  }

  /** The spans of statements (not of getConnection), in the order they ended. */
  private static List<SpanData> statementSpans(List<SpanData> spans) {
    List<SpanData> statements = new ArrayList<>();
    for (SpanData span : spans) {
      if (!span.getName().endsWith(".getConnection")) {
        statements.add(span);
      }
    }
    assertFalse(statements.isEmpty(), "no statement spans in " + spans);
    return statements;
  }

  /** Every attribute but the endpoint's address and port (and the neon.endpoint added here). */
  private static Map<String, String> databaseAttributes(SpanData span) {
    Map<String, String> attributes = new TreeMap<>();
    span.getAttributes()
        .forEach(
            (key, value) -> {
              String name = key.getKey();
              if (!name.equals("server.address")
                  && !name.equals("server.port")
                  && !name.equals(ENDPOINT.getKey())) {
                attributes.put(name, String.valueOf(value));
              }
            });
    return attributes;
  }

  private static String systemOf(SpanData span) {
    String stable = span.getAttributes().get(AttributeKey.stringKey("db.system.name"));
    return stable != null ? stable : span.getAttributes().get(AttributeKey.stringKey("db.system"));
  }
}

package dev.neonjdbc.testkit.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.PgBouncerAdmin;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the container provider adds to the stack's contract: its images, ports and labels. */
@NeonStackTest
class ContainerStackTest {
  private final NeonStack stack;

  ContainerStackTest(NeonStack stack) {
    this.stack = stack;
  }

  @BeforeEach
  void onlyOnTheContainerProvider() {
    assumeTrue("testcontainers".equals(stack.providerName()), "provider " + stack.providerName());
  }

  @Test
  void serversArePostgres17AndPgBouncer124() throws SQLException {
    try (Connection direct = stack.openDirect()) {
      int version = Integer.parseInt(scalar(direct, "SHOW server_version_num"));
      assertTrue(version >= 170000 && version < 180000, "server_version_num " + version);
    }
    List<Map<String, String>> rows = stack.pgbouncerAdmin().orElseThrow().show("VERSION");
    assertTrue(rows.toString().contains("PgBouncer 1.24"), rows.toString());
  }

  @Test
  void serverAcceptsDirectTlsWithoutTheSslRequestRoundTrip() throws SQLException {
    Properties properties = stack.credentials();
    properties.setProperty("sslNegotiation", "direct");
    try (Connection direct = DriverManager.getConnection(stack.directJdbcUrl(), properties)) {
      assertEquals("t", scalar(direct, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
      assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(direct));
    }
  }

  @Test
  void poolerKeepsPreparedStatementsOfClientsSharingOneBackend() throws SQLException {
    // pgJDBC names server-side statements S_1, S_2, ... per connection: two clients on one backend
    // collide ("prepared statement S_1 already exists") unless the pooler renames and tracks them.
    Properties properties = stack.credentials();
    properties.setProperty("prepareThreshold", "1");
    String url = stack.pooledJdbcUrl(stack.singleBackendDatabase());
    try (Connection first = DriverManager.getConnection(url, properties);
        Connection second = DriverManager.getConnection(url, properties);
        PreparedStatement plusOne = first.prepareStatement("SELECT ?::int + 1");
        PreparedStatement timesTwo = second.prepareStatement("SELECT ?::int * 2")) {
      assertEquals(
          scalar(first, "SELECT pg_backend_pid()"), scalar(second, "SELECT pg_backend_pid()"));
      for (int i = 1; i <= 5; i++) {
        assertEquals(i + 1, intResult(plusOne, i));
        assertEquals(i * 2, intResult(timesTwo, i));
      }
    }
  }

  @Test
  void adminConsoleAlsoAnswersThroughTheContainersOwnPsql() throws SQLException {
    PgBouncerAdmin admin = ((ContainerNeonStack) stack).adminInContainer();
    List<Map<String, String>> databases = admin.show("DATABASES");
    assertTrue(
        databases.stream()
            .anyMatch(
                row ->
                    stack.singleBackendDatabase().equals(row.get("name"))
                        && "1".equals(row.get("pool_size"))),
        databases.toString());
    try (Connection pooled = stack.openPooled()) {
      scalar(pooled, "SELECT 1");
      assertTrue(
          admin.show("CLIENTS").stream().anyMatch(row -> stack.user().equals(row.get("user"))));
    }
    SQLException refused = assertThrows(SQLException.class, () -> admin.command("SHOW NOSUCH"));
    assertTrue(refused.getMessage().contains("SHOW NOSUCH"), refused.getMessage());
  }

  @Test
  void publishedPortsListenOnLoopbackOnly() {
    List<Container> containers = ownContainers();
    assertEquals(2, containers.size(), containers.toString());
    for (Container container : containers) {
      for (ContainerPort port : container.getPorts()) {
        if (port.getPublicPort() != null) {
          assertEquals("127.0.0.1", port.getIp(), container.getLabels().toString());
        }
      }
    }
    assertEquals("127.0.0.1", stack.pooledHost());
    assertEquals("127.0.0.1", stack.directHost());
  }

  @Test
  void containersRunTheKitImageAndCarryOwnerLabels() {
    KitImages images = KitImages.load();
    for (Container container : ownContainers()) {
      Map<String, String> labels = container.getLabels();
      assertTrue(
          List.of("postgres", "pgbouncer").contains(labels.get(ContainerReaper.KIT_LABEL)),
          labels.toString());
      assertEquals(ContainerReaper.hostName(), labels.get(ContainerReaper.HOST_LABEL));
      assertFalse(ContainerReaper.isAbandoned(labels), labels.toString());
      String expected =
          "postgres".equals(labels.get(ContainerReaper.KIT_LABEL))
              ? images.postgresImage()
              : images.pgbouncerImage();
      assertEquals(expected, container.getImage());
    }
  }

  @Test
  void ryukNeverRuns() {
    assertFalse(RyukSwitch.ryukActive());
    DockerClient docker = Docker.client();
    for (Container container : docker.listContainersCmd().withShowAll(true).exec()) {
      assertFalse(container.getImage().contains("ryuk"), container.getImage());
    }
  }

  @Test
  void serverLogsAreWrittenUnderTargetAsTheyCome() throws Exception {
    String applicationName = "log-probe-" + System.nanoTime();
    Properties properties = stack.credentials();
    properties.setProperty("ApplicationName", applicationName);
    try (Connection direct = DriverManager.getConnection(stack.directJdbcUrl(), properties)) {
      scalar(direct, "SELECT 1");
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    String log = "";
    while (System.nanoTime() < deadline && !log.contains(applicationName)) {
      Thread.sleep(100);
      log = Files.readString(stack.logDirectory().resolve("postgresql.log"));
    }
    assertTrue(log.contains(applicationName), "postgresql.log lacks " + applicationName);
    assertTrue(Files.size(stack.logDirectory().resolve("pgbouncer.log")) > 0);
    assertTrue(stack.logDirectory().toString().contains("target"), stack.logDirectory().toString());
  }

  /** This JVM's primary containers (a replica's, when a test started one, are not counted). */
  private static List<Container> ownContainers() {
    return Docker.client()
        .listContainersCmd()
        .withLabelFilter(
            Map.of(ContainerReaper.PID_LABEL, Long.toString(ProcessHandle.current().pid())))
        .exec()
        .stream()
        .filter(c -> !c.getLabels().get(ContainerReaper.KIT_LABEL).startsWith("replica-"))
        .toList();
  }

  private static int intResult(PreparedStatement statement, int value) throws SQLException {
    statement.setInt(1, value);
    try (ResultSet row = statement.executeQuery()) {
      assertTrue(row.next());
      return row.getInt(1);
    }
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      assertTrue(row.next(), sql);
      return row.getString(1);
    }
  }
}

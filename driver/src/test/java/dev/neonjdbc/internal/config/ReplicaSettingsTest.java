package dev.neonjdbc.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The replica properties and DATABASE_URL_REPLICA: what they resolve to, and bad values. */
class ReplicaSettingsTest {
  private static final String PRIMARY =
      "jdbc:neon://ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech/dbname";
  private static final String SECRET = "S3cretPw";
  private static final Environment NO_ENVIRONMENT = Environment.of(Map.of());

  private static ConnectionSettings parse(String url) throws SQLException {
    return ConnectionSettings.parse(url, null, NO_ENVIRONMENT);
  }

  @Test
  void withoutReplicasNothingIsConfiguredAndTheDefaultsApply() throws SQLException {
    ConnectionSettings settings = parse(PRIMARY);
    assertTrue(settings.replicas().isEmpty());
    assertEquals(1000, settings.replicaReadAfterWriteMillis());
    assertEquals(30_000, settings.replicaDownForMillis());
  }

  @Test
  void aNeonReplicaHostYieldsItsPooledAndDirectEndpointsOnPort5432() throws SQLException {
    for (String host :
        List.of(
            "ep-still-sea-b2c3d4e5.us-east-2.aws.neon.tech",
            "ep-still-sea-b2c3d4e5-pooler.us-east-2.aws.neon.tech")) {
      ReplicaEndpoint replica = parse(PRIMARY + "?replicaHosts=" + host).replicas().get(0);
      assertEquals(
          new Endpoint("ep-still-sea-b2c3d4e5-pooler.us-east-2.aws.neon.tech", 5432),
          replica.pooled());
      assertEquals(
          new Endpoint("ep-still-sea-b2c3d4e5.us-east-2.aws.neon.tech", 5432), replica.direct());
      assertNull(replica.user());
    }
  }

  @Test
  void otherHostsAreTheStandbysPooledEndpointAsWritten() throws SQLException {
    ConnectionSettings settings =
        parse(PRIMARY + "?replicaHosts=standby1.internal:6432, standby2.internal,[::1]:7000,::2");
    List<ReplicaEndpoint> replicas = settings.replicas();
    assertEquals(4, replicas.size());
    assertEquals(new Endpoint("standby1.internal", 6432), replicas.get(0).pooled());
    assertNull(replicas.get(0).direct());
    assertEquals(new Endpoint("standby2.internal", 5432), replicas.get(1).pooled());
    assertEquals(new Endpoint("::1", 7000), replicas.get(2).pooled());
    assertEquals(new Endpoint("::2", 5432), replicas.get(3).pooled());
    assertEquals("jdbc:postgresql://[::1]:7000/dbname", settings.pgjdbcUrl(replicas.get(2)));
  }

  @Test
  void timingsAreRead() throws SQLException {
    ConnectionSettings settings =
        parse(PRIMARY + "?replicaHosts=r.internal&replicaReadAfterWrite=0&replicaDownFor=5");
    assertEquals(0, settings.replicaReadAfterWriteMillis());
    assertEquals(5000, settings.replicaDownForMillis());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "replicaHosts=",
        "replicaHosts=a.internal,,b.internal",
        "replicaHosts=a.internal:99999",
        "replicaHosts=a.internal:port",
        "replicaHosts=postgresql://u:pw@a.internal/db",
        "replicaHosts=[::1",
        "replicaReadAfterWrite=-1",
        "replicaReadAfterWrite=soon",
        "replicaDownFor=-3",
        "replicaDownFor=1.5"
      })
  void badValuesFailWith22023NamingTheKeyAndMaskingThePassword(String query) {
    String url =
        "jdbc:neon://alex:" + SECRET + "@standby.internal:6432/db?directPort=5432&" + query;
    SQLException e = assertThrows(SQLException.class, () -> parse(url));
    assertEquals("22023", e.getSQLState(), e.getMessage());
    String key = query.substring(0, query.indexOf('='));
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  void theBareUrlReadsDatabaseUrlReplicaWithItsOwnCredentialsWhereGiven() throws SQLException {
    Environment environment =
        Environment.of(
            Map.of(
                "DATABASE_URL",
                "postgresql://alex:" + SECRET + "@primary.internal:6432/app?sslmode=disable",
                "DATABASE_URL_UNPOOLED",
                "postgresql://alex:" + SECRET + "@primary.internal:5432/app",
                "DATABASE_URL_REPLICA",
                "postgresql://reader:R3aderPw@replica1.internal:6432/app_ro,replica2.internal:6433"));
    ConnectionSettings settings = ConnectionSettings.parse("jdbc:neon:", null, environment);
    List<ReplicaEndpoint> replicas = settings.replicas();
    assertEquals(2, replicas.size());
    assertEquals(new Endpoint("replica1.internal", 6432), replicas.get(0).pooled());
    assertEquals("reader", replicas.get(0).user());
    assertEquals("R3aderPw", replicas.get(0).password());
    assertEquals(
        "jdbc:postgresql://replica1.internal:6432/app_ro", settings.pgjdbcUrl(replicas.get(0)));
    assertEquals(new Endpoint("replica2.internal", 6433), replicas.get(1).pooled());
    assertNull(replicas.get(1).user());
    assertEquals(
        "jdbc:postgresql://replica2.internal:6433/app", settings.pgjdbcUrl(replicas.get(1)));
    assertTrue(settings.maskedUrl().contains("DATABASE_URL_REPLICA="), settings.maskedUrl());
    assertFalse(settings.maskedUrl().contains("R3aderPw"), settings.maskedUrl());
    assertFalse(settings.toString().contains("R3aderPw"), settings.toString());
  }

  @Test
  void replicaHostsWinsOverTheEnvironmentAndOnlyTheBareUrlReadsIt() throws SQLException {
    Environment environment =
        Environment.of(
            Map.of(
                "DATABASE_URL", "postgresql://alex:pw@primary.internal:6432/app?directPort=5432",
                "DATABASE_URL_REPLICA", "replica1.internal"));
    assertEquals(
        new Endpoint("chosen.internal", 5432),
        ConnectionSettings.parse("jdbc:neon:?replicaHosts=chosen.internal", null, environment)
            .replicas()
            .get(0)
            .pooled());
    assertTrue(
        ConnectionSettings.parse(
                "jdbc:neon://primary.internal:6432/app?directPort=5432", null, environment)
            .replicas()
            .isEmpty());
  }

  @Test
  void aMalformedDatabaseUrlReplicaNamesTheVariableAndMasksItsPassword() {
    Environment environment =
        Environment.of(
            Map.of(
                "DATABASE_URL",
                "postgresql://alex:pw@primary.internal:6432/app",
                "DATABASE_URL_REPLICA",
                "postgresql://reader:" + SECRET + "@replica1.internal:70000/db"));
    SQLException e =
        assertThrows(
            SQLException.class, () -> ConnectionSettings.parse("jdbc:neon:", null, environment));
    assertTrue(e.getMessage().contains("DATABASE_URL_REPLICA"), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }
}

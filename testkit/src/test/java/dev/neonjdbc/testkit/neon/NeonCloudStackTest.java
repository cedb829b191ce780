package dev.neonjdbc.testkit.neon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.ReplicaStack;
import java.nio.file.Path;
import java.sql.SQLFeatureNotSupportedException;
import org.junit.jupiter.api.Test;

/** Deriving both Neon endpoints from one connection string; nothing here touches the network. */
class NeonCloudStackTest {
  private static final Path LOGS = Path.of("target");

  @Test
  void pooledUrlYieldsTheDirectEndpointByStrippingPooler() {
    NeonStack stack =
        NeonCloudStack.fromUrl(
            "postgresql://alex:AbC123@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/dbname"
                + "?sslmode=require&channel_binding=require",
            LOGS);
    assertEquals("ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech", stack.pooledHost());
    assertEquals("ep-cool-darkness-123456.us-east-2.aws.neon.tech", stack.directHost());
    assertEquals(5432, stack.pooledPort());
    assertEquals(5432, stack.directPort());
    assertEquals("dbname", stack.database());
    assertEquals("dbname", stack.singleBackendDatabase());
    assertEquals("alex", stack.user());
    assertEquals("AbC123", stack.password());
  }

  @Test
  void directUrlYieldsThePooledEndpointByAddingPooler() {
    NeonStack stack =
        NeonCloudStack.fromUrl(
            "postgres://neondb_owner:npg_x%40y@ep-a-1.eu-central-1.aws.neon.tech:5433/neondb",
            LOGS);
    assertEquals("ep-a-1-pooler.eu-central-1.aws.neon.tech", stack.pooledHost());
    assertEquals("ep-a-1.eu-central-1.aws.neon.tech", stack.directHost());
    assertEquals(5433, stack.pooledPort());
    assertEquals("npg_x@y", stack.password());
  }

  @Test
  void tlsIsVerifiedAgainstTheJvmTrustStore() {
    NeonStack stack =
        NeonCloudStack.fromUrl(
            "postgresql://u:p@ep-a-1-pooler.c-2.us-east-1.aws.neon.tech/db", LOGS);
    assertEquals(
        "sslmode=verify-full&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory",
        stack.sslParameters());
    assertEquals(
        "jdbc:neon://ep-a-1-pooler.c-2.us-east-1.aws.neon.tech:5432/db"
            + "?directHost=ep-a-1.c-2.us-east-1.aws.neon.tech&directPort=5432&"
            + stack.sslParameters(),
        stack.neonJdbcUrl());
    assertEquals("system", stack.environment().get("PGSSLROOTCERT"));
    assertEquals(
        "postgresql://u:p@ep-a-1.c-2.us-east-1.aws.neon.tech:5432/db"
            + "?sslmode=verify-full&sslrootcert=system",
        stack.environment().get("DATABASE_URL_UNPOOLED"));
    assertNull(stack.caCertificate());
    assertNull(stack.wrongHostCertificate());
  }

  @Test
  void neonHasNoSuperuserAndNoAdminConsole() {
    NeonStack stack =
        NeonCloudStack.fromUrl(
            "postgresql://u:p@ep-a-1-pooler.c-2.us-east-1.aws.neon.tech/db", LOGS);
    assertThrows(SQLFeatureNotSupportedException.class, stack::openSuperuser);
    assertTrue(stack.pgbouncerAdmin().isEmpty());
  }

  @Test
  void aNonNeonHostIsRefusedWithoutEchoingThePassword() {
    NeonStackException refused =
        assertThrows(
            NeonStackException.class,
            () -> NeonCloudStack.fromUrl("postgresql://u:secret99@db.example.com/db", LOGS));
    assertTrue(refused.getMessage().contains("db.example.com"), refused.getMessage());
    assertFalse(refused.getMessage().contains("secret99"));
    assertThrows(
        NeonStackException.class,
        () -> NeonCloudStack.fromUrl("mysql://u:p@ep-a.neon.tech/", LOGS));
  }

  @Test
  void withoutAReplicaUrlTheBranchHasNoReplicaAndSaysWhichVariableWouldNameOne() {
    NeonStack stack =
        NeonCloudStack.fromUrls(
            "postgresql://u:p@ep-a-1-pooler.c-2.us-east-1.aws.neon.tech/db", " ", LOGS);
    assertTrue(stack.replica().isEmpty());
    assertTrue(
        stack.replicaUnavailableReason().contains(NeonCloudStack.REPLICA_URL_VARIABLE),
        stack.replicaUnavailableReason());
  }

  @Test
  void aReplicaUrlYieldsBothReplicaEndpointsWithTheBranchsLoginAndTls() {
    NeonStack stack =
        NeonCloudStack.fromUrls(
            "postgresql://u:p@ep-a-1-pooler.c-2.us-east-1.aws.neon.tech/db",
            "postgresql://u:p@ep-b-2.c-2.us-east-1.aws.neon.tech/db?sslmode=require",
            LOGS);
    assertNull(stack.replicaUnavailableReason());
    ReplicaStack replica = stack.replica().orElseThrow();
    assertSame(replica, stack.replica().orElseThrow());
    assertEquals("ep-b-2-pooler.c-2.us-east-1.aws.neon.tech:5432", replica.pooledAddress());
    assertEquals("ep-b-2.c-2.us-east-1.aws.neon.tech:5432", replica.directAddress());
    assertEquals(
        "jdbc:postgresql://ep-b-2-pooler.c-2.us-east-1.aws.neon.tech:5432/db?"
            + stack.sslParameters(),
        replica.pooledJdbcUrl());
    assertEquals(
        "postgresql://u:p@ep-b-2.c-2.us-east-1.aws.neon.tech:5432/db"
            + "?sslmode=verify-full&sslrootcert=system",
        replica.environment().get("REPLICA_DATABASE_URL_UNPOOLED"));
    assertTrue(replica.frontPooledHostName().isEmpty());
    assertTrue(replica.isRunning());
    assertThrows(UnsupportedOperationException.class, replica::stop);
    assertThrows(UnsupportedOperationException.class, replica::start);
    assertTrue(replica.isRunning());
  }

  @Test
  void aReplicaUrlThatNamesNoNeonEndpointIsRefusedWithoutEchoingThePassword() {
    NeonStackException refused =
        assertThrows(
            NeonStackException.class,
            () ->
                NeonCloudStack.fromUrls(
                    "postgresql://u:p@ep-a-1.c-2.us-east-1.aws.neon.tech/db",
                    "postgresql://u:secret99@replica.example.com/db",
                    LOGS));
    assertTrue(
        refused.getMessage().startsWith(NeonCloudStack.REPLICA_URL_VARIABLE), refused.getMessage());
    assertFalse(refused.getMessage().contains("secret99"));
  }
}

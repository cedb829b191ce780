package dev.neonjdbc.compat.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import dev.neonjdbc.testkit.ReplicaStack;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * A Spring application over {@link NeonDataSource} with {@code replicaHosts} naming the kit's
 * streaming replica: {@code @Transactional(readOnly = true)} runs on the replica's pooled endpoint,
 * a plain {@code @Transactional} on the primary's, as the servers say ({@code pg_is_in_recovery()},
 * the port of the PostgreSQL that ran the query, and the kit's pooled/direct answer).
 */
@SpringBootTest(classes = ReadReplicaApplicationTest.ReplicaApplication.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ReadReplicaApplicationTest {
  private static final NeonStack STACK = NeonStacks.shared();

  @Autowired private Reports reports;

  @BeforeAll
  static void replicaRuns() {
    assumeTrue(STACK.replica().isPresent(), STACK.replicaUnavailableReason());
  }

  @Test
  void readOnlyTransactionsRunOnTheReplicasPooledEndpoint() throws java.sql.SQLException {
    Where where = reports.readOnly();
    ReplicaStack replica = STACK.replica().orElseThrow();
    assertTrue(where.inRecovery(), "pg_is_in_recovery()");
    assertEquals(
        postmasterStart(replica.openDirect()), where.postmasterStart(), "the replica's compute");
    assertEquals(ServerEndpoint.POOLED, where.endpoint());
    assertTrue(where.readOnly());
  }

  @Test
  void readWriteTransactionsRunOnThePrimarysPooledEndpoint() throws java.sql.SQLException {
    Where where = reports.readWrite();
    assertFalse(where.inRecovery());
    assertEquals(
        postmasterStart(STACK.openDirect()), where.postmasterStart(), "the primary's compute");
    assertEquals(ServerEndpoint.POOLED, where.endpoint());
    assertFalse(where.readOnly());
  }

  @Test
  void aWriteInAReadOnlyTransactionFailsWith25006() {
    DataAccessException e = assertThrows(DataAccessException.class, reports::writeWhileReadOnly);
    Throwable cause = e.getMostSpecificCause();
    assertTrue(cause instanceof SQLException, String.valueOf(cause));
    assertEquals("25006", ((SQLException) cause).getSQLState(), cause.getMessage());
  }

  /** What the server that ran a transaction says about itself. */
  record Where(
      boolean inRecovery, String postmasterStart, ServerEndpoint endpoint, boolean readOnly) {}

  /**
   * Which PostgreSQL a session is on, as the server says (its postmaster's start time: a
   * container's PostgreSQL listens on 5432 inside it, whatever port the kit publishes); closes it.
   */
  static String postmasterStart(java.sql.Connection session) {
    try (session;
        Statement statement = session.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_postmaster_start_time()::text")) {
      row.next();
      return row.getString(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The application's service: the same question, in a read-only and a read-write transaction. */
  static class Reports {
    private final JdbcTemplate jdbc;

    Reports(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public Where readOnly() {
      return where();
    }

    @Transactional
    public Where readWrite() {
      return where();
    }

    @Transactional(readOnly = true)
    public void writeWhileReadOnly() {
      jdbc.execute("CREATE TABLE read_replica_compat_never (id int)");
    }

    private Where where() {
      return jdbc.execute(
          (java.sql.Connection connection) -> {
            try (Statement statement = connection.createStatement();
                ResultSet row =
                    statement.executeQuery(
                        "SELECT pg_is_in_recovery(), pg_postmaster_start_time()::text,"
                            + " current_setting('transaction_read_only') = 'on'")) {
              row.next();
              return new Where(
                  row.getBoolean(1),
                  row.getString(2),
                  STACK.endpointOf(connection),
                  row.getBoolean(3));
            }
          });
    }
  }

  /** The application: a NeonDataSource with the replica, transactions, a JdbcTemplate. */
  @Configuration(proxyBeanMethods = false)
  @EnableTransactionManagement(proxyTargetClass = true)
  static class ReplicaApplication {
    @Bean(destroyMethod = "close")
    NeonDataSource dataSource() {
      NeonDataSource dataSource = new NeonDataSource();
      dataSource.setUrl(STACK.neonJdbcUrl());
      dataSource.setUser(STACK.user());
      dataSource.setPassword(STACK.password());
      dataSource.setReplicaHosts(STACK.replica().orElseThrow().pooledAddress());
      return dataSource;
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
      return new DataSourceTransactionManager(dataSource);
    }

    @Bean
    JdbcTemplate jdbcTemplate(DataSource dataSource) {
      return new JdbcTemplate(dataSource);
    }

    @Bean
    Reports reports(JdbcTemplate jdbc) {
      return new Reports(jdbc);
    }
  }
}

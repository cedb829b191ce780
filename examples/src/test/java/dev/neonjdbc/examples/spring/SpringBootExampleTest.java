package dev.neonjdbc.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import dev.neonjdbc.testkit.ServerEndpoint;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The Spring Boot example's context on the kit's stack, with NeonDataSource from properties. */
@SpringBootTest(classes = SpringBootExample.class)
class SpringBootExampleTest {

  @DynamicPropertySource
  static void kitDataSource(DynamicPropertyRegistry registry) {
    NeonStack stack = NeonStacks.shared();
    registry.add("spring.datasource.url", stack::neonJdbcUrl);
    registry.add("spring.datasource.username", stack::user);
    registry.add("spring.datasource.password", stack::password);
  }

  @Autowired DataSource dataSource;
  @Autowired NotesService notes;
  @Autowired JdbcTemplate jdbc;
  @Autowired PlatformTransactionManager transactions;

  @BeforeEach
  void createSchema() {
    notes.createSchema();
  }

  @AfterEach
  void dropSchema() {
    notes.dropSchema();
  }

  @Test
  void dataSourceIsNeonDataSourceFromApplicationProperties() {
    NeonDataSource neon = assertInstanceOf(NeonDataSource.class, dataSource);
    assertEquals(NeonStacks.shared().neonJdbcUrl(), neon.getUrl());
  }

  @Test
  void transactionalMethodCommitsOrRollsBackAsOne() {
    long before = notes.count();
    notes.addBoth("a", "b");
    assertEquals(before + 2, notes.count());
    assertThrows(IllegalStateException.class, () -> notes.addBothThenFail("c", "d"));
    assertEquals(before + 2, notes.count());
  }

  @Test
  void transactionRunsOnOnePooledBackend() {
    TransactionTemplate readOnly = new TransactionTemplate(transactions);
    readOnly.setReadOnly(true);
    readOnly.executeWithoutResult(
        status -> {
          String backend = notes.backendsOfOneTransaction(); // joins this transaction
          String pid = jdbc.queryForObject("SELECT pg_backend_pid()::text", String.class);
          assertEquals(pid + ":pooled", backend, "one backend, pooled as the router says");
          assertEquals(
              ServerEndpoint.POOLED,
              jdbc.execute((ConnectionCallback<ServerEndpoint>) NeonStacks.shared()::endpointOf),
              "pooled as the kit tells it");
        });
    NeonDataSource neon = (NeonDataSource) dataSource;
    assertEquals(0, neon.getDirectPoolMXBean().getActiveConnections());
  }
}

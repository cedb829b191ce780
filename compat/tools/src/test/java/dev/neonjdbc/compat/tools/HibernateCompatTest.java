package dev.neonjdbc.compat.tools;

import static dev.neonjdbc.compat.CompatKit.allPooled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.compat.CompatKit;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hibernate ORM (7.4) bootstrapped on its own with its HikariCP connection provider, given only the
 * URL and credentials: {@code hbm2ddl.auto=create} creates a new schema and table, a second session
 * factory with {@code update} adds a table, and the application does CRUD, a JPQL query and a
 * native session {@code SET statement_timeout} inside a transaction. Both drivers run on the
 * one-connection pool: plain pgJDBC leaves the {@code SET} on the backend every client shares,
 * {@code jdbc:neon:} keeps it with its own connection and runs every ordinary transaction pooled.
 */
@NeonStackTest
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HibernateCompatTest {
  private static final int POOL_SIZE = 3;

  private final CompatKit kit;
  private String schema;

  HibernateCompatTest(NeonStack stack) {
    this.kit = new CompatKit(stack);
  }

  @AfterEach
  void dropWhatTheTestCreated() throws SQLException {
    if (schema != null) {
      kit.dropSchema(kit.directSingleUrl(), schema);
    }
    try (Connection shared = kit.open(kit.plainSingleUrl())) {
      CompatKit.run(shared, "DISCARD ALL"); // whatever plain pgJDBC left on the shared backend
    }
  }

  @Test
  void neonUrlRunsCrudJpqlAndNativeSetAndKeepsTheSetOffTheSharedBackend() throws SQLException {
    schema = CompatKit.unique("hibernate");
    try (SessionFactory updated = createUpdateAndUse(kit.neonSingleUrl())) {
      assertEquals(
          ServerEndpoint.POOLED,
          updated.fromTransaction(session -> session.doReturningWork(kit.stack()::endpointOf)),
          "an ordinary Hibernate transaction");
      assertEquals(
          allPooled(POOL_SIZE), kit.endpointsOfEveryConnection(dataSourceOf(updated), POOL_SIZE));
      assertEquals(List.of(), kit.secondClientState().leaks(), "left on the shared backend");
    }
  }

  @Test
  void plainPgJdbcRunsTheSameWorkButItsNativeSetReachesAnotherClient() throws SQLException {
    schema = CompatKit.unique("hibernate");
    try (SessionFactory updated = createUpdateAndUse(kit.plainSingleUrl())) {
      assertEquals(
          allPooled(POOL_SIZE), kit.endpointsOfEveryConnection(dataSourceOf(updated), POOL_SIZE));
      List<String> leaks = kit.secondClientState().leaks();
      assertTrue(leaks.contains("statement_timeout=5s"), "expected the leak, saw " + leaks);
      // hbm2ddl=create sends "set client_min_messages = WARNING" for its session and leaves it.
      assertTrue(leaks.contains("client_min_messages=warning"), "expected the leak, saw " + leaks);
    }
  }

  /**
   * Creates the schema with one session factory, updates it with a second one, does the
   * application's work, and returns the second (open) factory.
   */
  private SessionFactory createUpdateAndUse(String url) {
    long urgent;
    try (SessionFactory created = sessionFactory(url, "create", Ticket.class)) {
      List<Long> ids =
          created.fromTransaction(
              session -> {
                Ticket printer = new Ticket("printer on fire", "open", 1);
                Ticket coffee = new Ticket("coffee machine empty", "open", 2);
                Ticket font = new Ticket("font too small", "open", 3);
                session.persist(printer);
                session.persist(coffee);
                session.persist(font);
                return List.of(printer.getId(), coffee.getId(), font.getId());
              });
      urgent = ids.get(0);
      assertEquals(
          "printer on fire",
          created.fromTransaction(session -> session.find(Ticket.class, urgent).getTitle()));
      created.inTransaction(session -> session.find(Ticket.class, ids.get(1)).setStatus("closed"));
      created.inTransaction(session -> session.remove(session.find(Ticket.class, ids.get(2))));
    }

    SessionFactory updated = sessionFactory(url, "update", Ticket.class, TicketComment.class);
    updated.inTransaction(session -> session.persist(new TicketComment(urgent, "rebooted it")));
    assertEquals(
        List.of("printer on fire"),
        updated.fromTransaction(
            session ->
                session
                    .createSelectionQuery(
                        "select t.title from Ticket t where t.status = :status order by t.priority",
                        String.class)
                    .setParameter("status", "open")
                    .getResultList()));
    long tickets =
        updated.fromTransaction(
            session ->
                session
                    .createSelectionQuery("select count(t) from Ticket t", Long.class)
                    .getSingleResult());
    assertEquals(2, tickets);
    assertEquals(
        "5s",
        updated.fromTransaction(
            session -> {
              session.createNativeMutationQuery("SET statement_timeout = '5s'").executeUpdate();
              return session
                  .createNativeQuery("select current_setting('statement_timeout')", String.class)
                  .getSingleResult();
            }),
        "the application sees its own setting");
    return updated;
  }

  private SessionFactory sessionFactory(String url, String hbm2ddl, Class<?>... entities) {
    Configuration configuration = new Configuration();
    for (Class<?> entity : entities) {
      configuration.addAnnotatedClass(entity);
    }
    return configuration
        .setProperty("hibernate.connection.url", url)
        .setProperty("hibernate.connection.username", kit.stack().user())
        .setProperty("hibernate.connection.password", kit.stack().password())
        .setProperty(
            "hibernate.connection.provider_class",
            "org.hibernate.hikaricp.internal.HikariCPConnectionProvider")
        .setProperty("hibernate.hikari.maximumPoolSize", String.valueOf(POOL_SIZE))
        .setProperty("hibernate.hikari.poolName", "hibernate-compat")
        .setProperty("hibernate.default_schema", schema)
        .setProperty("jakarta.persistence.create-database-schemas", "true")
        .setProperty("hibernate.hbm2ddl.auto", hbm2ddl)
        .buildSessionFactory();
  }

  private static DataSource dataSourceOf(SessionFactory sessionFactory) {
    return sessionFactory
        .unwrap(SessionFactoryImplementor.class)
        .getServiceRegistry()
        .requireService(ConnectionProvider.class)
        .unwrap(DataSource.class);
  }
}

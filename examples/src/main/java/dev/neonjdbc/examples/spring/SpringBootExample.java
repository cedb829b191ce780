package dev.neonjdbc.examples.spring;

import dev.neonjdbc.examples.Target;
import dev.neonjdbc.spring.boot.NeonHealth;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot 4 application on {@code neon-jdbc-spring-boot-starter}: {@code
 * spring.datasource.url=jdbc:neon:…} in {@code application.properties} gives it a {@code
 * NeonDataSource}; Flyway migrates at start-up; {@code @Transactional} work runs on the pooled
 * endpoint; Actuator reports each endpoint's health and the routing meters. Run it with {@code
 * ./dev demo spring-boot}.
 */
@SpringBootApplication
public class SpringBootExample {

  /**
   * Starts the context (without a web server), writes two notes in one transaction, shows one that
   * rolls back, prints the endpoints' health, stops. Without {@code DATABASE_URL} the local stack's
   * URL is passed as {@code spring.datasource.url}.
   */
  public static void main(String[] args) {
    String databaseUrl = System.getenv("DATABASE_URL");
    if (databaseUrl == null || databaseUrl.isEmpty()) {
      Target target = Target.resolve("neon-jdbc-spring-example");
      System.setProperty("spring.datasource.url", target.url());
    }
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(SpringBootExample.class)
            .web(WebApplicationType.NONE)
            .run(args)) {
      NotesService notes = context.getBean(NotesService.class);
      long before = notes.count();
      notes.addBoth("first note", "second note");
      try {
        notes.addBothThenFail("never", "stored");
      } catch (IllegalStateException expected) {
        System.out.println("rolled back: " + expected.getMessage());
      }
      System.out.println("notes added: " + (notes.count() - before) + " (expected 2)");
      System.out.println(
          "one read-only transaction, backend:endpoint = " + notes.backendsOfOneTransaction());
      System.out.println("DataSource: " + context.getBean(javax.sql.DataSource.class));
      NeonHealth.Report health = context.getBean(NeonHealth.class).check();
      System.out.println("health: " + health.status() + " " + health.details());
    }
  }
}

package dev.neonjdbc.examples.spring;

import dev.neonjdbc.examples.Target;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Boot with {@code NeonDataSource} as the application's DataSource, configured in {@code
 * application.properties} only ({@code spring.datasource.type}, {@code spring.datasource.url}). Run
 * it with {@code ./dev demo spring-boot}.
 */
@SpringBootApplication
public class SpringBootExample {

  /**
   * Starts the context, writes two notes in one transaction, shows one that rolls back, stops.
   * Without {@code DATABASE_URL} the local stack's URL is passed as {@code spring.datasource.url}.
   */
  public static void main(String[] args) {
    String databaseUrl = System.getenv("DATABASE_URL");
    if (databaseUrl == null || databaseUrl.isEmpty()) {
      Target target = Target.resolve("neon-jdbc-spring-example");
      System.setProperty("spring.datasource.url", target.url());
    }
    try (ConfigurableApplicationContext context =
        SpringApplication.run(SpringBootExample.class, args)) {
      NotesService notes = context.getBean(NotesService.class);
      notes.createSchema();
      long before = notes.count();
      notes.addBoth("first note", "second note");
      try {
        notes.addBothThenFail("never", "stored");
      } catch (IllegalStateException expected) {
        System.out.println("rolled back: " + expected.getMessage());
      }
      System.out.println("notes added: " + (notes.count() - before) + " (expected 2)");
      System.out.println("DataSource: " + context.getBean(javax.sql.DataSource.class));
      notes.dropSchema();
    }
  }
}

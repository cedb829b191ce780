package dev.neonjdbc.spring.boot.tests;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application on the starter: nothing in it names jdbc:neon: or NeonDataSource. Flyway at
 * start-up, a {@code JdbcTemplate}, {@code @Transactional} work ({@link NotesService}), Actuator.
 */
@SpringBootApplication
public class StarterApplication {

  /** Starts the application (the forked {@code DATABASE_URL} test runs it so). */
  public static void main(String[] args) {
    SpringApplication.run(StarterApplication.class, args);
  }
}

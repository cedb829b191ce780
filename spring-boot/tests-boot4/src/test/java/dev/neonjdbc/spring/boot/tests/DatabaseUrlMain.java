package dev.neonjdbc.spring.boot.tests;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.spring.boot.NeonHealth;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application in a JVM of its own whose process environment holds {@code DATABASE_URL} (and
 * {@code DATABASE_URL_UNPOOLED}) and no {@code spring.datasource.*}: {@link
 * DatabaseUrlApplicationTest} starts it and reads what it prints.
 */
public final class DatabaseUrlMain {
  private DatabaseUrlMain() {}

  /** Starts the application, does one transaction, prints what it saw, stops. */
  public static void main(String[] args) {
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(StarterApplication.class)
            .web(WebApplicationType.NONE)
            .run(args)) {
      NeonDataSource dataSource = context.getBean(NeonDataSource.class);
      System.out.println("data-source=" + dataSource);
      String pid =
          context
              .getBean(NotesService.class)
              .recordAndAsk(
                  "from DATABASE_URL",
                  connection -> {
                    try (java.sql.Statement statement = connection.createStatement();
                        java.sql.ResultSet row =
                            statement.executeQuery("SELECT pg_backend_pid()::text")) {
                      row.next();
                      return row.getString(1); // not Kit.scalar: Kit would start a stack here
                    }
                  });
      System.out.println("transaction-backend=" + pid);
      NeonHealth.Report health = context.getBean(NeonHealth.class).check();
      System.out.println("health=" + health.status() + " " + health.details());
    }
  }
}

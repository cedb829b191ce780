package dev.neonjdbc.spring.boot.tests;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts an application (no web server) with the kit's credentials and the given properties. */
final class Applications {
  private Applications() {}

  static ConfigurableApplicationContext start(Class<?> application, String... properties) {
    List<String> arguments = new ArrayList<>();
    arguments.add("--spring.datasource.username=" + Kit.STACK.user());
    arguments.add("--spring.datasource.password=" + Kit.STACK.password());
    for (String property : properties) {
      arguments.add("--" + property);
    }
    SpringApplication app =
        new SpringApplicationBuilder(application).web(WebApplicationType.NONE).build();
    return app.run(arguments.toArray(new String[0]));
  }
}

package dev.neonjdbc.spring.boot;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.spi.NeonEndpoints;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the application's data source is {@code jdbc:neon:}: {@code spring.datasource.url}
 * starts with {@code jdbc:neon:}, or no URL is set and {@code DATABASE_URL} is; and {@code
 * spring.datasource.type} is unset or {@link NeonDataSource}.
 */
class NeonUrlCondition extends SpringBootCondition {
  static final String URL = "spring.datasource.url";
  static final String TYPE = "spring.datasource.type";
  static final String DATABASE_URL = "DATABASE_URL";

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    Environment environment = context.getEnvironment();
    String type = environment.getProperty(TYPE);
    if (type != null && !type.isBlank() && !type.trim().equals(NeonDataSource.class.getName())) {
      return ConditionOutcome.noMatch(TYPE + " names " + type.trim());
    }
    String url = environment.getProperty(URL);
    if (url != null && !url.isBlank()) {
      return isNeonUrl(url)
          ? ConditionOutcome.match(URL + " is a jdbc:neon: URL")
          : ConditionOutcome.noMatch(URL + " is not a jdbc:neon: URL");
    }
    String databaseUrl = environment.getProperty(DATABASE_URL);
    return databaseUrl != null && !databaseUrl.isBlank()
        ? ConditionOutcome.match("no " + URL + ", and " + DATABASE_URL + " is set")
        : ConditionOutcome.noMatch("neither " + URL + " nor " + DATABASE_URL + " is set");
  }

  static boolean isNeonUrl(String url) {
    String prefix = NeonEndpoints.URL_PREFIX;
    return url.trim().regionMatches(true, 0, prefix, 0, prefix.length());
  }
}

/**
 * Spring Boot auto-configuration for {@code jdbc:neon:}: a {@link
 * dev.neonjdbc.datasource.NeonDataSource} from {@code spring.datasource.url=jdbc:neon:…} (or {@code
 * DATABASE_URL}), its settings under {@code spring.datasource.neon.*}, and an Actuator health
 * indicator that checks each endpoint. One jar for Spring Boot 4.0 and 3.5.
 */
package dev.neonjdbc.spring.boot;

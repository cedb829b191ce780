package dev.neonjdbc.compat.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot application the compatibility tests start: Boot's own data source (HikariCP),
 * Flyway at start-up, a {@code JdbcTemplate} and a {@code @Transactional} service ({@link
 * LedgerService}). Nothing in it knows about {@code jdbc:neon:}; only the URL does.
 */
@SpringBootApplication
public class CompatApplication {}

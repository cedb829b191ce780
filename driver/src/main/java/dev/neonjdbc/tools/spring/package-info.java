/**
 * Spring Boot support: {@link dev.neonjdbc.tools.spring.NeonDriverClassInitializer} sets the driver
 * class to {@code dev.neonjdbc.Driver} on Boot's {@code DataSourceProperties} (and on the Flyway
 * and Liquibase properties) when their URL is a {@code jdbc:neon:} URL and no driver class is set,
 * because Boot guesses the driver from a fixed list of URL prefixes and has no way to add one.
 *
 * <p>The rule applies to the bound properties beans, so it sees the URL wherever it came from:
 * configuration files, the command line, environment variables, and the sources that appear only
 * once the context is being built, such as the {@code PropertySource} annotation and a test's
 * {@code DynamicPropertySource} method. It touches only Spring Framework types and names Boot's
 * classes as strings, so one class serves Boot 3.5 (whose properties live in {@code
 * org.springframework.boot.autoconfigure.*}) and Boot 4 (in {@code
 * org.springframework.boot.jdbc.autoconfigure} and its siblings).
 */
package dev.neonjdbc.tools.spring;

/**
 * How database tools find the {@code jdbc:neon:} driver from a URL alone: a Flyway database plugin
 * ({@link dev.neonjdbc.tools.flyway}), a Liquibase database entry ({@link
 * dev.neonjdbc.tools.liquibase}) and a Spring Boot context initializer ({@link
 * dev.neonjdbc.tools.spring}).
 *
 * <p>Each tool is an optional dependency of the driver. Its classes here are named only in that
 * tool's own lookup file ({@code META-INF/services/…}, {@code META-INF/spring.factories}), so they
 * are loaded only when the tool itself looks them up; the driver never refers to them, and an
 * application without the tool never loads them.
 */
package dev.neonjdbc.tools;

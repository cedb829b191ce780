/**
 * Flyway support: {@link dev.neonjdbc.tools.flyway.NeonDatabaseType}, a database plugin that Flyway
 * finds through {@code META-INF/services/org.flywaydb.core.extensibility.Plugin}. It lets Flyway
 * connect by URL ({@code flyway.url=jdbc:neon:…}, as the command line and the Maven and Gradle
 * plugins do) and otherwise behaves exactly as Flyway's own PostgreSQL support, which it delegates
 * to ({@code org.flywaydb:flyway-database-postgresql}, which must be on the class path beside
 * {@code flyway-core}, as for any PostgreSQL).
 */
package dev.neonjdbc.tools.flyway;

/**
 * Liquibase support: {@link dev.neonjdbc.tools.liquibase.NeonDriverDatabase}, a database entry that
 * Liquibase finds through {@code META-INF/services/liquibase.database.Database}. It names the
 * driver for {@code jdbc:neon:} URLs, so that {@code liquibase update --url=jdbc:neon:…} works
 * without {@code --driver}; the connection it opens is then handled by Liquibase's own PostgreSQL
 * support, as any PostgreSQL connection.
 */
package dev.neonjdbc.tools.liquibase;

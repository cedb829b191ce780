/**
 * The {@code jdbc:neon:} JDBC driver: {@link dev.neonjdbc.Driver} is the entry point that {@link
 * java.sql.DriverManager} finds.
 */
package dev.neonjdbc;

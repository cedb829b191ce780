package dev.neonjdbc.testkit.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates, on a fresh cluster, what a Neon project has: an application role owning the application
 * database, plus a role for PgBouncer's admin console, and reads back their SCRAM secrets.
 */
public final class ClusterBootstrap {
  /** Name of the role allowed on PgBouncer's admin console. */
  public static final String PGBOUNCER_ADMIN = "pgbouncer_admin";

  private ClusterBootstrap() {}

  /**
   * Creates the roles and the database, as the superuser on {@code superuser}'s connection.
   *
   * @return the SCRAM secret of each created role, keyed by role name, as stored in {@code
   *     pg_authid}: PgBouncer given these secrets can log in to PostgreSQL with a client's keys
   */
  public static Map<String, String> createRolesAndDatabase(
      Connection superuser,
      String user,
      String password,
      String database,
      String singleBackendDatabase,
      String adminPassword)
      throws SQLException {
    try (Statement statement = superuser.createStatement()) {
      statement.execute("SET password_encryption = 'scram-sha-256'");
      statement.execute(
          "CREATE ROLE " + identifier(user) + " LOGIN CREATEDB PASSWORD " + literal(password));
      statement.execute(
          "CREATE ROLE "
              + identifier(PGBOUNCER_ADMIN)
              + " LOGIN PASSWORD "
              + literal(adminPassword));
      // The single-backend pool gets a database of its own name, so that one jdbc:neon: URL
      // names an existing database on both endpoints.
      for (String name : new String[] {database, singleBackendDatabase}) {
        statement.execute(
            "CREATE DATABASE "
                + identifier(name)
                + " OWNER "
                + identifier(user)
                + " ENCODING 'UTF8' TEMPLATE template0");
      }
    }
    return scramSecrets(superuser, user, PGBOUNCER_ADMIN);
  }

  /** Reads the {@code pg_authid} password entry of each role; all must be SCRAM secrets. */
  public static Map<String, String> scramSecrets(Connection superuser, String... roles)
      throws SQLException {
    Map<String, String> secrets = new LinkedHashMap<>();
    try (PreparedStatement query =
        superuser.prepareStatement(
            "SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY (?) ORDER BY rolname")) {
      query.setArray(1, superuser.createArrayOf("text", roles));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          String secret = rows.getString(2);
          if (secret == null || !secret.startsWith("SCRAM-SHA-256$")) {
            throw new SQLException("role " + rows.getString(1) + " has no SCRAM secret");
          }
          secrets.put(rows.getString(1), secret);
        }
      }
    }
    for (String role : roles) {
      if (!secrets.containsKey(role)) {
        throw new SQLException("role " + role + " not found in pg_authid");
      }
    }
    return secrets;
  }

  private static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}

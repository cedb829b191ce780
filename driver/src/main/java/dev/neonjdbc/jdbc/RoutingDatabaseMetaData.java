package dev.neonjdbc.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;

/** pgJDBC's metadata, whose {@link #getConnection()} returns the logical connection. */
final class RoutingDatabaseMetaData extends DelegatingDatabaseMetaData {
  private final Connection connection;

  RoutingDatabaseMetaData(Connection connection, DatabaseMetaData delegate) {
    super(delegate);
    this.connection = connection;
  }

  @Override
  public Connection getConnection() {
    return connection;
  }
}

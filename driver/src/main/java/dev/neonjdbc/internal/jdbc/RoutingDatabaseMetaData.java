package dev.neonjdbc.internal.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * pgJDBC's metadata, whose {@link #getConnection()} returns the logical connection and whose result
 * sets do not lead back to the physical one: their {@code getStatement()} is {@code null}, as JDBC
 * allows for result sets made by DatabaseMetaData.
 */
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

  @Override
  protected ResultSet wrapResult(ResultSet result) {
    return result == null ? null : new MetadataResultSet(result);
  }

  /** A metadata result set that was produced by no statement of the application's. */
  private static final class MetadataResultSet extends DelegatingResultSet {
    MetadataResultSet(ResultSet delegate) {
      super(delegate);
    }

    @Override
    public Statement getStatement() {
      return null;
    }
  }
}

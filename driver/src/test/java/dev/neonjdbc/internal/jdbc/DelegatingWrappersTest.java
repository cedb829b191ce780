package dev.neonjdbc.internal.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.PgResultSet;

/** The generated delegates around real pgJDBC objects: overrides win, all else passes through. */
@NeonStackTest
class DelegatingWrappersTest {
  private final NeonStack stack;

  DelegatingWrappersTest(NeonStack stack) {
    this.stack = stack;
  }

  @Test
  void aResultSetSubclassAnswersGetStatementAndDelegatesTheRest() throws SQLException {
    try (Connection connection = stack.openDirect();
        Statement physical = connection.createStatement();
        Statement logical = connection.createStatement()) {
      ResultSet wrapped =
          new DelegatingResultSet(physical.executeQuery("select 7 as n, 'seven' as word")) {
            @Override
            public Statement getStatement() {
              return logical;
            }
          };
      try (wrapped) {
        assertSame(logical, wrapped.getStatement());
        assertTrue(wrapped.next());
        assertEquals(7, wrapped.getInt("n"));
        assertEquals("seven", wrapped.getString(2));
        assertFalse(wrapped.wasNull());
        assertEquals("word", wrapped.getMetaData().getColumnLabel(2));

        assertSame(wrapped, wrapped.unwrap(ResultSet.class));
        assertTrue(wrapped.isWrapperFor(DelegatingResultSet.class));
        assertTrue(wrapped.isWrapperFor(PgResultSet.class));
        assertTrue(wrapped.unwrap(PgResultSet.class) instanceof PgResultSet);
      }
      assertTrue(wrapped.isClosed());
    }
  }

  @Test
  void databaseMetaDataSubclassAnswersGetConnectionAndDelegatesTheRest() throws SQLException {
    try (Connection physical = stack.openDirect();
        Connection logical = stack.openPooled()) {
      DatabaseMetaData wrapped =
          new DelegatingDatabaseMetaData(physical.getMetaData()) {
            @Override
            public Connection getConnection() {
              return logical;
            }
          };
      assertSame(logical, wrapped.getConnection());
      assertEquals("PostgreSQL", wrapped.getDatabaseProductName());
      assertEquals(stack.user(), wrapped.getUserName());
      try (ResultSet tables = wrapped.getTables(null, "pg_catalog", "pg_class", null)) {
        assertTrue(tables.next());
        assertEquals("pg_class", tables.getString("TABLE_NAME"));
      }
      assertTrue(wrapped.isWrapperFor(DatabaseMetaData.class));
      assertFalse(wrapped.isWrapperFor(PGConnection.class));
    }
  }
}

package dev.neonjdbc.spring.boot.tests;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The kit's stack and what the tests ask its servers. */
final class Kit {
  static final NeonStack STACK = NeonStacks.shared();

  private Kit() {}

  /** spring.datasource.url, username and password: the kit's jdbc:neon: URL, nothing else. */
  static void neonUrl(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", STACK::neonJdbcUrl);
    registry.add("spring.datasource.username", STACK::user);
    registry.add("spring.datasource.password", STACK::password);
  }

  static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }
}

package dev.neonjdbc.compat;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The URLs and connections the compatibility tests use, named for what they are.
 *
 * <p>Tools run on the {@code jdbc:neon:} URL of the kit's <em>one-connection</em> pool ({@code
 * neondb_single}): consecutive transactions of different clients share its single backend, so a
 * second client sees anything a tool's connections left on it. Plain pgJDBC runs beside it on the
 * kit's ordinary PgBouncer pool with {@code prepareThreshold=0} (what PgBouncer 1.18 in transaction
 * mode needs), except where a test shows a leak, which needs the one-connection pool too.
 */
public final class CompatKit {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final NeonStack stack;

  /** Wraps the kit's stack. */
  public CompatKit(NeonStack stack) {
    this.stack = stack;
  }

  /** The stack behind these URLs. */
  public NeonStack stack() {
    return stack;
  }

  /** {@code jdbc:neon:} URL whose pooled endpoint is the one-connection pool. */
  public String neonSingleUrl() {
    return stack.neonJdbcUrl(stack.singleBackendDatabase());
  }

  /** {@code jdbc:neon:} URL of the kit's ordinary pool. */
  public String neonUrl() {
    return stack.neonJdbcUrl();
  }

  /** Plain pgJDBC on the kit's ordinary PgBouncer pool. */
  public String plainUrl() {
    return stack.pooledJdbcUrl() + "&prepareThreshold=0";
  }

  /** Plain pgJDBC on PgBouncer's one-connection pool. */
  public String plainSingleUrl() {
    return stack.pooledJdbcUrl(stack.singleBackendDatabase()) + "&prepareThreshold=0";
  }

  /** The database behind the one-connection pool, on PostgreSQL directly, for set-up checks. */
  public String directSingleUrl() {
    return stack
        .directJdbcUrl()
        .replace("/" + stack.database() + "?", "/" + stack.singleBackendDatabase() + "?");
  }

  /** Opens {@code url} with the kit's credentials. */
  public Connection open(String url) throws SQLException {
    return DriverManager.getConnection(url, stack.credentials());
  }

  /**
   * What a second client of the one-connection pool sees: the state of the backend every client of
   * {@code neondb_single} shares, read by a fresh plain pgJDBC connection.
   */
  public SessionState secondClientState() throws SQLException {
    try (Connection second = open(plainSingleUrl())) {
      return SessionState.of(second);
    }
  }

  /**
   * Borrows {@code count} connections from {@code dataSource} and holds them all at once (with a
   * client pool of that size: every connection it has), then asks each which endpoint ran an
   * auto-commit statement and a statement inside a transaction (rolled back), as the server reports
   * it. One line per question, e.g. {@code "connection 2, transaction: POOLED"}; compare with
   * {@link #allPooled(int)}.
   */
  public List<String> endpointsOfEveryConnection(DataSource dataSource, int count)
      throws SQLException {
    List<Connection> held = new ArrayList<>();
    List<String> answers = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        held.add(dataSource.getConnection());
      }
      for (int i = 0; i < count; i++) {
        Connection connection = held.get(i);
        answers.add(line(i, "auto-commit", stack.endpointOf(connection)));
        connection.setAutoCommit(false);
        try {
          answers.add(line(i, "transaction", stack.endpointOf(connection)));
        } finally {
          connection.rollback();
          connection.setAutoCommit(true);
        }
      }
    } finally {
      for (Connection connection : held) {
        connection.close();
      }
    }
    return answers;
  }

  /** What {@link #endpointsOfEveryConnection} answers when every statement ran pooled. */
  public static List<String> allPooled(int count) {
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      answers.add(line(i, "auto-commit", ServerEndpoint.POOLED));
      answers.add(line(i, "transaction", ServerEndpoint.POOLED));
    }
    return answers;
  }

  private static String line(int index, String mode, ServerEndpoint endpoint) {
    return "connection " + (index + 1) + ", " + mode + ": " + endpoint;
  }

  /** Drops {@code schema} (cascade) through {@code directUrl}, a URL of PostgreSQL itself. */
  public void dropSchema(String directUrl, String schema) throws SQLException {
    try (Connection direct = open(directUrl)) {
      run(direct, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** A lower-case identifier no other test in this JVM (or a concurrent one) uses. */
  public static String unique(String prefix) {
    return (prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet())
        .toLowerCase(Locale.ROOT);
  }

  /** The first column of the first row of {@code sql}. */
  public static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException("no row from: " + sql);
      }
      return rs.getString(1);
    }
  }

  /** Executes {@code sql}. */
  public static void run(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}

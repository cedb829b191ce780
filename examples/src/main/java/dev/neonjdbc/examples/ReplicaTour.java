package dev.neonjdbc.examples;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.ReplicaStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The part of {@code ./dev demo} that uses the test kit's streaming read replica: a read-only
 * transaction on the replica, a write on the primary, and read-your-writes (the writing thread's
 * read-only work stays on the primary for {@code replicaReadAfterWrite}, then goes back to the
 * replica). Each step prints what the server that ran it says of itself ({@code
 * pg_is_in_recovery()}: a standby or the primary).
 */
final class ReplicaTour {
  private static final String WHERE =
      "SELECT CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END,"
          + " (SELECT count(*) FROM demo_replica_notes)";
  private static final int READ_AFTER_WRITE_MILLIS = 1000;
  private static final String FORMAT = "%-40s %-9s %s%n";

  private ReplicaTour() {}

  /** Runs the tour when the kit runs a replica; says why not and returns otherwise. */
  static void runIfPresent(NeonStack stack, String primaryUrl) throws Exception {
    ReplicaStack replica = stack.replica().orElse(null);
    if (replica == null) {
      System.out.println("(no read replica: " + stack.replicaUnavailableReason() + ")");
      return;
    }
    System.out.println(
        "With the kit's read replica (replicaHosts=" + replica.pooledAddress() + "):");
    System.out.println();
    try (NeonDataSource dataSource = new NeonDataSource(primaryUrl)) {
      dataSource.setReplicaHosts(replica.pooledAddress());
      dataSource.setReplicaReadAfterWrite(READ_AFTER_WRITE_MILLIS);
      try (Connection writer = dataSource.getConnection();
          Connection reader = dataSource.getConnection()) {
        run(writer, "CREATE TABLE IF NOT EXISTS demo_replica_notes (body text)");
        Thread.sleep(READ_AFTER_WRITE_MILLIS + 100); // the DDL's own read-your-writes window
        replica.awaitReplay(java.time.Duration.ofSeconds(30));
        System.out.printf(FORMAT, "step", "server", "rows seen");
        System.out.printf(FORMAT, "----", "------", "---------");

        reader.setReadOnly(true);
        reader.setAutoCommit(false);
        step(reader, "read-only transaction");
        reader.commit();
        reader.setAutoCommit(true);

        run(writer, "INSERT INTO demo_replica_notes VALUES ('written on the primary')");
        step(writer, "write (INSERT), read back");
        step(reader, "read-only, just after the write");
        Thread.sleep(READ_AFTER_WRITE_MILLIS + 100);
        step(reader, "read-only, " + READ_AFTER_WRITE_MILLIS + " ms later");
        try {
          run(reader, "INSERT INTO demo_replica_notes VALUES ('never')");
        } catch (SQLException e) {
          System.out.printf(FORMAT, "write on a read-only connection", "refused", e.getSQLState());
        }
        run(writer, "DROP TABLE demo_replica_notes");
      }
    }
  }

  private static void step(Connection connection, String step) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(WHERE)) {
      rs.next();
      System.out.printf(FORMAT, step, rs.getString(1), rs.getString(2));
    }
  }

  private static void run(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}

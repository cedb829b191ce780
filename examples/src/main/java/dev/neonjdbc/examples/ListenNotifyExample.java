package dev.neonjdbc.examples;

import dev.neonjdbc.datasource.NeonDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A LISTEN/NOTIFY listener. {@code LISTEN} pins its connection to one direct session (PgBouncer in
 * transaction mode cannot deliver notifications); {@code NOTIFY} runs on the pooled endpoint from
 * any other connection. Run it with {@code ./dev demo listen-notify}.
 */
public final class ListenNotifyExample {
  private ListenNotifyExample() {}

  /** Listens on a channel, sends three notifications from another connection, prints them. */
  public static void main(String[] args) throws SQLException {
    Target target = Target.resolve("neon-jdbc-listen-example");
    System.out.println("URL: " + target.shownUrl());
    try (NeonDataSource dataSource = new NeonDataSource(target.url());
        Connection listener = dataSource.getConnection();
        Connection sender = dataSource.getConnection()) {
      try (Statement statement = listener.createStatement()) {
        statement.execute("LISTEN example_jobs");
      }
      // Pinned: PGConnection is the direct session that receives the notifications.
      PGConnection notifications = listener.unwrap(PGConnection.class);
      try (Statement statement = sender.createStatement()) {
        for (int i = 1; i <= 3; i++) {
          statement.execute("NOTIFY example_jobs, 'job " + i + "'");
        }
      }
      int received = 0;
      while (received < 3) {
        PGNotification[] batch = notifications.getNotifications(5_000);
        if (batch == null || batch.length == 0) {
          System.out.println("no notification within 5 s");
          break;
        }
        for (PGNotification notification : batch) {
          System.out.println(
              "received on "
                  + notification.getName()
                  + ": "
                  + notification.getParameter()
                  + " (from backend "
                  + notification.getPID()
                  + ")");
          received++;
        }
      }
      try (Statement statement = listener.createStatement()) {
        statement.execute("UNLISTEN example_jobs");
      }
    }
  }
}

package dev.neonjdbc.internal.transport;

import static dev.neonjdbc.internal.transport.TunnelFixture.run;
import static dev.neonjdbc.internal.transport.TunnelFixture.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** Bulk traffic both ways: flow control keeps memory bounded and no byte is lost. */
@NeonStackTest
class TunnelLargeDataTest {
  private static final long MB = 1024 * 1024;

  private final NeonStack stack;
  private final TunnelFixture fixture;

  TunnelLargeDataTest(NeonStack stack) {
    this.stack = stack;
    this.fixture = new TunnelFixture(stack);
  }

  @BeforeEach
  void needsTheKitsProxy() {
    assumeFalse("neon".equals(stack.providerName()), "the kit's proxy relays to local servers");
  }

  @Test
  void aFiftyMegabyteResultArrivesWhole() throws SQLException {
    try (Connection connection = fixture.direct(fixture.secure())) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.setFetchSize(4);
        long bytes = 0;
        int rows = 0;
        try (ResultSet rs =
            statement.executeQuery(
                "select i, repeat(chr(65 + i % 26), 1024 * 1024) from generate_series(1, 50) i")) {
          while (rs.next()) {
            String value = rs.getString(2);
            assertEquals(MB, value.length());
            assertEquals((char) (65 + rs.getInt(1) % 26), value.charAt(value.length() - 1));
            bytes += value.length();
            rows++;
          }
        }
        assertEquals(50, rows);
        assertEquals(50 * MB, bytes);
      }
      connection.commit();
    }
  }

  @Test
  void copyInOfOneHundredMegabytesKeepsTheHeapBounded() throws Exception {
    String table = TunnelFixture.unique("ws_copy");
    try (Connection connection = fixture.direct(fixture.plain())) {
      run(connection, "create unlogged table " + table + " (line text)");
      try {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        GeneratedLines lines = new GeneratedLines(100 * MB, memory);
        long copied =
            connection
                .unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn("COPY " + table + " FROM STDIN", lines);
        assertEquals(100 * MB / GeneratedLines.LINE.length, copied);
        assertEquals(Long.toString(copied), scalar(connection, "select count(*) from " + table));
        long growth = lines.maxLiveHeap - baseline;
        System.out.printf(
            "COPY IN 100 MB through the tunnel: live heap growth at most %d MB%n", growth / MB);
        assertTrue(growth < 64 * MB, "live heap grew by " + growth / MB + " MB");
      } finally {
        run(connection, "drop table " + table);
      }
    }
  }

  /**
   * {@code total} bytes of COPY text lines; every 20 MB it measures the live heap (after a GC), so
   * that anything the tunnel keeps (queued frames) shows up, and garbage does not.
   */
  private static final class GeneratedLines extends InputStream {
    static final byte[] LINE = line();
    private final long total;
    private final MemoryMXBean memory;
    private long sent;
    private long nextSample = 20 * MB;
    long maxLiveHeap;

    GeneratedLines(long total, MemoryMXBean memory) {
      this.total = total;
      this.memory = memory;
    }

    private static byte[] line() {
      byte[] line = new byte[1024];
      Arrays.fill(line, (byte) 'x');
      line[line.length - 1] = '\n';
      return line;
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException("COPY reads in blocks");
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
      if (sent >= total) {
        return -1;
      }
      int count = 0;
      while (count + LINE.length <= length && sent < total) {
        System.arraycopy(LINE, 0, target, offset + count, LINE.length);
        count += LINE.length;
        sent += LINE.length;
      }
      if (sent >= nextSample) {
        nextSample += 20 * MB;
        System.gc();
        maxLiveHeap = Math.max(maxLiveHeap, memory.getHeapMemoryUsage().getUsed());
      }
      return count;
    }
  }
}

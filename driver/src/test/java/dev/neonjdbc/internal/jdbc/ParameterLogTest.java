package dev.neonjdbc.internal.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import dev.neonjdbc.testkit.ServerEndpoint;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** {@link ParameterLog} replayed on real pgJDBC statements against the kit's PostgreSQL. */
@NeonStackTest
class ParameterLogTest {
  private final NeonStack stack;

  ParameterLogTest(NeonStack stack) {
    this.stack = stack;
  }

  @Test
  void replaysEveryKindOfSetterOnARealPreparedStatement() throws SQLException {
    ParameterLog log = new ParameterLog();
    log.setInt(1, 42);
    log.setLong(2, 9_000_000_000L);
    log.setString(3, "neon");
    log.setNull(4, Types.INTEGER);
    log.setBigDecimal(5, new BigDecimal("12345.678"));
    log.setBytes(6, new byte[] {1, 2, 3});
    log.setDate(7, Date.valueOf("2024-02-29"));
    log.setTime(8, Time.valueOf("13:14:15"));
    log.setTimestamp(9, Timestamp.valueOf("2024-02-29 13:14:15.123456"));
    log.setObject(10, LocalDate.of(2020, 1, 2));
    log.setObject(11, "7", Types.INTEGER);
    log.setBoolean(12, true);
    log.setCharacterStream(13, new StringReader("from a reader"), 13);
    log.setBinaryStream(14, new ByteArrayInputStream(new byte[] {9, 8, 7}), 3);
    log.setShort(15, (short) 12);
    log.setDouble(16, 2.5);
    log.setFloat(17, 1.25f);
    log.setObject(18, OffsetDateTime.parse("2024-02-29T13:14:15+02:00"));
    log.setObject(19, new BigDecimal("3.14159"), Types.NUMERIC, 2);
    log.setNull(20, Types.VARCHAR, "text");
    log.setByte(21, (byte) 7);
    log.setCharacterStream(22, new StringReader("unsized reader"));
    log.setBinaryStream(23, new ByteArrayInputStream(new byte[] {4, 5}));
    log.setAsciiStream(
        24, new ByteArrayInputStream("ascii".getBytes(StandardCharsets.US_ASCII)), 5);
    assertEquals(24, log.size());

    String sql =
        "select ?::int, ?::bigint, ?::text, ?::int, ?::numeric, ?::bytea, ?::date, ?::time,"
            + " ?::timestamp, ?::date, ?::int, ?::bool, ?::text, ?::bytea, ?::int2, ?::float8,"
            + " ?::float4, ?::timestamptz, ?::numeric, ?::text, ?::int2, ?::text, ?::bytea, ?::text";
    try (Connection connection = stack.openDirect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      log.replay(statement);
      try (ResultSet row = statement.executeQuery()) {
        assertTrue(row.next());
        assertEquals(42, row.getInt(1));
        assertEquals(9_000_000_000L, row.getLong(2));
        assertEquals("neon", row.getString(3));
        assertNull(row.getObject(4));
        assertEquals(new BigDecimal("12345.678"), row.getBigDecimal(5));
        assertArrayEquals(new byte[] {1, 2, 3}, row.getBytes(6));
        assertEquals(Date.valueOf("2024-02-29"), row.getDate(7));
        assertEquals(Time.valueOf("13:14:15"), row.getTime(8));
        assertEquals(Timestamp.valueOf("2024-02-29 13:14:15.123456"), row.getTimestamp(9));
        assertEquals(LocalDate.of(2020, 1, 2), row.getObject(10, LocalDate.class));
        assertEquals(7, row.getInt(11));
        assertTrue(row.getBoolean(12));
        assertEquals("from a reader", row.getString(13));
        assertArrayEquals(new byte[] {9, 8, 7}, row.getBytes(14));
        assertEquals(12, row.getShort(15));
        assertEquals(2.5, row.getDouble(16));
        assertEquals(1.25f, row.getFloat(17));
        assertTrue(
            OffsetDateTime.parse("2024-02-29T11:14:15Z")
                .isEqual(row.getObject(18, OffsetDateTime.class)));
        assertEquals(new BigDecimal("3.14"), row.getBigDecimal(19));
        assertNull(row.getString(20));
        assertEquals(7, row.getByte(21));
        assertEquals("unsized reader", row.getString(22));
        assertArrayEquals(new byte[] {4, 5}, row.getBytes(23));
        assertEquals("ascii", row.getString(24));
      }
    }
  }

  @Test
  void oneLogReplaysOnEitherEndpoint() throws SQLException {
    ParameterLog log = new ParameterLog();
    log.setString(1, "same parameters");
    log.setInt(2, 2);
    try (Connection pooled = stack.openPooled();
        Connection direct = stack.openDirect()) {
      assertEquals(ServerEndpoint.POOLED, stack.endpointOf(pooled));
      assertEquals(ServerEndpoint.DIRECT, stack.endpointOf(direct));
      for (Connection connection : new Connection[] {pooled, direct}) {
        try (PreparedStatement statement = connection.prepareStatement("select repeat(?, ?)")) {
          log.replay(statement);
          assertEquals("same parameterssame parameters", single(statement));
        }
      }
    }
  }

  @Test
  void aParameterSetAgainReplacesItsEarlierValue() throws SQLException {
    ParameterLog log = new ParameterLog();
    for (int execution = 0; execution < 1_000; execution++) {
      log.setInt(1, execution);
      log.setString(2, "run " + execution);
    }
    assertEquals(2, log.size());
    try (Connection connection = stack.openDirect();
        PreparedStatement statement = connection.prepareStatement("select ?::int || ' ' || ?")) {
      log.replay(statement);
      assertEquals("999 run 999", single(statement));
    }
  }

  @Test
  void growsPastItsInitialCapacity() throws SQLException {
    int count = 300;
    ParameterLog log = new ParameterLog();
    for (int index = count; index >= 1; index--) {
      log.setInt(index, index);
    }
    assertEquals(count, log.size());
    String sql =
        "select " + String.join(" + ", Collections.nCopies(count, "?::bigint")) + " as total";
    try (Connection connection = stack.openDirect();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      log.replay(statement);
      assertEquals(String.valueOf(count * (count + 1) / 2), single(statement));
    }
  }

  @Test
  void aCopyIsIndependentOfItsOriginal() throws SQLException {
    ParameterLog original = new ParameterLog();
    original.setInt(1, 1);
    original.setString(2, "first");
    ParameterLog copy = original.copy();

    original.setInt(1, 2);
    original.setString(2, "second");
    copy.setString(2, "copied");
    assertEquals(2, copy.size());

    try (Connection connection = stack.openDirect();
        PreparedStatement statement = connection.prepareStatement("select ?::int || ' ' || ?")) {
      copy.replay(statement);
      assertEquals("1 copied", single(statement));
      original.replay(statement);
      assertEquals("2 second", single(statement));

      original.clear();
      copy.replay(statement);
      assertEquals("1 copied", single(statement));
    }
  }

  @Test
  void clearForgetsEveryCallAndTheReplayLeavesNoStaleParameterBehind() throws SQLException {
    ParameterLog log = new ParameterLog();
    log.setInt(1, 10);
    try (Connection connection = stack.openDirect();
        PreparedStatement statement = connection.prepareStatement("select ?::int + 1")) {
      log.replay(statement);
      assertEquals("11", single(statement));

      log.clear();
      assertTrue(log.isEmpty());
      assertEquals(0, log.size());
      log.replay(statement);
      SQLException unset = assertThrows(SQLException.class, () -> single(statement));
      assertEquals("22023", unset.getSQLState(), unset.getMessage());

      log.setInt(1, 20);
      assertFalse(log.isEmpty());
      log.replay(statement);
      assertEquals("21", single(statement));
    }
  }

  @Test
  void anSqlTypeSetterPgJdbcLacksFailsAtReplayWithPgJdbcsOwnException() throws SQLException {
    try (Connection connection = stack.openDirect();
        PreparedStatement statement = connection.prepareStatement("select ?::text")) {
      SQLFeatureNotSupportedException direct =
          assertThrows(
              SQLFeatureNotSupportedException.class,
              () -> statement.setObject(1, "typed", JDBCType.VARCHAR));

      ParameterLog log = new ParameterLog();
      log.setObject(1, "typed", JDBCType.VARCHAR);
      SQLFeatureNotSupportedException replayed =
          assertThrows(SQLFeatureNotSupportedException.class, () -> log.replay(statement));
      assertEquals(direct.getMessage(), replayed.getMessage());
    }
  }

  @Test
  void callableStatementRoundTripsAnOutParameter() throws SQLException {
    ParameterLog log = new ParameterLog();
    log.registerOutParameter(1, Types.VARCHAR);
    log.setString(2, "neon");
    try (Connection connection = stack.openDirect();
        CallableStatement call = connection.prepareCall("{? = call upper(?)}")) {
      log.replay(call);
      call.execute();
      assertEquals("NEON", call.getString(1));
    }
  }

  @Test
  void aByNameParameterFailsAtReplayWithPgJdbcsOwnException() throws SQLException {
    try (Connection connection = stack.openDirect();
        CallableStatement call = connection.prepareCall("{? = call upper(?)}")) {
      SQLFeatureNotSupportedException direct =
          assertThrows(SQLFeatureNotSupportedException.class, () -> call.setString("s", "neon"));

      ParameterLog log = new ParameterLog();
      log.registerOutParameter(1, Types.VARCHAR);
      log.setString("s", "neon");
      SQLFeatureNotSupportedException replayed =
          assertThrows(SQLFeatureNotSupportedException.class, () -> log.replay(call));
      assertEquals(direct.getMessage(), replayed.getMessage());
      assertEquals(direct.getSQLState(), replayed.getSQLState());
    }
  }

  @Test
  void anOutParameterCannotBeReplayedOnAPlainPreparedStatement() throws SQLException {
    ParameterLog log = new ParameterLog();
    log.registerOutParameter(1, Types.VARCHAR);
    try (Connection connection = stack.openDirect();
        PreparedStatement statement = connection.prepareStatement("select 1")) {
      SQLException refused = assertThrows(SQLException.class, () -> log.replay(statement));
      assertTrue(refused.getMessage().contains("CallableStatement"), refused.getMessage());
    }
  }

  private static String single(PreparedStatement statement) throws SQLException {
    try (ResultSet row = statement.executeQuery()) {
      assertTrue(row.next());
      return row.getString(1);
    }
  }
}

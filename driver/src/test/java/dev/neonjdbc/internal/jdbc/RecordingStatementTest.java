package dev.neonjdbc.internal.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.junit.jupiter.api.Test;

/**
 * The default methods of {@link ParameterRecording} and {@link CallableRecording}, on a stand-in
 * logical statement (a test-only proxy that answers {@code parameterLog()} and {@code
 * executedCallable()} and runs every default method as written).
 */
@NeonStackTest
class RecordingStatementTest {
  private final NeonStack stack;

  RecordingStatementTest(NeonStack stack) {
    this.stack = stack;
  }

  @Test
  void settersOnARecordingStatementReachOnlyTheLogUntilReplayed() throws SQLException {
    ParameterLog log = new ParameterLog();
    PreparedStatement logical = recording(log, null);
    logical.setString(1, "x");
    logical.setInt(2, 6);
    logical.setObject(3, 7, Types.INTEGER);
    assertEquals(3, log.size());

    try (Connection connection = stack.openDirect();
        PreparedStatement physical =
            connection.prepareStatement("select repeat(?, ?::int + ?::int)")) {
      log.replay(physical);
      try (ResultSet row = physical.executeQuery()) {
        assertTrue(row.next());
        assertEquals("xxxxxxxxxxxxx", row.getString(1));
      }
    }

    logical.clearParameters();
    assertTrue(log.isEmpty());
  }

  @Test
  void aRecordingCallableReadsOutParametersFromTheStatementThatExecuted() throws SQLException {
    ParameterLog log = new ParameterLog();
    try (Connection connection = stack.openDirect();
        CallableStatement physical = connection.prepareCall("{? = call upper(?)}")) {
      CallableStatement logical = recording(log, physical);
      logical.registerOutParameter(1, Types.VARCHAR);
      logical.setString(2, "pooled or direct");
      assertEquals(2, log.size());

      log.replay(physical);
      physical.execute();
      assertEquals("POOLED OR DIRECT", logical.getString(1));
      assertFalse(logical.wasNull());
    }
  }

  private static CallableStatement recording(ParameterLog log, CallableStatement executed) {
    InvocationHandler handler =
        (proxy, method, arguments) -> {
          switch (method.getName()) {
            case "parameterLog":
              return log;
            case "executedCallable":
              return executed;
            default:
              if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, arguments);
              }
              throw new UnsupportedOperationException(method.getName());
          }
        };
    return (CallableStatement)
        Proxy.newProxyInstance(
            RecordingStatementTest.class.getClassLoader(),
            new Class<?>[] {CallableRecording.class},
            handler);
  }
}

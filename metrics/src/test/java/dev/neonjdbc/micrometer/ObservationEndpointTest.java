package dev.neonjdbc.micrometer;

import static dev.neonjdbc.micrometer.KnownSequence.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The endpoint that ran each statement reaches the observation current around it, as a JDBC
 * observation instrumentation opens one per statement: pooled for a SELECT, direct for DDL.
 */
@NeonStackTest
class ObservationEndpointTest {
  private final NeonStack stack;

  ObservationEndpointTest(NeonStack stack) {
    this.stack = stack;
  }

  @Test
  void eachStatementsObservationNamesItsEndpoint() throws Exception {
    ObservationRegistry observations = ObservationRegistry.create();
    List<String> stopped = new ArrayList<>();
    observations
        .observationConfig()
        .observationHandler(
            new ObservationHandler<Observation.Context>() {
              @Override
              public void onStop(Observation.Context context) {
                KeyValue endpoint = context.getLowCardinalityKeyValue(ObservationEndpoint.KEY);
                stopped.add(
                    context.getName() + "=" + (endpoint == null ? "none" : endpoint.getValue()));
              }

              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }
            });
    String table = unique("observed");
    try (NeonDataSource dataSource = new NeonDataSource(stack.neonJdbcUrl())) {
      dataSource.setUser(stack.user());
      dataSource.setPassword(stack.password());
      dataSource.addRoutingEventListener(new ObservationEndpoint(observations));
      try (Connection connection = dataSource.getConnection();
          Statement statement = connection.createStatement()) {
        observed(observations, "select", statement, "SELECT 1");
        observed(observations, "create", statement, "CREATE TABLE " + table + " (id int)");
        observed(observations, "drop", statement, "DROP TABLE " + table);
        statement.execute("SELECT 2"); // no observation: nothing to tag
      }
    }
    assertEquals(List.of("select=pooled", "create=direct", "drop=direct"), stopped);
  }

  /** Runs {@code sql} inside an observation named {@code name} that is current meanwhile. */
  private static void observed(
      ObservationRegistry registry, String name, Statement statement, String sql) throws Exception {
    Observation observation = Observation.start(name, registry);
    try (Observation.Scope scope = observation.openScope()) {
      statement.execute(sql);
    } finally {
      observation.stop();
    }
  }
}

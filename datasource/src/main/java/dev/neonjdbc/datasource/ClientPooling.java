package dev.neonjdbc.datasource;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.NeonProperty;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;

/**
 * The {@code clientPooling} policy in effect, resolved once when a data source starts: which
 * endpoints get a HikariCP pool.
 */
enum ClientPooling {
  /**
   * A pool only where the server session is the application's own (the direct endpoint): a pooler
   * pools its own endpoints, and a client pool in front of it would pool twice.
   */
  AUTO,
  /** A pool on every endpoint. */
  ON,
  /** No pool at all, as {@code DriverManager}. */
  OFF;

  /**
   * The policy named by {@link NeonProperty#CLIENT_POOLING} in the resolved properties.
   *
   * @throws SQLException SQLState 22023 for a value that is not a policy
   */
  static ClientPooling of(Properties neonProperties) throws SQLException {
    String choice = NeonProperty.CLIENT_POOLING.getChoice(neonProperties);
    return valueOf(choice.toUpperCase(Locale.ROOT));
  }

  /**
   * Whether sessions of {@code kind}'s endpoint come from a pool. A read replica's sessions never
   * do: the driver opens them itself, one per logical connection, and skips a replica that does not
   * answer, which a pool filling itself in the background would hide.
   */
  boolean pools(EndpointKind kind) {
    if (kind == EndpointKind.REPLICA) {
      return false;
    }
    return switch (this) {
      case AUTO -> kind == EndpointKind.DIRECT;
      case ON -> true;
      case OFF -> false;
    };
  }

  /** The policy as the property spells it. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}

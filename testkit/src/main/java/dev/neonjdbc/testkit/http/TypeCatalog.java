package dev.neonjdbc.testkit.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which type OIDs are arrays, and of what, per database: what the JSON conversion of non-raw output
 * needs ({@code Kind::Array} in Neon's {@code pg_text_to_json}). Loaded from {@code pg_type} on the
 * request's own session the first time a database is seen, and again when a result names a type
 * created since.
 */
final class TypeCatalog {
  private static final String QUERY =
      "SELECT oid::text, CASE WHEN typcategory = 'A' THEN typelem ELSE 0 END::text FROM pg_type";

  private final Map<String, Map<Integer, Integer>> byDatabase = new ConcurrentHashMap<>();

  /**
   * A converter for {@code database} that looks types up through {@code session} when they are
   * missing.
   */
  Converter converter(String database, WireSession session) {
    return new Converter(database, session);
  }

  /** Converts text values of one request, loading types on demand. */
  final class Converter {
    private final String database;
    private final WireSession session;

    Converter(String database, WireSession session) {
      this.database = database;
      this.session = session;
    }

    /**
     * Makes sure every OID in {@code typeOids} is known; called after a query, while the session is
     * between statements.
     */
    void ensureKnown(List<Integer> typeOids) throws IOException, PgErrorException {
      Map<Integer, Integer> known = byDatabase.get(database);
      if (known != null && known.keySet().containsAll(typeOids)) {
        return;
      }
      Map<Integer, Integer> loaded = new HashMap<>();
      try {
        session.extendedQuery(
            QUERY,
            List.of(),
            new WireSession.ResultSink() {
              @Override
              public void columns(List<WireSession.Column> columns) {}

              @Override
              public void row(byte[][] values) {
                loaded.put(
                    (int) Long.parseLong(new String(values[0], StandardCharsets.US_ASCII)),
                    (int) Long.parseLong(new String(values[1], StandardCharsets.US_ASCII)));
              }
            });
      } catch (WireSession.ResponseTooLargeException e) {
        throw new IllegalStateException(e);
      }
      byDatabase.put(database, loaded);
    }

    /** The text conversion with the types known now. */
    PgTextJson json() {
      Map<Integer, Integer> known = byDatabase.getOrDefault(database, Map.of());
      return new PgTextJson(oid -> known.getOrDefault(oid, 0));
    }
  }
}

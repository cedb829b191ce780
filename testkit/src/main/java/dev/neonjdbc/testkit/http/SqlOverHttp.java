package dev.neonjdbc.testkit.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What one {@code POST /sql} does, step by step as Neon's proxy does it ({@code
 * proxy/src/serverless/sql_over_http.rs} in {@code neondatabase/neon}: {@code handle}, {@code
 * handle_db_inner}, {@code QueryData::process}, {@code BatchQueryData::process}, {@code
 * query_to_json}): connection string, then the batch headers, then the body within the request
 * limit, then a session (login or pooled), then the query or the batch transaction, the rows
 * written as JSON until the response limit, and the session back to the pool only when idle. Errors
 * come back as Neon's error JSON.
 */
final class SqlOverHttp {
  static final String RAW_TEXT_OUTPUT = "neon-raw-text-output";
  static final String ARRAY_MODE = "neon-array-mode";
  static final String ISOLATION_LEVEL = "neon-batch-isolation-level";
  static final String READ_ONLY = "neon-batch-read-only";
  static final String DEFERRABLE = "neon-batch-deferrable";

  /** The answer to one request. */
  record Answer(
      int status, String body, Map<String, String> headers, String sqlState, String message) {}

  /** The parsed body: one query, or a batch. */
  private record Payload(List<Query> queries, boolean batch) {}

  private record Query(String sql, List<String> params, Boolean arrayMode) {}

  /** A session borrowed for one request, and what cancels its query while it runs. */
  private record Lease(
      SessionPool.Key key, WireSession session, HttpsListener.Cancellation cancellation) {}

  /** A failure answered as Neon's error JSON. */
  private static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient PgErrorException database;

    Failure(int status, String message, PgErrorException database) {
      super(message);
      this.status = status;
      this.database = database;
    }

    static Failure of(int status, String message) {
      return new Failure(status, message, null);
    }

    static Failure of(PgErrorException database) {
      return new Failure(400, database.getMessage(), database);
    }
  }

  private final SessionPool pool;
  private final TypeCatalog catalog;
  private final Function<String, InetSocketAddress> computes;
  private final String endpointNotFound;

  SqlOverHttp(
      SessionPool pool,
      TypeCatalog catalog,
      Function<String, InetSocketAddress> computes,
      String endpointNotFound) {
    this.pool = pool;
    this.catalog = catalog;
    this.computes = computes;
    this.endpointNotFound = endpointNotFound;
  }

  /**
   * Answers a request.
   *
   * @param headers request headers by lower-case name
   * @param body the body as read, or {@code null} when it was longer than {@code requestLimit}
   * @param queriesSeen receives the SQL texts of the body once it is parsed
   */
  Answer handle(
      Map<String, String> headers,
      byte[] body,
      long requestLimit,
      long responseLimit,
      List<String> queriesSeen,
      HttpsListener.Cancellation cancellation) {
    return answer(
        headers,
        body,
        requestLimit,
        responseLimit,
        queriesSeen,
        cancellation,
        new LinkedHashMap<>());
  }

  private Answer answer(
      Map<String, String> headers,
      byte[] body,
      long requestLimit,
      long responseLimit,
      List<String> queriesSeen,
      HttpsListener.Cancellation cancellation,
      Map<String, String> responseHeaders) {
    try {
      ConnectionInfo info;
      try {
        info = ConnectionInfo.parse(headers.get(ConnectionInfo.HEADER));
      } catch (ConnectionInfo.InvalidException e) {
        throw Failure.of(400, e.getMessage());
      }
      boolean raw = "true".equals(headers.get(RAW_TEXT_OUTPUT));
      boolean arrayMode = "true".equals(headers.get(ARRAY_MODE));
      String isolation = isolationLevel(headers.get(ISOLATION_LEVEL));
      boolean readOnly = "true".equals(headers.get(READ_ONLY));
      boolean deferrable = "true".equals(headers.get(DEFERRABLE));
      if (body == null) {
        throw Failure.of(413, "request is too large (max is " + requestLimit + " bytes)");
      }
      Payload payload = payload(new String(body, StandardCharsets.UTF_8));
      payload.queries().forEach(query -> queriesSeen.add(query.sql()));
      InetSocketAddress compute = computes.apply(info.endpointId());
      if (compute == null) {
        throw Failure.of(400, endpointNotFound);
      }
      SessionPool.Key key = SessionPool.key(compute, info);
      WireSession session = login(key, info);
      cancellation.onCancel(session::cancel);
      Lease lease = new Lease(key, session, cancellation);
      ResponseWriter writer =
          new ResponseWriter(responseLimit, raw, catalog.converter(info.database(), session));
      if (!payload.batch()) {
        runSingle(lease, payload.queries().get(0), arrayMode, writer);
      } else {
        if (readOnly) {
          responseHeaders.put("Neon-Batch-Read-Only", "true");
        }
        if (deferrable) {
          responseHeaders.put("Neon-Batch-Deferrable", "true");
        }
        if (isolation != null) {
          responseHeaders.put("Neon-Batch-Isolation-Level", headers.get(ISOLATION_LEVEL));
        }
        runBatch(lease, payload.queries(), arrayMode, isolation, readOnly, deferrable, writer);
      }
      return new Answer(200, writer.toJson(), responseHeaders, null, null);
    } catch (Failure failure) {
      if (cancellation.cancelled()) {
        // Neon's answer to a request whose client went away (nobody reads it).
        return new Answer(
            400,
            "{\"message\":\"Query cancelled, connection was terminated\",\"code\":\"08P01\"}",
            Map.of(),
            "08P01",
            "Query cancelled, connection was terminated");
      }
      return new Answer(
          failure.status,
          errorJson(failure),
          Map.of(),
          failure.database == null ? null : failure.database.sqlState(),
          failure.getMessage());
    }
  }

  private WireSession login(SessionPool.Key key, ConnectionInfo info) throws Failure {
    try {
      return pool.borrow(key, info);
    } catch (PgErrorException e) {
      String state = e.sqlState();
      if (state.equals("28P01") || state.equals("28000")) {
        // The proxy checks the password itself and answers with its own text, no SQLState.
        throw Failure.of(400, "password authentication failed for user '" + info.user() + "'");
      }
      // The compute refused the login: the server's error, 400 for a wrong database name.
      throw new Failure(state.equals("3D000") ? 400 : 500, e.getMessage(), e);
    } catch (ConnectException e) {
      throw Failure.of(500, "Couldn't connect to compute node");
    } catch (IOException e) {
      throw Failure.of(500, "could not connect to postgres in compute");
    }
  }

  private void runSingle(Lease lease, Query query, boolean arrayMode, ResponseWriter writer)
      throws Failure {
    try {
      writer.query(lease.session(), query.sql(), query.params(), arrayModeOf(query, arrayMode));
    } catch (PgErrorException e) {
      discard(lease);
      throw Failure.of(e);
    } catch (WireSession.ResponseTooLargeException e) {
      discard(lease);
      throw Failure.of(507, e.getMessage());
    } catch (IOException e) {
      discard(lease);
      throw Failure.of(500, "could not connect to postgres in compute");
    }
    release(lease);
  }

  private void runBatch(
      Lease lease,
      List<Query> queries,
      boolean arrayMode,
      String isolation,
      boolean readOnly,
      boolean deferrable,
      ResponseWriter writer)
      throws Failure {
    List<String> modes = new ArrayList<>();
    if (isolation != null) {
      modes.add("ISOLATION LEVEL " + isolation);
    }
    if (readOnly) {
      modes.add("READ ONLY");
    }
    if (deferrable) {
      modes.add("DEFERRABLE");
    }
    try {
      lease
          .session()
          .simpleQuery(
              "START TRANSACTION" + (modes.isEmpty() ? "" : " " + String.join(", ", modes)));
    } catch (PgErrorException e) {
      discard(lease);
      throw Failure.of(e);
    } catch (IOException e) {
      discard(lease);
      throw Failure.of(500, "could not connect to postgres in compute");
    }
    writer.beginBatch();
    try {
      for (Query query : queries) {
        writer.query(lease.session(), query.sql(), query.params(), arrayModeOf(query, arrayMode));
      }
    } catch (PgErrorException | WireSession.ResponseTooLargeException e) {
      rollback(lease);
      throw e instanceof PgErrorException database
          ? Failure.of(database)
          : Failure.of(507, e.getMessage());
    } catch (IOException e) {
      discard(lease);
      throw Failure.of(500, "could not connect to postgres in compute");
    }
    writer.endBatch();
    try {
      lease.session().simpleQuery("COMMIT");
    } catch (PgErrorException e) {
      discard(lease);
      throw Failure.of(e);
    } catch (IOException e) {
      discard(lease);
      throw Failure.of(500, "could not connect to postgres in compute");
    }
    release(lease);
  }

  private void rollback(Lease lease) {
    if (lease.session().broken()) {
      discard(lease);
      return;
    }
    try {
      lease.session().simpleQuery("ROLLBACK");
      release(lease);
    } catch (IOException | PgErrorException e) {
      discard(lease);
    }
  }

  /** Back to the pool; from here on a client that goes away cancels nothing. */
  private void release(Lease lease) {
    lease.cancellation().onCancel(null);
    pool.release(lease.key(), lease.session());
  }

  /** Closed instead of pooled (Neon's {@code discard}); a client that goes away cancels nothing. */
  private void discard(Lease lease) {
    lease.cancellation().onCancel(null);
    pool.discard(lease.session());
  }

  private static boolean arrayModeOf(Query query, boolean headerDefault) {
    return query.arrayMode() == null ? headerDefault : query.arrayMode();
  }

  /** Neon's accepted values ({@code map_header_to_isolation_level}); {@code null} when absent. */
  private static String isolationLevel(String header) throws Failure {
    if (header == null) {
      return null;
    }
    return switch (header) {
      case "Serializable" -> "SERIALIZABLE";
      case "ReadUncommitted" -> "READ UNCOMMITTED";
      case "ReadCommitted" -> "READ COMMITTED";
      case "RepeatableRead" -> "REPEATABLE READ";
      default -> throw Failure.of(400, "invalid isolation level");
    };
  }

  /**
   * Reads the body as Neon's untagged {@code Payload}: a single {@code {"query", "params",
   * "arrayMode"}} or a batch {@code {"queries": [...]}}.
   */
  private static Payload payload(String body) throws Failure {
    Object parsed;
    try {
      parsed = Json.parse(body);
    } catch (Json.ParseException e) {
      throw Failure.of(400, "could not parse the HTTP request body: " + e.getMessage());
    }
    Query single = query(parsed);
    if (single != null) {
      return new Payload(List.of(single), false);
    }
    if (parsed instanceof Map<?, ?> map && map.get("queries") instanceof List<?> list) {
      List<Query> queries = new ArrayList<>();
      for (Object item : list) {
        Query query = query(item);
        if (query == null) {
          queries = null;
          break;
        }
        queries.add(query);
      }
      if (queries != null) {
        return new Payload(queries, true);
      }
    }
    throw Failure.of(
        400,
        "could not parse the HTTP request body: data did not match any variant of untagged enum"
            + " Payload");
  }

  private static Query query(Object value) {
    if (!(value instanceof Map<?, ?> map) || !(map.get("query") instanceof String sql)) {
      return null;
    }
    Object params = map.containsKey("params") ? map.get("params") : List.of();
    if (!(params instanceof List<?> list)) {
      return null;
    }
    Object arrayMode = map.get("arrayMode");
    if (arrayMode != null && !(arrayMode instanceof Boolean)) {
      return null;
    }
    List<String> texts = new ArrayList<>(list.size());
    for (Object param : list) {
      texts.add(ParameterText.of(param));
    }
    return new Query(sql, texts, (Boolean) arrayMode);
  }

  /** Neon's error JSON: every key present, {@code null} (or {@code ""}) when not known. */
  private static String errorJson(Failure failure) {
    PgErrorException db = failure.database;
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("message", failure.getMessage());
    json.put("code", db == null ? "" : db.sqlState());
    json.put("detail", field(db, 'D'));
    json.put("hint", field(db, 'H'));
    json.put("position", field(db, 'P'));
    json.put("internalPosition", field(db, 'p'));
    json.put("internalQuery", field(db, 'q'));
    json.put("severity", db == null ? "" : db.field('S'));
    json.put("where", field(db, 'W'));
    json.put("table", field(db, 't'));
    json.put("column", field(db, 'c'));
    json.put("schema", field(db, 's'));
    json.put("dataType", field(db, 'd'));
    json.put("constraint", field(db, 'n'));
    json.put("file", field(db, 'F'));
    json.put("line", field(db, 'L'));
    json.put("routine", field(db, 'R'));
    return Json.toJson(json);
  }

  private static String field(PgErrorException db, char code) {
    return db == null ? null : db.field(code);
  }

  /** Lower-cases header names, for lookups the way HTTP means them. */
  static Map<String, String> lowerCase(Map<String, List<String>> headers) {
    Map<String, String> lower = new LinkedHashMap<>();
    headers.forEach(
        (name, values) -> {
          if (!values.isEmpty()) {
            lower.put(name.toLowerCase(Locale.ROOT), values.get(0));
          }
        });
    return lower;
  }
}

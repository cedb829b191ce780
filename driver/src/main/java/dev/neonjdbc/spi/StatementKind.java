package dev.neonjdbc.spi;

/**
 * What kind of statement an event concerns: its first keyword, from a fixed set, so that a metric
 * tagged with it has a bounded number of values. A statement that starts with any other word (or
 * none) is {@link #OTHER}. Two values name what is not a statement: {@link #PIN_DIRECT} (the {@code
 * NeonConnection.pinDirect()} call) and {@link #STARTUP} (startup parameters that only the direct
 * endpoint can carry).
 */
public enum StatementKind {
  SELECT,
  INSERT,
  UPDATE,
  DELETE,
  MERGE,
  WITH,
  VALUES,
  TABLE,
  COPY,
  CALL,
  DO,
  EXPLAIN,
  SHOW,
  NOTIFY,
  LISTEN,
  UNLISTEN,
  LOCK,
  BEGIN,
  START,
  COMMIT,
  END,
  ROLLBACK,
  ABORT,
  SAVEPOINT,
  RELEASE,
  SET,
  RESET,
  CREATE,
  ALTER,
  DROP,
  COMMENT,
  GRANT,
  REVOKE,
  TRUNCATE,
  SECURITY,
  IMPORT,
  REFRESH,
  REINDEX,
  CLUSTER,
  VACUUM,
  ANALYZE,
  PREPARE,
  EXECUTE,
  DEALLOCATE,
  DECLARE,
  FETCH,
  MOVE,
  CLOSE,
  LOAD,
  DISCARD,
  CHECKPOINT,
  /** The {@code NeonConnection.pinDirect()} call (a pin cause, not a statement). */
  PIN_DIRECT,
  /** Startup parameters ({@code currentSchema}, {@code options}) that pin from the start. */
  STARTUP,
  /** Any other first word, or none. */
  OTHER;

  private static final StatementKind[] ALL = values();

  /**
   * The kind whose name is the word at {@code [start, end)} of {@code sql}, compared without regard
   * to case; {@link #OTHER} when none is. Allocates nothing.
   */
  public static StatementKind ofWord(CharSequence sql, int start, int end) {
    int length = end - start;
    if (length <= 0) {
      return OTHER;
    }
    for (StatementKind kind : ALL) {
      if (kind.ordinal() >= PIN_DIRECT.ordinal()) {
        break;
      }
      String name = kind.name();
      if (name.length() == length && matches(sql, start, name)) {
        return kind;
      }
    }
    return OTHER;
  }

  /** The kind named by {@code keyword} (any case), or {@link #OTHER}. */
  public static StatementKind ofKeyword(String keyword) {
    return keyword == null ? OTHER : ofWord(keyword, 0, keyword.length());
  }

  private static boolean matches(CharSequence sql, int start, String upperName) {
    for (int i = 0; i < upperName.length(); i++) {
      char c = sql.charAt(start + i);
      if (c >= 'a' && c <= 'z') {
        c = (char) (c - ('a' - 'A'));
      }
      if (c != upperName.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The tag value metrics use: the name, e.g. {@code SELECT}, {@code PIN_DIRECT}. */
  public String tag() {
    return name();
  }
}

package dev.neonjdbc.internal.config;

import dev.neonjdbc.NeonProperty;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Rewrites libpq connection parameters (as pasted from Neon's console or a {@code DATABASE_URL})
 * into the names and values pgJDBC understands. Keys it does not know pass through unchanged.
 */
public final class LibpqTranslation {
  private static final Map<String, String> KEY_NAMES =
      Map.ofEntries(
          Map.entry("channel_binding", "channelBinding"),
          Map.entry("connect_timeout", "connectTimeout"),
          Map.entry("application_name", "ApplicationName"),
          Map.entry("target_session_attrs", "targetServerType"),
          Map.entry("keepalives", "tcpKeepAlive"),
          Map.entry("sslnegotiation", "sslNegotiation"),
          Map.entry("gssencmode", "gssEncMode"));

  private static final Map<String, String> TARGET_SESSION_ATTRS =
      Map.of(
          "any", "any",
          "read-write", "primary",
          "primary", "primary",
          "read-only", "secondary",
          "standby", "secondary",
          "prefer-standby", "preferSecondary");

  private LibpqTranslation() {}

  /**
   * Puts {@code key=value} into {@code target} under pgJDBC's name, translating the value where
   * libpq and pgJDBC spell it differently.
   *
   * @throws SQLException 22023 naming the libpq key when its value has no pgJDBC equivalent
   */
  public static void put(Properties target, String key, String value) throws SQLException {
    String pgjdbcKey = KEY_NAMES.get(key);
    if (pgjdbcKey == null) {
      target.setProperty(canonicalNeonKey(key), value);
      return;
    }
    String translated = value;
    if (key.equals("target_session_attrs")) {
      translated = TARGET_SESSION_ATTRS.get(value.toLowerCase(Locale.ROOT));
      if (translated == null) {
        throw ConfigErrors.invalidValue(
            key, value, "must be one of " + String.join(", ", TARGET_SESSION_ATTRS.keySet()));
      }
    } else if (key.equals("keepalives")) {
      if (value.equals("1")) {
        translated = "true";
      } else if (value.equals("0")) {
        translated = "false";
      } else {
        throw ConfigErrors.invalidValue(key, value, "must be 0 or 1");
      }
    } else if (key.equals("connect_timeout")) {
      translated = Integer.toString(ConfigErrors.parseInt(key, value));
    }
    target.setProperty(pgjdbcKey, translated);
  }

  /** Our own properties are matched case-insensitively and stored under their canonical name. */
  private static String canonicalNeonKey(String key) {
    NeonProperty property = NeonProperty.forName(key);
    return property == null ? key : property.getName();
  }
}

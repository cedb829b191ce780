package dev.neonjdbc.testkit.front;

import dev.neonjdbc.testkit.ServerEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the endpoint a client asks for, the way Neon's proxy does ({@code
 * proxy/src/auth/credentials.rs}, {@code ComputeUserInfoMaybeEndpoint::parse} and {@code
 * endpoint_sni}; {@code proxy/src/auth/password_hack.rs}; {@code proxy/src/types.rs}):
 *
 * <ol>
 *   <li>from the SNI host name (TCP) or the {@code Host} header (WebSocket): its first label, when
 *       the rest is exactly the front's domain;
 *   <li>from the {@code options} startup parameter: exactly one {@code endpoint=ID} or {@code
 *       project=ID} among the whitespace-separated options (two of them count as none);
 *   <li>when both are present they must be equal (else {@link NeonError#INCONSISTENT_ENDPOINT});
 *   <li>when neither is, the password carries it ({@code endpoint=ID;password}, or {@code $} as the
 *       separator), else {@link NeonError#MISSING_ENDPOINT}.
 * </ol>
 *
 * An id ending in {@code -pooler} names the endpoint's pooled side ({@code types.rs}, {@code
 * POOLER_SUFFIX}); the rest must be an endpoint the front serves ({@link NeonFront#route}).
 */
final class EndpointResolver {
  private static final String POOLER_SUFFIX = "-pooler";

  /** An error to send, or an endpoint id; exactly one is set. */
  record Result(String endpointId, NeonError error, String message) {
    static Result found(String id) {
      return new Result(id, null, null);
    }

    static Result failed(NeonError error, Object... arguments) {
      return new Result(null, error, error.message(arguments));
    }
  }

  private final String domain;

  EndpointResolver(String domain) {
    this.domain = domain;
  }

  /**
   * The endpoint named by {@code serverName} and {@code options}; {@code Result.found(null)} when
   * neither names one (the caller then asks for the password hack).
   */
  Result resolve(String serverName, String options) {
    String fromOption = fromOptions(options);
    String fromName = fromServerName(serverName);
    if (fromOption != null && fromName != null && !fromOption.equals(fromName)) {
      return Result.failed(NeonError.INCONSISTENT_ENDPOINT, fromName, fromOption);
    }
    String id = fromOption != null ? fromOption : fromName;
    if (id != null && !id.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
      return Result.failed(NeonError.MALFORMED_ENDPOINT, id);
    }
    return Result.found(id);
  }

  /** The endpoint id in a password-hack payload, with the real password; null if none. */
  static String[] passwordHack(String payload) {
    for (String separator : new String[] {";", "$"}) {
      int at = payload.indexOf(separator);
      if (at >= 0) {
        String id = endpointParameter(payload.substring(0, at));
        return id == null ? null : new String[] {id, payload.substring(at + 1)};
      }
    }
    return null;
  }

  /** The endpoint {@code id} names, without the pooled side's suffix. */
  static String endpointOf(String id) {
    return normalize(id);
  }

  /** Which upstream an endpoint id names. */
  static ServerEndpoint kindOf(String id) {
    return id.endsWith(POOLER_SUFFIX) ? ServerEndpoint.POOLED : ServerEndpoint.DIRECT;
  }

  /**
   * {@code options} without the endpoint and {@code neon_…} options, as Neon forwards them to the
   * compute ({@code proxy/src/compute/mod.rs}, {@code filtered_options}); null when nothing is
   * left.
   */
  static String filteredOptions(String options) {
    List<String> kept = new ArrayList<>();
    for (String option : splitOptions(options)) {
      if (endpointParameter(option) == null && !isNeonOption(option)) {
        kept.add(option);
      }
    }
    return kept.isEmpty() ? null : String.join(" ", kept);
  }

  /** Whether {@code options} asks for every startup parameter to reach the compute. */
  static boolean paramsCompat(String options) {
    return splitOptions(options).stream().anyMatch(o -> o.startsWith("neon_proxy_params_compat:"));
  }

  private String fromServerName(String serverName) {
    if (serverName == null) {
      return null;
    }
    String name = serverName.toLowerCase(Locale.ROOT);
    int dot = name.indexOf('.');
    if (dot <= 0 || !name.substring(dot + 1).equals(domain)) {
      return null;
    }
    String label = name.substring(0, dot);
    // serverless/mod.rs: the serverless driver's and auth broker's own names name no endpoint.
    return label.equals("api") || label.equals("apiauth") ? null : label;
  }

  private static String fromOptions(String options) {
    String found = null;
    int count = 0;
    for (String option : splitOptions(options)) {
      String id = endpointParameter(option);
      if (id != null) {
        found = id;
        count++;
      }
    }
    return count == 1 ? found : null;
  }

  private static String endpointParameter(String option) {
    if (option.startsWith("project=")) {
      return option.substring("project=".length());
    }
    if (option.startsWith("endpoint=")) {
      return option.substring("endpoint=".length());
    }
    return null;
  }

  private static boolean isNeonOption(String option) {
    int colon = option.indexOf(':');
    return option.startsWith("neon_") && colon > "neon_".length() && colon < option.length() - 1;
  }

  /** Splits at unescaped whitespace, keeping escapes, as PostgreSQL's {@code pg_split_opts}. */
  static List<String> splitOptions(String options) {
    List<String> parts = new ArrayList<>();
    if (options == null) {
      return parts;
    }
    StringBuilder current = new StringBuilder();
    boolean escaped = false;
    for (int i = 0; i < options.length(); i++) {
      char c = options.charAt(i);
      if (Character.isWhitespace(c) && !escaped) {
        if (current.length() > 0) {
          parts.add(current.toString());
          current.setLength(0);
        }
      } else {
        current.append(c);
      }
      escaped = c == '\\' && !escaped;
    }
    if (current.length() > 0) {
      parts.add(current.toString());
    }
    return parts;
  }

  private static String normalize(String id) {
    return id.endsWith(POOLER_SUFFIX) ? id.substring(0, id.length() - POOLER_SUFFIX.length()) : id;
  }
}

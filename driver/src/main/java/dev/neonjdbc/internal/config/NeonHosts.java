package dev.neonjdbc.internal.config;

import java.util.Locale;

/**
 * Neon's host-name scheme: {@code ep-NAME-ID[-pooler].REGION.aws.neon.tech}. The first label names
 * the compute endpoint; {@code -pooler} selects its PgBouncer.
 */
public final class NeonHosts {
  private static final String POOLER_SUFFIX = "-pooler";

  private NeonHosts() {}

  /** Whether {@code host} is a Neon compute endpoint (pooled or direct). */
  public static boolean isNeonHost(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.startsWith("ep-") && lower.endsWith(".neon.tech") && lower.indexOf('.') > 3;
  }

  /** The endpoint id: the first label without {@code -pooler}, e.g. {@code ep-cool-a1b2c3d4}. */
  public static String endpointId(String host) {
    String label = firstLabel(host);
    return label.endsWith(POOLER_SUFFIX)
        ? label.substring(0, label.length() - POOLER_SUFFIX.length())
        : label;
  }

  /** The pooled host of the endpoint that {@code host} belongs to. */
  public static String pooledHost(String host) {
    return endpointId(host) + POOLER_SUFFIX + host.substring(firstLabel(host).length());
  }

  /** The direct host of the endpoint that {@code host} belongs to. */
  public static String directHost(String host) {
    return endpointId(host) + host.substring(firstLabel(host).length());
  }

  private static String firstLabel(String host) {
    int dot = host.indexOf('.');
    return dot < 0 ? host : host.substring(0, dot);
  }
}

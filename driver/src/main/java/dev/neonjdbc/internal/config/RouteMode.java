package dev.neonjdbc.internal.config;

/** The {@code route} property: per-statement routing, or one endpoint for everything. */
public enum RouteMode {
  /** Route each statement to the pooled or the direct endpoint. */
  AUTO,
  /** Send everything to the pooled endpoint. */
  POOLED,
  /** Send everything to the direct endpoint. */
  DIRECT
}

/**
 * What other modules (the data source, framework integrations) build on: a resolved URL ({@link
 * dev.neonjdbc.spi.NeonEndpoints}), where physical sessions come from ({@link
 * dev.neonjdbc.spi.SessionSource}) and what the router reports ({@link
 * dev.neonjdbc.spi.RoutingEvents}). Everything under {@code dev.neonjdbc.internal} may change
 * without notice.
 */
package dev.neonjdbc.spi;

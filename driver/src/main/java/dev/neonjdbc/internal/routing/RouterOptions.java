package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import dev.neonjdbc.internal.config.RouteMode;

/**
 * What a {@link Router} is told when it is made rather than finds out as it routes.
 *
 * @param routing whether statements are routed one by one ({@code route=auto} with both endpoints
 *     known)
 * @param forcedEndpoint the endpoint every statement takes when not routing
 * @param pinnedAtStartup whether startup parameters only the direct session carries ({@code
 *     currentSchema}, {@code options}) pin the connection for good
 */
record RouterOptions(boolean routing, EndpointKind forcedEndpoint, boolean pinnedAtStartup) {

  /** The options of a connection over the endpoints {@code connector} knows. */
  static RouterOptions of(PhysicalConnector connector) {
    RouteMode mode = connector.settings().routeMode();
    boolean routing = mode == RouteMode.AUTO && connector.settings().hasBothEndpoints();
    return new RouterOptions(
        routing,
        mode == RouteMode.DIRECT ? EndpointKind.DIRECT : EndpointKind.POOLED,
        routing && connector.startupStateForcesPin());
  }
}

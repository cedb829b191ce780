package dev.neonjdbc.internal.routing;

import static dev.neonjdbc.internal.routing.Route.DIRECT;
import static dev.neonjdbc.internal.routing.Route.PIN;
import static dev.neonjdbc.internal.routing.Route.POOLED;
import static dev.neonjdbc.internal.routing.Route.SESSION;
import static dev.neonjdbc.internal.routing.Route.UNPIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RouteTest {

  @Test
  void routesAreDeclaredWeakestFirst() {
    assertArrayEquals(new Route[] {POOLED, DIRECT, SESSION, UNPIN, PIN}, Route.values());
  }

  @Test
  void strongerRouteWinsWhicheverComesFirst() {
    for (Route a : Route.values()) {
      for (Route b : Route.values()) {
        Route expected = a.compareTo(b) >= 0 ? a : b;
        assertEquals(expected, a.strongerOf(b), a + " with " + b);
        assertEquals(expected, b.strongerOf(a), b + " with " + a);
      }
    }
    assertEquals(PIN, UNPIN.strongerOf(PIN));
    assertEquals(UNPIN, SESSION.strongerOf(UNPIN));
    assertEquals(SESSION, DIRECT.strongerOf(SESSION));
    assertEquals(DIRECT, POOLED.strongerOf(DIRECT));
  }

  @Test
  void onlySessionAndUnpinChangeParameters() {
    for (Route route : Route.values()) {
      assertEquals(route == SESSION || route == UNPIN, route.changesParameters(), route.name());
    }
  }
}

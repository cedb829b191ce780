package dev.neonjdbc.internal.routing;

import static dev.neonjdbc.internal.routing.Route.DIRECT;
import static dev.neonjdbc.internal.routing.Route.PIN;
import static dev.neonjdbc.internal.routing.Route.POOLED;
import static dev.neonjdbc.internal.routing.Route.SESSION;
import static dev.neonjdbc.internal.routing.Route.UNPIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void onlyPooledAvoidsTheDirectEndpoint() {
    assertFalse(POOLED.isDirect());
    assertTrue(DIRECT.isDirect());
    assertTrue(SESSION.isDirect());
    assertTrue(UNPIN.isDirect());
    assertTrue(PIN.isDirect());
  }

  @Test
  void onlyPinPinsAndOnlyUnpinUnpins() {
    for (Route route : Route.values()) {
      assertEquals(route == PIN, route.pins(), route.name());
      assertEquals(route == UNPIN, route.unpins(), route.name());
      assertEquals(route == SESSION || route == UNPIN, route.changesParameters(), route.name());
    }
  }
}

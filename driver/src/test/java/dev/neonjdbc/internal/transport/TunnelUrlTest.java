package dev.neonjdbc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** URL templates and the ws:// rule, which decide before any connection is attempted. */
class TunnelUrlTest {

  @Test
  void theDefaultTemplateIsNeonsProxyOnTheEndpointHost() throws TunnelException {
    TunnelUrl url =
        TunnelUrl.resolve("wss://{host}/v2", "ep-cool-a1b2.us-east-2.aws.neon.tech", 5432, false);
    assertEquals("wss://ep-cool-a1b2.us-east-2.aws.neon.tech/v2", url.toString());
    assertTrue(url.secure());
    assertEquals(443, url.port());
  }

  @Test
  void wsproxyTemplatesCarryHostAndPortWithIpv6InBrackets() throws TunnelException {
    TunnelUrl url =
        TunnelUrl.resolve("ws://127.0.0.1:5433/v1?address={host}:{port}", "::1", 6432, false);
    assertEquals("ws://127.0.0.1:5433/v1?address=[::1]:6432", url.toString());
    assertEquals("127.0.0.1", url.host());
    assertEquals(5433, url.port());
  }

  @Test
  void plainWebSocketIsAllowedOnlyToLoopbackWithoutTheOptIn() throws TunnelException {
    TunnelUrl.resolve("ws://localhost:1/", "db", 5432, false);
    TunnelUrl.resolve("ws://[::1]:1/", "db", 5432, false);
    TunnelUrl.resolve("ws://127.8.9.10:1/", "db", 5432, false);
    TunnelException refused =
        assertThrows(
            TunnelException.class,
            () -> TunnelUrl.resolve("ws://{host}/v1", "db.example", 1, false));
    assertTrue(refused.getMessage().contains("webSocketAllowInsecure=true"));
    assertFalse(TunnelUrl.isLoopback("localhost.example.com"), "names are not looked up");
    TunnelUrl.resolve("ws://{host}/v1", "db.example", 1, true);
  }

  @Test
  void otherSchemesAndHostlessUrlsAreRefused() {
    assertThrows(TunnelException.class, () -> TunnelUrl.resolve("http://{host}/", "h", 1, true));
    assertThrows(TunnelException.class, () -> TunnelUrl.resolve("wss:///v2", "h", 1, true));
    assertThrows(TunnelException.class, () -> TunnelUrl.resolve("wss://a b/", "h", 1, true));
  }
}

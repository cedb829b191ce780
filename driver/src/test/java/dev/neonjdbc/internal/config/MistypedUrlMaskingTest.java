package dev.neonjdbc.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.Driver;
import dev.neonjdbc.TestDrivers;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The typos people make, one by one: a mistyped URL never shows its password, in the masked URL,
 * the error message or {@code getPropertyInfo}; and a well-formed URL is masked exactly, no more.
 * {@link MistypedUrlsTest} generates many more.
 */
class MistypedUrlMaskingTest {
  private static final String SECRET = "Zq7Xk9Vw";

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        // One slash, no slash, a stray space, a mistyped scheme.
        "jdbc:neon:postgresql:/alex:Zq7Xk9Vw@ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech/db",
        "jdbc:neon:postgresql:alex:Zq7Xk9Vw@ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech/db",
        "jdbc:neon:postgresql:/ /alex:Zq7Xk9Vw@host/db",
        "jdbc:neon:postgresq://alex:Zq7Xk9Vw@host/db",
        "jdbc:neon:postgresql//alex:Zq7Xk9Vw@host/db",
        // Unencoded ? # & / @ inside the user-info password.
        "jdbc:neon:postgresql://alex:Zq7?Xk9Vw@host/db",
        "jdbc:neon:postgresql://alex:Zq7#Xk9Vw@host/db",
        "jdbc:neon:postgresql://alex:Zq7&Xk9Vw@host/db",
        "jdbc:neon:postgresql://alex:Zq7/Xk9Vw@host/db",
        "jdbc:neon:postgresql://alex:Zq7@Xk9Vw@host/db",
        "jdbc:neon:postgresql://alex:Zq7@Xk#9Vw@host/db",
        "jdbc:neon:postgresql://alex:?Zq7Xk9Vw@host/db",
        // The user-info separator mistyped, the '@' lost, the URL cut short.
        "jdbc:neon:postgresql://alex@Zq7Xk9Vw@host/db",
        "jdbc:neon:postgresql://alex;Zq7Xk9Vw@host/db",
        "jdbc:neon:postgresql://alex%3AZq7Xk9Vw@host/db",
        "jdbc:neon:postgresql://alex:Zq7Xk9Vwhost/db",
        "jdbc:neon:postgresql://alex:Zq7Xk9Vw",
        "jdbc:neon:postgresql://alex:Zq7Xk9",
        // Unencoded & # = in a query password, and mistyped password keys.
        "jdbc:neon://host/db?password=Zq7&Xk9Vw",
        "jdbc:neon://host/db?password=Zq7&Xk9Vw&sslmode=require",
        "jdbc:neon://host/db?password=Zq7#Xk9Vw",
        "jdbc:neon://host/db?password=Zq7=Xk9Vw",
        "jdbc:neon://host/db?pasword=Zq7Xk9Vw",
        "jdbc:neon://host/db?passwd=Zq7Xk9Vw",
        "jdbc:neon://host/db?PASSWORD=Zq7Xk9Vw",
        "jdbc:neon://host/db?password:Zq7Xk9Vw",
        "jdbc:neon://host/db?password%3DZq7Xk9Vw",
        "jdbc:neon://host/db&password=Zq7Xk9Vw",
        "jdbc:neon://host/db?user=alexpassword=Zq7Xk9Vw",
        // Pasted twice.
        "jdbc:neon:postgresql://alex:Zq7Xk9Vw@host/dbjdbc:neon:postgresql://alex:Zq7Xk9Vw@host/db",
      })
  void mistypedUrlNeverShowsItsPassword(String url) {
    assertNeverShown(url);
  }

  /** Stacked typos that showed a part of the password before, one case per shape. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        // The user-info colon lost, the password has a reserved character or an escape: the user
        // name cannot be told from the password, so neither is shown.
        "jdbc:neon://alexZq7[Xk9Vw@host/db",
        "jdbc:neon:postgresql://alexZq7%37Xk9Vw@host/db",
        "jdbc:neon:postgresql://alexZq7/Xk9Vw@host:5432/db",
        "jdbc:neon://alexZq7%41Xk9:Vw@host/db",
        // A stray '@' on both sides of the user-info.
        "jdbc:neon:postgresql://@alex:Zq7Xk9Vw@@host/db",
        "jdbc:neon://alex@@Zq7Xk9Vw",
        // A scheme that does not read, with a plain user-info or a host after the password's '@'.
        "jdbc:neon:postgres:/alexZq7Xk9Vw@host/db",
        "jdbc:neon:postgres:/alex:Zq7@Xk9Vw",
        "jdbc:neon:alexZq7Xk9Vw&password=Zq7Xk9Vw@",
        "jdbc:neon:postgres??//alex;Zq7Xk9Vw&host:5432?sslmode=require",
        // The '@' lost: the password ran into a host that has an escape or a character no host has.
        "jdbc:neon:postgresql://alexZq7%3CXk9Vwhost:5432/db",
        "jdbc:neon://alexZq7Xk9Vw12%37.0.0.1:5432",
        "jdbc:neon:postgres://alex:Zq7@Xk9Vw%2DJ",
        // The '?' and '=' lost: a password key glued into the database name.
        "jdbc:neon://host/my%20dbpwdZq7Xk9,Vw&sslmode=require",
        // The password cut at its own '?' with the '@' lost: a query pair without '='.
        "jdbc:neon:postgresql://alex?Zq7Xk9Vw",
        "jdbc:neon://alex??Zq7[Xk9Vw",
        // An encoded '&' merges query pairs and the '=' is lost.
        "jdbc:neon://host/db?sslmode=require%26passwordZq7Xk9Vw",
        "jdbc:neon://host/db?sslmode=require%26password%3DZq7Xk9Vw&route=direct",
        // Cut after the password's own '@' with a "?x=" in the password: a key no one knows.
        "jdbc:neon:postgres://alex:Zq7@Wq?x=Xk9Vw",
        // '&' and '=' lost around a password key: the key glued inside another value.
        "jdbc:neon://host:5432?user=alexpwdZq7Xk9Vw",
        // A '#' in the password with the '@' lost: a fragment, which no connection URL has.
        "jdbc:neon:postgres://alexQ#Zq7Xk9Vwhost.example.com/db",
        // The user-info's '@' typed as '&' before a password key.
        "jdbc:neon://alexZq7Xk9Vw&password=Zq7Xk9Vw@host/db?sslmode=require",
      })
  void stackedTypoNeverShowsThePassword(String url) {
    assertNeverShown(url);
  }

  private static void assertNeverShown(String url) {
    assertNoPiece("masked URL", Masking.maskUrl(url));
    Driver driver = TestDrivers.withEnvironment(Environment.of(Map.of()));
    try {
      ConnectionSettings settings = ConnectionSettings.parse(url, null, Environment.of(Map.of()));
      assertNoPiece("toString", settings.toString());
      for (DriverPropertyInfo info : driver.getPropertyInfo(url, null)) {
        assertNoPiece("getPropertyInfo " + info.name, info.value);
      }
    } catch (SQLException e) {
      assertTrue(
          e.getSQLState().equals("08001") || e.getSQLState().equals("22023"), e.getSQLState());
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertNoPiece("message", t.getMessage());
      }
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "jdbc:neon:postgresql://alex:Zq7Xk9Vw@host/db | jdbc:neon:postgresql://alex:***@host/db",
        "jdbc:neon:postgresql://alex:p%40ss@host:5433/db?sslmode=require"
            + " | jdbc:neon:postgresql://alex:***@host:5433/db?sslmode=require",
        "jdbc:neon://host:5432/db?user=alex&password=Zq7Xk9Vw&sslmode=require"
            + " | jdbc:neon://host:5432/db?user=alex&password=***&sslmode=require",
        "jdbc:neon://[::1]:6432/app?directPort=5432 | jdbc:neon://[::1]:6432/app?directPort=5432",
        "jdbc:neon://host/app?route=direct | jdbc:neon://host/app?route=direct",
        "jdbc:neon:postgresql://sam@host/app | jdbc:neon:postgresql://sam@host/app",
        "jdbc:neon:postgresql://alex:Zq7Xk9Vw@host/app?application_name=me@corp"
            + " | jdbc:neon:postgresql://alex:***@host/app?application_name=me@corp",
      })
  void wellFormedUrlIsMaskedExactly(String url, String masked) {
    assertEquals(masked, Masking.maskUrl(url));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "jdbc:neon:postgresql://alex:Zq7@Xk#9Vw@host/db",
        "jdbc:neon:postgresql://alex:Zq7@Xk/9Vw#x@host/db",
      })
  void hostThatMayBePartOfThePasswordIsRefusedBeforeAnyLookup(String url) {
    SQLException error =
        assertThrows(
            SQLException.class,
            () -> ConnectionSettings.parse(url, null, Environment.of(Map.of())));
    assertEquals("08001", error.getSQLState());
    assertTrue(error.getMessage().contains("percent-encode"), error.getMessage());
  }

  private static void assertNoPiece(String where, String text) {
    if (text == null) {
      return;
    }
    for (String piece : new String[] {"Zq7X", "q7Xk", "7Xk9", "Xk9V", "k9Vw", "Xk9", "Zq7"}) {
      assertFalse(text.contains(piece), where + " shows '" + piece + "': " + text);
    }
    assertFalse(text.contains(SECRET), where + ": " + text);
  }
}

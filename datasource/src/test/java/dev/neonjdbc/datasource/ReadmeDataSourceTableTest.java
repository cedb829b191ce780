package dev.neonjdbc.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's table of data source settings is generated from {@link DataSourceProperty} and must
 * not go stale; {@code -Dneon.updateReadme=true} rewrites it between its markers ({@code
 * -Dneon.readme=PATH} reads another copy).
 */
class ReadmeDataSourceTableTest {
  private static final String BEGIN = "<!-- neon-datasource-properties:begin -->\n";
  private static final String END = "<!-- neon-datasource-properties:end -->";

  @Test
  void readmeDataSourceTableMatchesTheEnum() throws IOException {
    Path readme = Path.of(System.getProperty("neon.readme", "../README.md"));
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    boolean update = Boolean.getBoolean("neon.updateReadme");
    // Until the README carries the table's markers there is nothing to compare (or rewrite).
    assumeTrue(begin >= 0 || update, "README.md has no data source settings table yet");
    assertTrue(begin >= 0 && end > begin, "README.md lacks the data source table markers " + BEGIN);
    String current = text.substring(begin + BEGIN.length(), end);
    String expected = DataSourceProperty.markdownTable();
    if (update) {
      Files.writeString(
          readme,
          text.substring(0, begin + BEGIN.length()) + expected + text.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    assertEquals(
        expected,
        current,
        "README.md's data source settings table is stale; regenerate it with"
            + " -Dneon.updateReadme=true");
  }
}

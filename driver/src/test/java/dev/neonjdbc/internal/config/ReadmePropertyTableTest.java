package dev.neonjdbc.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.NeonProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's property table is generated from {@link NeonProperty} and must not go stale. */
class ReadmePropertyTableTest {
  private static final String BEGIN = "<!-- neon-properties:begin -->\n";
  private static final String END = "<!-- neon-properties:end -->";

  @Test
  void readmePropertyTableMatchesTheEnum() throws IOException {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertTrue(begin >= 0 && end > begin, "README.md lacks the property table markers");
    String current = text.substring(begin + BEGIN.length(), end);
    String expected = NeonProperty.markdownTable();
    if (Boolean.getBoolean("neon.updateReadme")) {
      Files.writeString(
          readme,
          text.substring(0, begin + BEGIN.length()) + expected + text.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    assertEquals(
        expected,
        current,
        "README.md's property table is stale; regenerate it with -Dneon.updateReadme=true");
  }
}

package dev.neonjdbc.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.NeonProperty;
import dev.neonjdbc.datasource.DataSourceProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed configuration metadata is generated from {@link NeonProperty} and {@link
 * DataSourceProperty} and must not go stale ({@code -Dneon.updateMetadata=true} rewrites it).
 */
class ConfigurationMetadataTest {

  @Test
  void committedMetadataMatchesTheTwoEnums() throws IOException {
    Path file = Path.of(ConfigurationMetadata.PATH);
    String expected = ConfigurationMetadata.json();
    if (Boolean.getBoolean("neon.updateMetadata")) {
      Files.writeString(file, expected, StandardCharsets.UTF_8);
      return;
    }
    assertTrue(
        Files.exists(file), file + " is missing; generate it with -Dneon.updateMetadata=true");
    assertEquals(
        expected,
        Files.readString(file, StandardCharsets.UTF_8),
        file + " is stale; regenerate it with -Dneon.updateMetadata=true");
  }

  @Test
  void everyTextSettingOfBothEnumsIsListed() {
    String json = ConfigurationMetadata.json();
    for (NeonProperty property : NeonProperty.values()) {
      assertTrue(
          json.contains(
              "\"spring.datasource.neon." + NeonSettings.kebab(property.getName()) + "\""),
          property.getName());
    }
    for (DataSourceProperty property : DataSourceProperty.values()) {
      boolean listed =
          json.contains(
              "\"spring.datasource.neon." + NeonSettings.kebab(property.getName()) + "\"");
      assertEquals(!NeonSettings.NOT_BOUND.contains(property), listed, property.getName());
    }
  }

  @Test
  void kebabCaseOfSettingNames() {
    assertEquals("direct-pool-maximum-size", NeonSettings.kebab("directPoolMaximumSize"));
    assertEquals("client-pooling", NeonSettings.kebab("clientPooling"));
    assertEquals("route", NeonSettings.kebab("route"));
  }
}

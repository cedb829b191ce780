package dev.neonjdbc.spring.boot;

import dev.neonjdbc.NeonProperty;
import dev.neonjdbc.datasource.DataSourceProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates {@code META-INF/additional-spring-configuration-metadata.json} from {@link
 * NeonProperty} and {@link DataSourceProperty}, so IDEs complete and document {@code
 * spring.datasource.neon.*}. A test fails when the committed file is stale ({@code
 * -Dneon.updateMetadata=true} rewrites it).
 */
final class ConfigurationMetadata {
  /** Where the file lives in the module's sources. */
  static final String PATH =
      "src/main/resources/META-INF/additional-spring-configuration-metadata.json";

  private ConfigurationMetadata() {}

  /** The whole file. */
  static String json() {
    List<String> properties = new ArrayList<>();
    List<String> hints = new ArrayList<>();
    for (NeonProperty property : NeonProperty.values()) {
      String name = NeonSettings.PREFIX + "." + NeonSettings.kebab(property.getName());
      properties.add(
          property(
              name,
              neonType(property.getValueType()),
              property.getDescription(),
              neonDefault(property)));
      if (property.getChoices().length > 0
          && property.getValueType() != NeonProperty.ValueType.BOOLEAN) {
        hints.add(hint(name, property.getChoices()));
      }
    }
    for (DataSourceProperty property : DataSourceProperty.values()) {
      if (NeonSettings.NOT_BOUND.contains(property)) {
        continue;
      }
      properties.add(
          property(
              NeonSettings.PREFIX + "." + NeonSettings.kebab(property.getName()),
              ownType(property.getType()),
              property.getDescription(),
              ownDefault(property)));
    }
    properties.add(
        property(
            NeonSettings.PREFIX + "." + NeonSettings.PGJDBC,
            "java.util.Map<java.lang.String,java.lang.String>",
            "pgJDBC properties passed to every session (e.g. ApplicationName, sslmode).",
            null));
    properties.add(
        property(
            NeonHealth.ENABLED,
            "java.lang.Boolean",
            "Whether the Actuator health indicator 'neon' checks each jdbc:neon: endpoint.",
            "true"));
    properties.add(
        property(
            NeonHealth.TIMEOUT,
            "java.time.Duration",
            "How long the health indicator's check of each endpoint may take.",
            "\"" + NeonHealth.DEFAULT_TIMEOUT + "\""));
    return "{\n  \"properties\": [\n"
        + String.join(",\n", properties)
        + "\n  ],\n  \"hints\": [\n"
        + String.join(",\n", hints)
        + "\n  ]\n}\n";
  }

  private static String property(String name, String type, String description, String value) {
    return "    {\n      \"name\": "
        + quote(name)
        + ",\n      \"type\": "
        + quote(type)
        + ",\n      \"description\": "
        + quote(description)
        + (value == null ? "" : ",\n      \"defaultValue\": " + value)
        + ",\n      \"sourceType\": \"dev.neonjdbc.datasource.NeonDataSource\"\n    }";
  }

  private static String hint(String name, String[] choices) {
    List<String> values = new ArrayList<>();
    for (String choice : choices) {
      values.add("        { \"value\": " + quote(choice) + " }");
    }
    return "    {\n      \"name\": "
        + quote(name)
        + ",\n      \"values\": [\n"
        + String.join(",\n", values)
        + "\n      ]\n    }";
  }

  private static String neonType(NeonProperty.ValueType type) {
    return switch (type) {
      case BOOLEAN -> "java.lang.Boolean";
      case PORT, SECONDS, MILLISECONDS -> "java.lang.Integer";
      default -> "java.lang.String";
    };
  }

  private static String neonDefault(NeonProperty property) {
    String value = property.getDefaultValue();
    if (value == null) {
      return null;
    }
    return switch (property.getValueType()) {
      case BOOLEAN, PORT, SECONDS, MILLISECONDS -> value;
      default -> quote(value);
    };
  }

  private static String ownType(DataSourceProperty.ValueType type) {
    return switch (type) {
      case COUNT -> "java.lang.Integer";
      case DURATION -> "java.time.Duration";
      case BOOLEAN -> "java.lang.Boolean";
      default -> "java.lang.String";
    };
  }

  private static String ownDefault(DataSourceProperty property) {
    String value = property.getDefaultValue();
    if (value == null) {
      return null;
    }
    return switch (property.getType()) {
      case COUNT, BOOLEAN -> value;
      case DURATION -> quote(value + "ms");
      default -> quote(value);
    };
  }

  /** A JSON string. */
  static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}

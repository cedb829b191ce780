package dev.neonjdbc.internal.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated types cover the JDBC interfaces of the running JDK, and match what {@code
 * src/build/generate_jdbc_delegates.py} writes today.
 */
class GeneratedSourcesTest {
  private static final Path SCRIPT = Path.of("src/build/generate_jdbc_delegates.py");
  private static final Path GENERATED = Path.of("src/main/java/dev/neonjdbc/internal/jdbc");
  private static final List<String> FILES =
      List.of(
          "DelegatingResultSet.java",
          "DelegatingDatabaseMetaData.java",
          "ParameterLog.java",
          "ParameterRecording.java",
          "CallableRecording.java");

  @Test
  void delegatingResultSetImplementsEveryMethodOverridably() throws NoSuchMethodException {
    assertDelegatesEveryMethod(ResultSet.class, DelegatingResultSet.class);
  }

  @Test
  void delegatingDatabaseMetaDataImplementsEveryMethodOverridably() throws NoSuchMethodException {
    assertDelegatesEveryMethod(DatabaseMetaData.class, DelegatingDatabaseMetaData.class);
  }

  @Test
  void theRecordingInterfacesImplementEveryParameterMethod() throws NoSuchMethodException {
    List<String> missing = new ArrayList<>();
    for (Method method : PreparedStatement.class.getDeclaredMethods()) {
      if (method.getName().startsWith("set") || method.getName().equals("clearParameters")) {
        Method recorded =
            ParameterRecording.class.getDeclaredMethod(
                method.getName(), method.getParameterTypes());
        if (!recorded.isDefault()) {
          missing.add(recorded.toString());
        }
      }
    }
    for (Method method : CallableStatement.class.getDeclaredMethods()) {
      if (!Modifier.isStatic(method.getModifiers())) {
        Method recorded =
            CallableRecording.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
        if (!recorded.isDefault()) {
          missing.add(recorded.toString());
        }
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void generatedFilesAreUpToDate(@TempDir Path output) throws IOException, InterruptedException {
    Optional<Path> srcZip = jdkSources();
    Assumptions.assumeTrue(srcZip.isPresent(), "no JDK src.zip installed");
    List<String> command =
        List.of(
            "python3",
            SCRIPT.toString(),
            "--src-zip",
            srcZip.get().toString(),
            "--output-dir",
            output.toString());
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException noPython) {
      Assumptions.abort("python3 is not available: " + noPython.getMessage());
      return;
    }
    String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "generator timed out");
    assertEquals(0, process.exitValue(), log);

    for (String file : FILES) {
      // The committed files went through google-java-format, which only moves whitespace and
      // Javadoc line breaks; compare what remains.
      assertEquals(
          tokens(output.resolve(file)),
          tokens(GENERATED.resolve(file)),
          file
              + " is stale: run "
              + String.join(" ", command.subList(0, 4))
              + " and then"
              + " mvn -pl driver spotless:apply (generated from "
              + srcZip.get()
              + ")");
    }
  }

  private static void assertDelegatesEveryMethod(Class<?> api, Class<?> delegate)
      throws NoSuchMethodException {
    assertTrue(Modifier.isAbstract(delegate.getModifiers()));
    List<String> wrong = new ArrayList<>();
    for (Method method : api.getMethods()) {
      if (Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      Method implemented = delegate.getDeclaredMethod(method.getName(), method.getParameterTypes());
      int modifiers = implemented.getModifiers();
      if (Modifier.isFinal(modifiers) || Modifier.isAbstract(modifiers)) {
        wrong.add(implemented.toString());
      }
    }
    assertEquals(List.of(), wrong);
  }

  /** The running JDK's sources, else those of another JDK installed beside it. */
  private static Optional<Path> jdkSources() throws IOException {
    Path home = Path.of(System.getProperty("java.home"));
    Path own = home.resolve("lib/src.zip");
    if (Files.isRegularFile(own)) {
      return Optional.of(own);
    }
    Path parent = home.toRealPath().getParent();
    if (parent == null) {
      return Optional.empty();
    }
    try (Stream<Path> jdks = Files.list(parent)) {
      return jdks.sorted()
          .map(jdk -> jdk.resolve("lib/src.zip"))
          .filter(Files::isRegularFile)
          .findFirst();
    }
  }

  /** The file without whitespace and without the leading {@code *} of comment lines. */
  private static String tokens(Path file) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("*") && !trimmed.startsWith("*/")) {
        trimmed = trimmed.substring(1);
      }
      text.append(trimmed.replaceAll("\\s+", ""));
    }
    return text.toString();
  }
}

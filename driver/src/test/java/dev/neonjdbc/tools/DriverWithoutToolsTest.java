package dev.neonjdbc.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackTest;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool support costs nothing to an application without the tools: the driver, loaded where
 * Flyway, Liquibase and Spring are absent, connects and runs a query without loading any class of
 * {@code dev.neonjdbc.tools}; and the jar stays a valid automatic module on the module path, its
 * service files naming classes it holds.
 */
@NeonStackTest
class DriverWithoutToolsTest {
  /** Class-path entries of the tools (and of Spring, which the Boot test brings). */
  private static final List<String> TOOL_PATHS =
      List.of("/org/flywaydb/", "/org/liquibase/", "/org/springframework/");

  @Test
  void driverConnectsWithoutLoadingAnyToolClass(NeonStack stack) throws Exception {
    Path classes = driverClasses();
    List<String> toolClasses = toolClassNames(classes);
    assertFalse(toolClasses.isEmpty(), "found the tools classes under " + classes);

    try (ToolFreeLoader loader = new ToolFreeLoader(toolFreeClassPath())) {
      assertThrows(
          ClassNotFoundException.class, () -> loader.loadClass("org.flywaydb.core.Flyway"));
      assertThrows(
          ClassNotFoundException.class, () -> loader.loadClass("liquibase.database.Database"));
      assertThrows(
          ClassNotFoundException.class,
          () -> loader.loadClass("org.springframework.boot.SpringApplication"));

      Class<?> driverClass = Class.forName("dev.neonjdbc.Driver", true, loader);
      assertSame(loader, driverClass.getClassLoader(), "the driver is this loader's own copy");
      Driver driver = (Driver) driverClass.getConstructor().newInstance();
      // driver.connect, not DriverManager: DriverManager hands out only drivers that the
      // caller's own class loader can see, and this copy (which registered itself there too, a
      // harmless leftover) is not one of them.
      try (Connection connection = driver.connect(stack.neonJdbcUrl(), stack.credentials());
          Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT 1")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1));
      }

      for (String toolClass : toolClasses) {
        assertNull(loader.loaded(toolClass), toolClass + " was loaded by using the driver");
      }
    }
  }

  @Test
  void jarIsAnAutomaticModuleThatProvidesTheToolServices(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("neon-jdbc.jar");
    Path classes = driverClasses();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }

    // Deriving the descriptor checks every service file: a provider class that the jar does not
    // hold, or a malformed entry, fails here as it would for a user on the module path.
    ModuleReference module = ModuleFinder.of(jar).findAll().iterator().next();
    ModuleDescriptor descriptor = module.descriptor();
    assertTrue(descriptor.isAutomatic());
    Set<String> services =
        descriptor.provides().stream()
            .map(ModuleDescriptor.Provides::service)
            .collect(Collectors.toSet());
    assertTrue(services.contains("java.sql.Driver"), "" + services);
    assertTrue(services.contains("org.flywaydb.core.extensibility.Plugin"), "" + services);
    assertTrue(services.contains("liquibase.database.Database"), "" + services);
  }

  /** The driver's compiled classes (a directory in this module's build). */
  private static Path driverClasses() throws Exception {
    Path classes =
        Path.of(
            dev.neonjdbc.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.isDirectory(classes), "expected the build's classes directory: " + classes);
    return classes;
  }

  private static List<String> toolClassNames(Path classes) throws IOException {
    Path tools = classes.resolve("dev/neonjdbc/tools");
    try (Stream<Path> files = Files.walk(tools)) {
      return files
          .filter(file -> file.toString().endsWith(".class"))
          .map(file -> classes.relativize(file).toString())
          .map(name -> name.substring(0, name.length() - ".class".length()))
          .map(name -> name.replace(File.separatorChar, '.'))
          .toList();
    }
  }

  /** This test's class path without the tools: the driver and what it needs, as a user has. */
  private static URL[] toolFreeClassPath() throws MalformedURLException {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String normalized = entry.replace(File.separatorChar, '/');
      if (TOOL_PATHS.stream().noneMatch(normalized::contains)) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    return urls.toArray(URL[]::new);
  }

  /** A class loader that sees only its own URLs (and the JDK), and tells what it has loaded. */
  private static final class ToolFreeLoader extends URLClassLoader {
    ToolFreeLoader(URL[] urls) {
      super("tool-free", urls, ClassLoader.getPlatformClassLoader());
    }

    Class<?> loaded(String name) {
      return findLoadedClass(name);
    }
  }
}

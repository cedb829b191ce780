package dev.neonjdbc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neonjdbc.Driver;
import dev.neonjdbc.datasource.NeonDataSource;
import dev.neonjdbc.spring.boot.NeonDataSourceAutoConfiguration;
import dev.neonjdbc.testkit.NeonStack;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The jars an application puts on its module path name their modules ({@code
 * Automatic-Module-Name}), as the JVM reads them. It checks built jars: when the build hands this
 * module the other modules' class directories instead (a {@code test} run without {@code package}),
 * there is no jar to read and the check is skipped.
 */
class ModuleNamesTest {

  @Test
  void driverJarIsModuleDevNeonjdbc() throws URISyntaxException {
    assertEquals("dev.neonjdbc", moduleNameOfJarHolding(Driver.class));
  }

  @Test
  void dataSourceJarIsModuleDevNeonjdbcDatasource() throws URISyntaxException {
    assertEquals("dev.neonjdbc.datasource", moduleNameOfJarHolding(NeonDataSource.class));
  }

  @Test
  void springBootAutoConfigurationJarIsModuleDevNeonjdbcSpringBoot() throws URISyntaxException {
    assertEquals(
        "dev.neonjdbc.spring.boot", moduleNameOfJarHolding(NeonDataSourceAutoConfiguration.class));
  }

  @Test
  void testkitJarIsModuleDevNeonjdbcTestkit() throws URISyntaxException {
    assertEquals("dev.neonjdbc.testkit", moduleNameOfJarHolding(NeonStack.class));
  }

  /** The module name the JVM gives the jar {@code type} was loaded from. */
  private static String moduleNameOfJarHolding(Class<?> type) throws URISyntaxException {
    Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    assumeTrue(Files.isRegularFile(location), type.getName() + " is not from a jar: " + location);
    List<String> names =
        ModuleFinder.of(location).findAll().stream()
            .map(ModuleReference::descriptor)
            .map(descriptor -> descriptor.name())
            .collect(Collectors.toList());
    assertEquals(1, names.size(), names.toString());
    return names.get(0);
  }
}

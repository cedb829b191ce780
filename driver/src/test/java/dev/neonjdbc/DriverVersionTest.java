package dev.neonjdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The driver reports the version its pom declares, as the build wrote it. */
class DriverVersionTest {

  @Test
  void versionIsThePomsVersion() throws Exception {
    assertEquals(pomVersion(), Driver.version());
  }

  @Test
  void majorAndMinorVersionAreThePomsFirstTwoNumbers() throws Exception {
    Matcher numbers = Pattern.compile("(\\d+)\\.(\\d+)").matcher(pomVersion());
    assertTrue(numbers.lookingAt(), pomVersion());
    java.sql.Driver driver = DriverManager.getDriver("jdbc:neon:");
    assertEquals(Integer.parseInt(numbers.group(1)), driver.getMajorVersion());
    assertEquals(Integer.parseInt(numbers.group(2)), driver.getMinorVersion());
  }

  @Test
  void driverManagerFindsTheSameVersion() throws SQLException {
    java.sql.Driver driver = DriverManager.getDriver("jdbc:neon:");
    assertEquals(Driver.class, driver.getClass());
    assertEquals(new Driver().getMajorVersion(), driver.getMajorVersion());
    assertEquals(new Driver().getMinorVersion(), driver.getMinorVersion());
  }

  /** The module's version: its own {@code <version>}, else its parent's. */
  private static String pomVersion() throws Exception {
    Path pom = Path.of(System.getProperty("basedir", "."), "pom.xml");
    assertTrue(Files.isRegularFile(pom), "no pom.xml at " + pom.toAbsolutePath());
    Element project =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(pom.toFile())
            .getDocumentElement();
    String own = childText(project, "version");
    if (own != null) {
      return own;
    }
    for (Node child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element parent && parent.getTagName().equals("parent")) {
        return childText(parent, "version");
      }
    }
    throw new AssertionError("pom.xml names no version");
  }

  private static String childText(Element element, String name) {
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element found && found.getTagName().equals(name)) {
        return found.getTextContent().strip();
      }
    }
    return null;
  }
}

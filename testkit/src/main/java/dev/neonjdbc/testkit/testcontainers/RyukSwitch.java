package dev.neonjdbc.testkit.testcontainers;

import dev.neonjdbc.testkit.NeonStackException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import org.testcontainers.utility.ResourceReaper;

/**
 * Keeps Testcontainers from starting Ryuk, its reaper container: Ryuk is an image pulled from a
 * registry at the first container start, and where no registry answers the pull retries for more
 * than a minute before failing. The kit removes what it starts itself ({@link ContainerReaper}).
 *
 * <p>Testcontainers 2.0 reads this choice from the environment variable {@code
 * TESTCONTAINERS_RYUK_DISABLED} only, once, when it first needs a reaper. A JVM cannot set its own
 * environment, so the kit installs the reaper that variable would select (Testcontainers' JVM-hook
 * reaper, which removes this JVM's containers at exit) before anything asks for one.
 */
final class RyukSwitch {
  private static final String INSTANCE_FIELD = "instance";
  private static final String JVM_HOOK_REAPER = "org.testcontainers.utility.JVMHookResourceReaper";
  private static final String RYUK_REAPER = "org.testcontainers.utility.RyukResourceReaper";

  private RyukSwitch() {}

  /**
   * Makes sure this JVM's Testcontainers reaper is not Ryuk.
   *
   * @throws NeonStackException when Ryuk already runs here, or Testcontainers changed so that the
   *     switch no longer applies (the message says to set {@code TESTCONTAINERS_RYUK_DISABLED})
   */
  static synchronized void disableRyuk() {
    if (Boolean.parseBoolean(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
      return;
    }
    try {
      Field instance = ResourceReaper.class.getDeclaredField(INSTANCE_FIELD);
      instance.setAccessible(true);
      Object current = instance.get(null);
      if (current == null) {
        Constructor<?> constructor = Class.forName(JVM_HOOK_REAPER).getDeclaredConstructor();
        constructor.setAccessible(true);
        instance.set(null, constructor.newInstance());
      } else if (current.getClass().getName().equals(RYUK_REAPER)) {
        throw new NeonStackException(
            "Testcontainers already started Ryuk in this JVM before the kit could switch it off;"
                + " set TESTCONTAINERS_RYUK_DISABLED=true");
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (e instanceof NeonStackException known) {
        throw known;
      }
      throw new NeonStackException(
          "cannot switch off Testcontainers' Ryuk reaper in this Testcontainers version ("
              + e
              + "); set TESTCONTAINERS_RYUK_DISABLED=true, or the first container start tries to"
              + " pull testcontainers/ryuk",
          e);
    }
  }

  /** Whether this JVM's Testcontainers reaper is Ryuk (false before any reaper exists). */
  static boolean ryukActive() {
    try {
      Field instance = ResourceReaper.class.getDeclaredField(INSTANCE_FIELD);
      instance.setAccessible(true);
      Object current = instance.get(null);
      return current != null && current.getClass().getName().equals(RYUK_REAPER);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}

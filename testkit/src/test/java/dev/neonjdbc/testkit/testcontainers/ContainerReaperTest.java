package dev.neonjdbc.testkit.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which owners the reaper takes for gone, from the labels alone (no Docker needed). */
class ContainerReaperTest {

  @Test
  void ownLabelsNameThisJvmAsALiveOwner() {
    Map<String, String> labels = ContainerReaper.ownerLabels("postgres");
    assertEquals("postgres", labels.get(ContainerReaper.KIT_LABEL));
    assertEquals(
        Long.toString(ProcessHandle.current().pid()), labels.get(ContainerReaper.PID_LABEL));
    assertFalse(ContainerReaper.isAbandoned(labels));
  }

  @Test
  void anOwnerWhoseProcessEndedIsGone() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Map<String, String> labels = new HashMap<>(ContainerReaper.ownerLabels("pgbouncer"));
    labels.put(ContainerReaper.PID_LABEL, Long.toString(ended.pid()));
    assertTrue(ContainerReaper.isAbandoned(labels));
  }

  @Test
  void aReusedPidWithAnotherStartTimeIsGone() {
    Map<String, String> labels = new HashMap<>(ContainerReaper.ownerLabels("postgres"));
    labels.put(ContainerReaper.STARTED_LABEL, "2001-01-01T00:00:00Z");
    assertTrue(ContainerReaper.isAbandoned(labels));
  }

  @Test
  void resourcesOfAnotherHostOrWithoutOwnerAreLeftAlone() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Map<String, String> otherHost = new HashMap<>(ContainerReaper.ownerLabels("postgres"));
    otherHost.put(ContainerReaper.PID_LABEL, Long.toString(ended.pid()));
    otherHost.put(ContainerReaper.HOST_LABEL, "another-" + ContainerReaper.hostName());
    assertFalse(ContainerReaper.isAbandoned(otherHost));
    assertFalse(ContainerReaper.isAbandoned(Map.of(ContainerReaper.KIT_LABEL, "postgres")));
    assertFalse(ContainerReaper.isAbandoned(null));
  }
}

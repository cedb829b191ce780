package dev.neonjdbc.testkit.testcontainers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.NeonStacks;
import org.junit.jupiter.api.Test;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/** The kit's images are pinned, and a missing image fails at once instead of being pulled. */
class KitImagesTest {

  @Test
  void kitImageTagNamesPinnedVersionsNeverLatest() {
    KitImages images = KitImages.load();
    String tag = images.kitImage().substring(images.kitImage().lastIndexOf(':') + 1);
    assertFalse(tag.equals("latest") || images.kitImage().indexOf(':') < 0, images.kitImage());
    String postgresql = images.postgresqlPackage().split("-")[0];
    String pgbouncer = images.pgbouncerPackage().split("-")[0];
    assertTrue(tag.contains("pg" + postgresql), tag + " names PostgreSQL " + postgresql);
    assertTrue(tag.contains("pgbouncer" + pgbouncer), tag + " names PgBouncer " + pgbouncer);
  }

  @Test
  void aMissingImageFailsNamingItWhereTestcontainersWouldPull() {
    assumeTrue(
        "testcontainers".equals(NeonStacks.chooseProvider()), "the container provider is not used");
    DockerClient docker = Docker.client();
    ImagePullPolicy policy = KitImages.neverPull(docker);
    String missing = "neon-jdbc-testkit/never-built:1.0";
    NeonStackException refused =
        assertThrows(
            NeonStackException.class, () -> policy.shouldPull(DockerImageName.parse(missing)));
    assertTrue(refused.getMessage().contains(missing), refused.getMessage());
    KitImages images = KitImages.load();
    assumeTrue(KitImages.present(docker, images.kitImage()), "the kit image is not built yet");
    assertFalse(policy.shouldPull(DockerImageName.parse(images.kitImage())));
  }
}

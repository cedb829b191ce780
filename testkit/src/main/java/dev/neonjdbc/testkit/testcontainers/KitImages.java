package dev.neonjdbc.testkit.testcontainers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.process.CommandResult;
import dev.neonjdbc.testkit.process.Commands;
import dev.neonjdbc.testkit.process.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.testcontainers.images.ImagePullPolicy;

/**
 * The images the container stack runs, and the rule that none is ever pulled.
 *
 * <p>By default both containers run the kit's own image (PostgreSQL and PgBouncer from Debian's
 * packages, tag in {@code versions.properties}), which {@code build-images.sh} builds from a {@code
 * debootstrap} base when it is missing; both files travel in the testkit jar under {@code
 * dev/neonjdbc/testkit/images/}. {@value #POSTGRES_VARIABLE} and {@value #PGBOUNCER_VARIABLE} name
 * other images instead; those must already be on the Docker engine ({@code docker pull} them
 * yourself): the kit fails at once, naming the image, rather than pull.
 */
final class KitImages {
  /** Environment variable naming the PostgreSQL image to use instead of the kit's. */
  static final String POSTGRES_VARIABLE = "NEON_TESTKIT_POSTGRES_IMAGE";

  /** Environment variable naming the PgBouncer image to use instead of the kit's. */
  static final String PGBOUNCER_VARIABLE = "NEON_TESTKIT_PGBOUNCER_IMAGE";

  private static final String RESOURCES = "/dev/neonjdbc/testkit/images/";
  private static final List<String> BUILD_FILES =
      List.of("build-images.sh", "Dockerfile", "versions.properties");
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

  private final Properties versions;

  private KitImages(Properties versions) {
    this.versions = versions;
  }

  /** Reads {@code versions.properties} from the class path. */
  static KitImages load() {
    Properties versions = new Properties();
    try (InputStream in = resource("versions.properties")) {
      versions.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new KitImages(versions);
  }

  /** The kit's PostgreSQL + PgBouncer image, e.g. {@code …:pg17.12-pgbouncer1.24.1}. */
  String kitImage() {
    return versions.getProperty("image");
  }

  /** The Debian package version of PostgreSQL in {@link #kitImage()}. */
  String postgresqlPackage() {
    return versions.getProperty("postgresql.package");
  }

  /** The Debian package version of PgBouncer in {@link #kitImage()}. */
  String pgbouncerPackage() {
    return versions.getProperty("pgbouncer.package");
  }

  /** The PostgreSQL container's image: {@value #POSTGRES_VARIABLE}, else the kit's. */
  String postgresImage() {
    return configured(POSTGRES_VARIABLE);
  }

  /** The PgBouncer container's image: {@value #PGBOUNCER_VARIABLE}, else the kit's. */
  String pgbouncerImage() {
    return configured(PGBOUNCER_VARIABLE);
  }

  /**
   * Makes sure both images are on the engine: builds the kit's image when it is missing (output in
   * {@code image-build.log} under {@code logDirectory}), and fails for a missing override.
   *
   * @return how long building took, zero when nothing was built
   */
  Duration ensurePresent(DockerClient docker, Path logDirectory) {
    long start = System.nanoTime();
    boolean built = false;
    for (String image : List.of(postgresImage(), pgbouncerImage())) {
      if (present(docker, image)) {
        continue;
      }
      if (!image.equals(kitImage())) {
        throw new NeonStackException(
            "image "
                + image
                + " (from "
                + (image.equals(postgresImage()) ? POSTGRES_VARIABLE : PGBOUNCER_VARIABLE)
                + ") is not on the Docker engine, and the test kit never pulls: run `docker pull "
                + image
                + "` first, or unset the variable to use the kit's own image");
      }
      build(logDirectory.resolve("image-build.log"));
      built = true;
      if (!present(docker, image)) {
        throw new NeonStackException(
            "build-images.sh finished but image " + image + " is still missing");
      }
    }
    return built ? Duration.ofNanos(System.nanoTime() - start) : Duration.ZERO;
  }

  /**
   * A pull policy for every container of the kit: an image on the engine is used as it is, and one
   * that is not fails at once, naming it, where Testcontainers would pull.
   */
  static ImagePullPolicy neverPull(DockerClient docker) {
    return image -> {
      String name = image.asCanonicalNameString();
      if (present(docker, name)) {
        return false;
      }
      throw new NeonStackException(
          "Testcontainers wanted to pull "
              + name
              + "; the test kit never pulls (no registry is assumed reachable): build or load it");
    };
  }

  static boolean present(DockerClient docker, String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** Runs {@code build-images.sh} from a copy of the jar's build files. */
  private void build(Path buildLog) {
    Path directory = null;
    try {
      directory = Files.createTempDirectory("neonkit-images-");
      for (String name : BUILD_FILES) {
        try (InputStream in = resource(name)) {
          Files.copy(in, directory.resolve(name));
        }
      }
      CommandResult result =
          Commands.run(
              List.of("bash", directory.resolve("build-images.sh").toString()), BUILD_TIMEOUT);
      Files.writeString(buildLog, result.output(), StandardCharsets.UTF_8);
      if (!result.succeeded()) {
        throw new NeonStackException(
            "building the image "
                + kitImage()
                + " failed (log "
                + buildLog
                + "); build it by hand with testkit/images/build-images.sh, or name registry"
                + " images with "
                + POSTGRES_VARIABLE
                + " and "
                + PGBOUNCER_VARIABLE
                + ":\n"
                + Commands.tail(result.output()));
      }
    } catch (IOException e) {
      throw new NeonStackException("cannot prepare the image build: " + e, e);
    } finally {
      FileTrees.deleteQuietly(directory);
    }
  }

  private String configured(String variable) {
    String value = System.getenv(variable);
    return value == null || value.isBlank() ? kitImage() : value.strip();
  }

  private static InputStream resource(String name) {
    InputStream in = KitImages.class.getResourceAsStream(RESOURCES + name);
    if (in == null) {
      throw new NeonStackException(
          "the testkit jar lacks " + RESOURCES + name + " (testkit/images/ is packed there)");
    }
    return in;
  }
}

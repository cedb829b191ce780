package dev.neonjdbc.testkit.process;

import dev.neonjdbc.testkit.NeonStackException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The operating-system user that PostgreSQL and PgBouncer run as.
 *
 * <p>Both refuse to run as root. When this JVM runs as root, commands are wrapped in {@code runuser
 * -u postgres --} and the files they use are handed to {@code postgres}; otherwise they run as the
 * current user unchanged.
 */
public final class ServiceUser {
  private static final String SERVICE_ACCOUNT = "postgres";

  private final String name;
  private final boolean switching;

  private ServiceUser(String name, boolean switching) {
    this.name = name;
    this.switching = switching;
  }

  /**
   * The user for this JVM: {@code postgres} when running as root, else the current user.
   *
   * @throws NeonStackException when running as root and no {@code postgres} account exists
   */
  public static ServiceUser current() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return new ServiceUser(System.getProperty("user.name"), false);
    }
    CommandResult id = Commands.run(List.of("id", "-u", SERVICE_ACCOUNT), Duration.ofSeconds(10));
    if (!id.succeeded()) {
      throw new NeonStackException(
          "running as root, PostgreSQL needs an unprivileged account but user '"
              + SERVICE_ACCOUNT
              + "' does not exist; create it with: apt-get install -y postgresql"
              + " (or: useradd --system "
              + SERVICE_ACCOUNT
              + ")");
    }
    return new ServiceUser(SERVICE_ACCOUNT, true);
  }

  /** The account name. */
  public String name() {
    return name;
  }

  /** Whether commands are run through {@code runuser} (this JVM is root). */
  public boolean isSwitching() {
    return switching;
  }

  /** {@code command}, prefixed so that it runs as this user. */
  public List<String> wrap(List<String> command) {
    if (!switching) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(command.size() + 4);
    wrapped.addAll(List.of("runuser", "-u", name, "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Makes this user the owner of {@code root} and everything under it (no-op unless switching). */
  public void own(Path root) {
    if (!switching) {
      return;
    }
    try {
      UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal user = lookup.lookupPrincipalByName(name);
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(name);
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              chown(dir);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              chown(file);
              return FileVisitResult.CONTINUE;
            }

            private void chown(Path path) throws IOException {
              PosixFileAttributeView view =
                  Files.getFileAttributeView(path, PosixFileAttributeView.class);
              view.setOwner(user);
              view.setGroup(group);
            }
          });
    } catch (IOException e) {
      throw new NeonStackException("cannot hand " + root + " to user " + name, e);
    }
  }

  /** Whether this user may create files in {@code directory} (checked by asking as that user). */
  public boolean canWrite(Path directory) {
    if (!switching) {
      return Files.isWritable(directory);
    }
    return Commands.run(wrap(List.of("test", "-w", directory.toString())), Duration.ofSeconds(10))
        .succeeded();
  }
}

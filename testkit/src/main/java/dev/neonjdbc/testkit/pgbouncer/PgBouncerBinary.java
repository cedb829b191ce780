package dev.neonjdbc.testkit.pgbouncer;

import dev.neonjdbc.testkit.process.CommandResult;
import dev.neonjdbc.testkit.process.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PgBouncer executable and the version it reports, which decides what it can do.
 *
 * @param executable the {@code pgbouncer} program
 * @param major major version, e.g. {@code 1}
 * @param minor minor version, e.g. {@code 24}
 * @param versionLine the first line of {@code pgbouncer --version}, e.g. {@code PgBouncer 1.24.1}
 */
public record PgBouncerBinary(Path executable, int major, int minor, String versionLine) {
  private static final Pattern VERSION = Pattern.compile("^PgBouncer (\\d+)\\.(\\d+)");

  /**
   * Asks {@code executable} for its version.
   *
   * @return empty when it is not an executable file or does not answer like PgBouncer
   */
  public static Optional<PgBouncerBinary> probe(Path executable) {
    if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
      return Optional.empty();
    }
    CommandResult result =
        Commands.run(List.of(executable.toString(), "--version"), Duration.ofSeconds(10));
    return result.succeeded() ? parse(executable, result.output()) : Optional.empty();
  }

  /** Reads the version from the output of {@code pgbouncer --version}. */
  public static Optional<PgBouncerBinary> parse(Path executable, String versionOutput) {
    String firstLine = versionOutput.strip().lines().findFirst().orElse("");
    Matcher matcher = VERSION.matcher(firstLine);
    if (!matcher.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new PgBouncerBinary(
            executable,
            Integer.parseInt(matcher.group(1)),
            Integer.parseInt(matcher.group(2)),
            firstLine));
  }

  /**
   * Whether it can keep protocol-level prepared statements in transaction mode ({@code
   * max_prepared_statements}, new in 1.21; older versions refuse the setting).
   */
  public boolean supportsPreparedStatements() {
    return atLeast(1, 21);
  }

  /**
   * Whether {@code SIGTERM} stops it at once. From 1.23 on {@code SIGTERM} waits for every client
   * to leave and {@code SIGQUIT} is the immediate shutdown.
   */
  public boolean stopsAtOnceOnSigterm() {
    return !atLeast(1, 23);
  }

  /** Whether this is version {@code major.minor} or later. */
  public boolean atLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }
}

package dev.neonjdbc.testkit.process;

import dev.neonjdbc.testkit.NeonStackException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short-lived external commands to completion, with a time limit and captured output. */
public final class Commands {
  private static final int OUTPUT_TAIL_CHARS = 4000;

  private Commands() {}

  /**
   * Runs {@code command} and returns its result, whatever its exit code.
   *
   * @throws NeonStackException if it cannot be started or does not finish within {@code timeout}
   */
  public static CommandResult run(List<String> command, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    scrubEnvironment(builder.environment());
    String line = String.join(" ", command);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new NeonStackException("cannot run " + line + ": " + e.getMessage(), e);
    }
    try {
      process.getOutputStream().close();
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> copy(process.getInputStream(), output), "neonkit-output");
      reader.setDaemon(true);
      reader.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new NeonStackException("timed out after " + timeout + ": " + line);
      }
      reader.join(TimeUnit.SECONDS.toMillis(5));
      String text;
      synchronized (output) {
        text = output.toString(StandardCharsets.UTF_8);
      }
      return new CommandResult(line, process.exitValue(), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new NeonStackException("interrupted while running " + line, e);
    }
  }

  /**
   * Runs {@code command} and fails unless it exits with status 0.
   *
   * @throws NeonStackException naming the command, its exit code and the tail of its output
   */
  public static CommandResult check(List<String> command, Duration timeout) {
    CommandResult result = run(command, timeout);
    if (!result.succeeded()) {
      throw new NeonStackException(
          "command failed with exit code "
              + result.exitCode()
              + ": "
              + result.command()
              + "\n"
              + tail(result.output()));
    }
    return result;
  }

  /** The last few thousand characters of {@code text}, for exception messages. */
  public static String tail(String text) {
    return text.length() <= OUTPUT_TAIL_CHARS
        ? text
        : "…" + text.substring(text.length() - OUTPUT_TAIL_CHARS);
  }

  /** The tail of a log file, or a note that it could not be read. */
  public static String tailOf(Path file) {
    try {
      return tail(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | UncheckedIOException e) {
      return "(" + file + " unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * Removes libpq variables from a child's environment: a developer's PGHOST or PGDATA must not
   * redirect initdb, pg_ctl or pgbouncer to another cluster.
   */
  public static void scrubEnvironment(Map<String, String> environment) {
    List<String> names = new ArrayList<>(environment.keySet());
    for (String name : names) {
      if (name.startsWith("PG") || name.equals("DATABASE_URL")) {
        environment.remove(name);
      }
    }
    environment.put("LC_ALL", "C");
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (out) {
          out.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // The process ended or was killed; what was read so far is kept.
    }
  }
}

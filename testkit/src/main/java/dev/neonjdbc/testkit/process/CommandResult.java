package dev.neonjdbc.testkit.process;

/**
 * What a finished command left behind.
 *
 * @param command the command line, for messages
 * @param exitCode the process exit code
 * @param output standard output and standard error, interleaved
 */
public record CommandResult(String command, int exitCode, String output) {

  /** Whether the command exited with status 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }
}

package dev.neonjdbc.testkit.front;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The front's log: one timestamped line per event, to a file (kept with the stack's logs). */
final class FrontLog {
  private static final Logger LOG = LoggerFactory.getLogger(NeonFront.class);

  private final Writer writer;

  FrontLog(Path file) {
    Writer opened = null;
    if (file != null) {
      try {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        opened =
            Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        LOG.warn("neon front: cannot write its log to {}: {}", file, e.toString());
      }
    }
    this.writer = opened;
  }

  /** Logs a line; passwords never reach here (the front formats no secret). */
  void line(String format, Object... arguments) {
    String text = String.format(Locale.ROOT, format, arguments);
    LOG.debug("neon front: {}", text);
    if (writer != null) {
      synchronized (writer) {
        try {
          writer.write(Instant.now() + " " + text + "\n");
          writer.flush();
        } catch (IOException e) {
          // A log line is not worth failing a session for.
        }
      }
    }
  }

  void close() {
    if (writer != null) {
      synchronized (writer) {
        try {
          writer.close();
        } catch (IOException ignored) {
          // Closing is best effort.
        }
      }
    }
  }
}

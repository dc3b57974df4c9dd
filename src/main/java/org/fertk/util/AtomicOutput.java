package org.fertk.util;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file through a temporary sibling and renames it into place, so a failure half way
 * never leaves a partial output file behind.
 */
public final class AtomicOutput {
  private AtomicOutput() {}

  /** Body of a write: receives the stream of the temporary file. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Body of a write that fills a temporary path (for libraries that want a file name). */
  @FunctionalInterface
  public interface PathWriter {
    void write(Path tmp) throws IOException;
  }

  public static void write(Path target, Writer body) {
    writePath(target, tmp -> {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        body.write(out);
      }
    });
  }

  public static void writeString(Path target, String text) {
    write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  public static void writePath(Path target, PathWriter body) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    ProtectedInputs.checkWritable(target);
    if (Files.isDirectory(abs)) {
      throw new FerException("cannot write " + target + ": it is a folder; give a file name");
    }
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      removeStaleTemps(abs);
      tmp = Files.createTempFile(dir, tempPrefix(abs) + PID + ".", TEMP_SUFFIX);
      body.write(tmp);
      readableByAll(tmp);
      move(tmp, abs);
      tmp = null;
    } catch (IOException e) {
      throw IoErrors.cannotWrite(target, e);
    } catch (UncheckedIOException e) {
      throw IoErrors.cannotWrite(target, e.getCause());
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * Temporary files are ".NAME.pid<PID>.<random>.fer-tmp": hidden, recognisably ours, and naming
   * the process that writes them, so the next write of NAME removes those of killed processes.
   */
  static final String TEMP_SUFFIX = ".fer-tmp";

  private static final long PID = ProcessHandle.current().pid();

  private static String tempPrefix(Path abs) {
    return "." + abs.getFileName() + ".pid";
  }

  /** Deletes the temporary files of target left by processes that no longer run (killed ones). */
  static void removeStaleTemps(Path target) {
    String prefix = tempPrefix(target);
    try (var files = Files.list(target.getParent())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX)) {
          int dot = n.indexOf('.', prefix.length());
          try {
            long pid = Long.parseLong(n.substring(prefix.length(), dot));
            if (pid != PID && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false) {
              Files.deleteIfExists(f);
            }
          } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // not one of ours after all
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // best effort: a leftover temp file is harmless
    }
  }

  /** Temporary files are created private (0600); a finished output gets the usual 0644. */
  private static void readableByAll(Path p) {
    try {
      java.nio.file.Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: keep the default
    }
  }

  /** Renames a finished temporary file or folder over the target (atomically where possible). */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      if (Files.isDirectory(p)) {
        try (var walk = Files.walk(p)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
        }
      } else {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException ignored) {
      // best effort: a leftover temp file is harmless
    }
  }
}

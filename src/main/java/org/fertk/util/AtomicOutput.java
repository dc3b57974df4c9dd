package org.fertk.util;

import org.fertk.FerException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

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
    write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  public static void writePath(Path target, PathWriter body) {
    Path abs = target.toAbsolutePath();
    ProtectedInputs.checkWritable(target);
    if (Files.isDirectory(abs)) {
      throw new FerException("cannot write " + target + ": it is a folder; give a file name");
    }
    replaceVia(target, abs, false, body);
  }

  /**
   * The one write path: a temporary sibling (file or folder) named for this process is filled by
   * the body, then renamed over the target (a replaced folder is moved aside first and deleted
   * after); on any failure the temporary is removed and the target is as it was.
   */
  private static void replaceVia(Path target, Path abs, boolean folder, PathWriter body) {
    Path dir = abs.getParent();
    Path tmp = null;
    Path registered = null;
    Path old = null;
    try {
      Files.createDirectories(dir);
      removeStaleTemps(abs);
      String prefix = tempPrefix(abs) + PID + ".";
      tmp = folder ? Files.createTempDirectory(dir, prefix) : Files.createTempFile(dir, prefix, TEMP_SUFFIX);
      if (folder) { // createTempDirectory takes no suffix: rename so that a killed run's folder is recognisable
        Path named = dir.resolve(tmp.getFileName() + TEMP_SUFFIX);
        Files.move(tmp, named);
        tmp = named;
      }
      IN_PROGRESS.add(tmp);
      registered = tmp;
      body.write(tmp);
      readableByAll(tmp);
      if (folder && Files.exists(abs)) {
        old = dir.resolve(tmp.getFileName().toString().replace(TEMP_SUFFIX, ".old" + TEMP_SUFFIX));
        Files.move(abs, old);
      }
      move(tmp, abs);
      tmp = null;
    } catch (IOException e) {
      throw IoErrors.cannotWrite(target, e);
    } catch (UncheckedIOException e) {
      throw IoErrors.cannotWrite(target, e.getCause());
    } finally {
      deleteQuietly(tmp);
      deleteQuietly(old);
      if (registered != null) {
        IN_PROGRESS.remove(registered);
      }
    }
  }

  /**
   * Temporary files being written now: a process stopped by a signal (Ctrl-C, kill, SIGTERM)
   * removes them on its way out instead of leaving them for the next write of the same name.
   */
  private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> IN_PROGRESS.forEach(AtomicOutput::deleteQuietly),
        "fer-remove-temporary-outputs"));
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
            if (pid != PID && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
              deleteQuietly(f);
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
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
          Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: keep the default
    }
  }

  /**
   * Writes a whole folder of outputs at once: the body fills a temporary sibling folder, which
   * then replaces the target, so no file of an earlier run stays beside the new ones and a
   * failure leaves the old folder as it was. A target holding anything but files whose names
   * {@code ours} accepts is refused rather than deleted, as is one holding an input of the command.
   */
  public static void replaceFolder(Path target, Predicate<String> ours, PathWriter body) {
    Path abs = target.toAbsolutePath().normalize();
    ProtectedInputs.checkFolderWritable(abs);
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new FerException("cannot write " + target + ": it is a file, expected a folder");
    }
    if (Files.isDirectory(abs)) {
      try (var s = Files.list(abs)) {
        List<String> foreign = s.map(p -> p.getFileName().toString()).filter(n -> !ours.test(n)).sorted().toList();
        if (!foreign.isEmpty()) {
          throw new FerException(target + ": holds other files (" + String.join(", ", foreign.subList(0,
              Math.min(5, foreign.size()))) + (foreign.size() > 5 ? ", ..." : "") + "); write into a new or empty folder");
        }
      } catch (IOException e) {
        throw IoErrors.cannotWrite(target, e);
      }
    }
    replaceVia(target, abs, true, body);
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
          walk.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
        }
      } else {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException ignored) {
      // best effort: a leftover temp file is harmless
    }
  }
}

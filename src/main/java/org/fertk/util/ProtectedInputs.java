package org.fertk.util;

import org.fertk.FerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The input files of the running jobs, by real path: {@link AtomicOutput} refuses to write over
 * one of them, whatever name the output was given (another spelling, a symbolic link, an output
 * derived from an option's default, a file inside a model folder). A job (a CLI command, a
 * {@code FerModel.score} call) opens a {@link #protect scope} for its named inputs; the code that
 * opens a model adds the files it reads ({@link #reading}, {@link #readingFolder}) to the open
 * scopes, so that the files inside a run folder or SavedModel are inputs too. Files are counted,
 * so that two jobs reading one file keep it protected until both end.
 */
public final class ProtectedInputs {
  private static final Map<Path, Integer> FILES = new ConcurrentHashMap<>();
  /** Files registered by {@link #reading} while scopes are open; released when the last one closes. */
  private static final List<Path> READ = new ArrayList<>();
  private static int openScopes;

  private ProtectedInputs() {}

  /** Registers the existing regular files among {@code inputs} until the scope is closed. */
  public static Scope protect(Collection<Path> inputs) {
    List<Path> added = new ArrayList<>();
    for (Path p : inputs) {
      Path real = realFile(p);
      if (real != null) {
        FILES.merge(real, 1, Integer::sum);
        added.add(real);
      }
    }
    synchronized (READ) {
      openScopes++;
    }
    return new Scope() {
      private boolean closed;

      @Override
      public void close() {
        synchronized (READ) {
          if (closed) {
            return;
          }
          closed = true;
          added.forEach(ProtectedInputs::release);
          if (--openScopes == 0) {
            READ.forEach(ProtectedInputs::release);
            READ.clear();
          }
        }
      }
    };
  }

  /**
   * Notes that the running job reads these files (a model file): while a scope is open they are
   * inputs, so no output of the job may replace them. Without an open scope nothing is recorded.
   */
  public static void reading(Path... files) {
    synchronized (READ) {
      if (openScopes == 0) {
        return;
      }
      for (Path f : files) {
        Path real = realFile(f);
        if (real != null) {
          FILES.merge(real, 1, Integer::sum);
          READ.add(real);
        }
      }
    }
  }

  /** {@link #reading} for every regular file under a folder (a SavedModel, a checkpoint). */
  public static void readingFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      reading(walk.filter(Files::isRegularFile).toArray(Path[]::new));
    } catch (IOException | UncheckedIOException e) {
      // an unreadable folder fails where it is loaded, with its own message
    }
  }

  private static void release(Path real) {
    FILES.computeIfPresent(real, (k, n) -> n == 1 ? null : n - 1);
  }

  /** Throws a user error when writing {@code target} would replace a registered input. */
  public static void checkWritable(Path target) {
    if (FILES.isEmpty()) {
      return;
    }
    Path real = realTarget(target);
    if (real != null && FILES.containsKey(real)) {
      throw new FerException(target + ": is one of this command's inputs; refusing to write over it "
          + "(choose another output name)");
    }
  }

  /** Throws a user error when replacing the folder {@code dir} would delete a registered input. */
  public static void checkFolderWritable(Path dir) {
    Path real = realTarget(dir);
    for (Path f : FILES.keySet()) {
      if (real != null && f.startsWith(real)) {
        throw new FerException(dir + ": holds " + f.getFileName() + ", one of this command's inputs; refusing to "
            + "replace the folder (choose another output folder)");
      }
    }
  }

  /**
   * Throws a user error, before a job writes several files into {@code dir}, when one of them
   * would replace a registered input: refused up front, not after half of them are written.
   *
   * @param writes whether the job writes a file of this name into the folder
   */
  public static void checkFolderOutputs(Path dir, Predicate<String> writes) {
    Path real = realTarget(dir);
    if (real == null) {
      return;
    }
    for (Path f : FILES.keySet()) {
      if (real.equals(f.getParent()) && writes.test(f.getFileName().toString())) {
        throw new FerException(f + ": is one of this command's inputs, and " + dir + " gets a file of that name; "
            + "choose another output folder");
      }
    }
  }

  /** Where a write to {@code target} would land: the file a link points to, or the parent's real path. */
  public static Path realTarget(Path target) {
    try {
      if (Files.exists(target)) {
        return target.toRealPath();
      }
      Path abs = target.toAbsolutePath().normalize();
      Path parent = abs.getParent();
      return parent != null && Files.isDirectory(parent) ? parent.toRealPath().resolve(abs.getFileName()) : abs;
    } catch (IOException e) {
      return null;
    }
  }

  private static Path realFile(Path p) {
    try {
      return Files.isRegularFile(p) ? p.toRealPath() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Ends the protection of the files one {@link #protect} call registered; closing twice is harmless. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}

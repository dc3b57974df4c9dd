package org.fertk.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The input files of the running command, by real path: {@link AtomicOutput} refuses to write
 * over one of them, whatever name the output was given (another spelling, a symbolic link, an
 * output derived from an option's default). The CLI registers a command's inputs for the
 * duration of the command; library callers register nothing and nothing is checked.
 */
public final class ProtectedInputs {
  private static final Set<Path> FILES = ConcurrentHashMap.newKeySet();

  private ProtectedInputs() {}

  /** Registers the existing regular files among {@code inputs} until the scope is closed. */
  public static Scope protect(Collection<Path> inputs) {
    Set<Path> added = new HashSet<>();
    for (Path p : inputs) {
      Path real = realFile(p);
      if (real != null && FILES.add(real)) {
        added.add(real);
      }
    }
    return () -> FILES.removeAll(added);
  }

  /** Throws a user error when writing {@code target} would replace a registered input. */
  public static void checkWritable(Path target) {
    if (FILES.isEmpty()) {
      return;
    }
    Path real = realTarget(target);
    if (real != null && FILES.contains(real)) {
      throw new FerException(target + ": is one of this command's inputs; refusing to write over it "
          + "(choose another output name)");
    }
  }

  /** Throws a user error when replacing the folder {@code dir} would delete a registered input. */
  public static void checkFolderWritable(Path dir) {
    Path real = realTarget(dir);
    for (Path f : FILES) {
      if (real != null && f.startsWith(real)) {
        throw new FerException(dir + ": holds " + f.getFileName() + ", one of this command's inputs; refusing to "
            + "replace the folder (choose another output folder)");
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

  /** Ends the protection of the files one {@link #protect} call registered. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}

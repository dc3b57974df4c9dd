package org.fertk.util;

import org.fertk.FerException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Turns the JDK's terse file-system exceptions (whose message is often only a path, and the
 * path of a temporary file at that) into one sentence naming the file the user asked for and
 * what is wrong with it.
 */
public final class IoErrors {
  private IoErrors() {}

  /** "cannot write TARGET: REASON", for an error while writing target (or a temp file for it). */
  public static FerException cannotWrite(Path target, IOException e) {
    return new FerException("cannot write " + target + ": " + reason(target, e), e);
  }

  static String reason(Path target, IOException e) {
    if (isDiskFull(e)) {
      return "no space left on the device";
    }
    Path fileAncestor = fileAncestor(target);
    if (fileAncestor != null) {
      return fileAncestor + " is a file, not a folder";
    }
    if (Files.isDirectory(target)) {
      return "it is a folder; give a file name";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
      return ((FileSystemException) e).getFile() + " is in the way";
    }
    if (e instanceof NoSuchFileException) {
      return "its folder does not exist";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** True when any message in the chain is the operating system's "disk full" (ENOSPC). */
  public static boolean isDiskFull(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (saysDiskFull(c.getMessage())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The message in the chain that is the operating system refusing a write for a limit of the
   * file system (a file-size limit set with ulimit -f, a quota, a read-only mount), which native
   * writers (TensorFlow's checkpoints) report only as text; null when there is none.
   */
  public static String writeLimit(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && (m.contains("File too large") || m.contains("Disk quota exceeded")
          || m.contains("Read-only file system"))) {
        return m;
      }
    }
    return null;
  }

  /** True when an error message is the operating system's "disk full". */
  public static boolean saysDiskFull(String message) {
    return message != null && (message.contains("No space left on device") || message.contains("ENOSPC"));
  }

  /** The nearest existing ancestor of p when it is a regular file (so p cannot be created). */
  static Path fileAncestor(Path p) {
    for (Path a = p.toAbsolutePath().getParent(); a != null; a = a.getParent()) {
      if (Files.exists(a)) {
        return Files.isRegularFile(a) ? a : null;
      }
    }
    return null;
  }
}

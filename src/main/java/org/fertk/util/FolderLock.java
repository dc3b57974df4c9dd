package org.fertk.util;

import org.fertk.FerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on an output folder (a run or a study) for as long as a process writes it,
 * so that two processes started on the same folder cannot interleave their files. The operating
 * system releases it when the process ends, killed or not; the lock file only holds the holder's
 * pid for the message the next process prints.
 */
public final class FolderLock implements AutoCloseable {
  static final String FILE = ".fer-lock";

  private final FileChannel channel;
  private final FileLock lock;

  private FolderLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks a folder that a fer process has locked before (a run folder), so that a reader waits
   * for no writer and never reads half-replaced files; null for a folder never locked (a
   * SavedModel, an import being written), which gets no lock file.
   */
  public static FolderLock acquireIfEverLocked(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE)) ? acquire(dir) : null;
  }

  /** Locks dir (creating it), or throws a user error naming the process that holds it. */
  public static FolderLock acquire(Path dir) {
    Path f = dir.resolve(FILE);
    FileChannel ch = null;
    try {
      Files.createDirectories(dir);
      ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null; // held by this very process (another thread or an in-process command)
      }
      if (l == null) {
        String holder = holder(ch);
        ch.close();
        throw new FerException(dir + ": in use by another fer process" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
            + "; wait for it to finish, or choose another output folder");
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      ch.force(false);
      return new FolderLock(ch, l);
    } catch (IOException e) {
      closeQuietly(ch);
      throw IoErrors.cannotWrite(f, e);
    }
  }

  private static String holder(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(32);
    ch.read(b, 0);
    return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      if (ch != null) {
        ch.close();
      }
    } catch (IOException ignored) {
      // nothing left to release
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // the channel's close releases it too
    }
    closeQuietly(channel);
  }
}

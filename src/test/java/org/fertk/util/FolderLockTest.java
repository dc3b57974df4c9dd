package org.fertk.util;

import org.fertk.FerException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.fertk.cli.FerCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderLockTest {
  @TempDir
  Path dir;

  /** Holds a lock on args[0] until its stdin closes: the "other process" of the tests. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      try (FolderLock l = FolderLock.acquire(Path.of(args[0]))) {
        System.out.println("locked");
        System.out.flush();
        System.in.read();
      }
    }
  }

  private static Process holder(Path folder) throws Exception {
    String cp = System.getProperty("java.class.path");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
        Holder.class.getName(), folder.toString()).redirectErrorStream(true).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
    assertEquals("locked", r.readLine());
    return p;
  }

  @Test
  void aSecondProcessIsRefusedWithTheHoldersPidAndGetsInAfterwards() throws Exception {
    Path run = dir.resolve("run");
    Process p = holder(run);
    try {
      FerException e = assertThrows(FerException.class, () -> FolderLock.acquire(run));
      assertEquals(run + ": in use by another fer process (pid " + p.pid() + "); wait for it to finish, or choose "
          + "another output folder", e.getMessage());
      // fer train on the same folder: refused before anything is written
      StringWriter err = new StringWriter();
      picocli.CommandLine cl = FerCli.newCommandLine();
      cl.setErr(new PrintWriter(err));
      cl.setOut(new PrintWriter(new StringWriter()));
      int code = cl.execute("train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "70", "--epochs", "1",
          "--out", run.toString(), "-q");
      assertEquals(1, code);
      assertTrue(err.toString().contains("(pid " + p.pid() + ")"), err.toString());
      assertFalse(Files.exists(run.resolve("run-config.json")));
    } finally {
      p.getOutputStream().close();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    }
    try (FolderLock l = FolderLock.acquire(run)) {
      assertTrue(Files.isDirectory(run));
    }
  }

  @Test
  void aStudyFolderIsLockedToo() throws Exception {
    Path study = dir.resolve("study");
    Process p = holder(study);
    try {
      StringWriter err = new StringWriter();
      picocli.CommandLine cl = FerCli.newCommandLine();
      cl.setErr(new PrintWriter(err));
      cl.setOut(new PrintWriter(new StringWriter()));
      assertEquals(1, cl.execute("study", "--out", study.toString(), "-q"));
      assertTrue(err.toString().contains(study + ": in use by another fer process (pid " + p.pid() + ")"), err.toString());
      assertFalse(Files.exists(study.resolve("data")), "nothing generated");
    } finally {
      p.getOutputStream().close();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    }
  }

  @Test
  void aKilledHolderReleasesTheLock() throws Exception {
    Path study = dir.resolve("study");
    Process p = holder(study);
    p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    try (FolderLock l = FolderLock.acquire(study)) {
      assertThrows(FerException.class, () -> FolderLock.acquire(study), "held within this process too");
    }
  }
}

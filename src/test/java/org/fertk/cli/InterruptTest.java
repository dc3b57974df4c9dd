package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training process stopped by a signal says what it saved and how to resume. */
class InterruptTest {
  @TempDir
  Path dir;

  /**
   * A wide convolutional network in batches of 128, so that the signal almost surely arrives
   * during a TensorFlow step: before steps were let finish, about one such stop in four crashed
   * the JVM on exit (oneDNN freed under a running convolution, a hs_err_pid*.log written).
   */
  @Test
  void aStoppedTrainingSaysWhereItsCheckpointIsAndHowToResume() throws Exception {
    Path run = dir.resolve("run");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String graph = Path.of("graphs/paper-cnn-4conv-64to512-d512-do05.json").toAbsolutePath().toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FerCli.class.getName(),
        "train", "--graph", graph, "--synthetic", "300", "--batch-size", "128", "--epochs", "1000", "--out",
        run.toString())
        .directory(dir.toFile()) // where a crash log would land, not the repository
        .redirectOutput(dir.resolve("stdout.txt").toFile()) // the JVM reports a crash on stdout
        .redirectError(dir.resolve("stderr.txt").toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (!Files.readString(dir.resolve("stdout.txt")).contains("Epoch 2/") && p.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(100); // wait until two epochs are saved
      }
      p.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C
      assertTrue(p.waitFor(90, TimeUnit.SECONDS));
      String err = Files.readString(dir.resolve("stderr.txt"));
      assertEquals(143, p.exitValue(), err); // ended by SIGTERM once the hooks ran
      String out = Files.readString(dir.resolve("stdout.txt"));
      assertTrue(out.contains("Epoch 2/"), out);
      assertFalse(out.contains("fatal error"), out);
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("hs_err")).toList());
      }
      assertTrue(err.contains("fer: interrupted; epochs 1-"), err);
      assertTrue(err.contains("are saved in " + run.resolve("checkpoints").resolve("last")
          + ". Continue with: fer train --resume --out " + run), err);
    } finally {
      p.destroyForcibly();
    }
  }
}

package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training process stopped by a signal says what it saved and how to resume. */
class InterruptTest {
  @TempDir
  Path dir;

  @Test
  void aStoppedTrainingSaysWhereItsCheckpointIsAndHowToResume() throws Exception {
    Path run = dir.resolve("run");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FerCli.class.getName(),
        "train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "300", "--epochs", "1000", "--out",
        run.toString()).redirectError(dir.resolve("stderr.txt").toFile()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("Epoch 2/")) {
        // wait until two epochs are saved
      }
      p.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      String err = Files.readString(dir.resolve("stderr.txt"));
      assertTrue(err.contains("fer: interrupted; epochs 1-"), err);
      assertTrue(err.contains("are saved in " + run.resolve("checkpoints").resolve("last")
          + ". Continue with: fer train --resume --out " + run), err);
    } finally {
      p.destroyForcibly();
    }
  }
}

package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCliTest {
  @TempDir
  Path dir;

  @Test
  void trainsQuietlyAndResumesWithMoreEpochs() throws Exception {
    Path run = dir.resolve("run");
    CliTest.Run r = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "70",
        "--epochs", "1", "--out", run.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith(run + ": val_accuracy "), r.out());
    assertTrue(Files.exists(run.resolve("saved_model/saved_model.pb")));
    CliTest.Run again = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "70",
        "--epochs", "1", "--out", run.toString(), "-q");
    assertEquals(1, again.code());
    assertTrue(again.err().contains("use --resume"), again.err());
    CliTest.Run resumed = CliTest.run("train", "--resume", "--out", run.toString(), "--epochs", "2", "-q");
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals(3, Files.readAllLines(run.resolve("history.csv")).size());
  }

  @Test
  void badOptionValuesAreUsageErrors() {
    CliTest.Run es = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--early-stopping", "patience=x");
    assertEquals(2, es.code());
    assertTrue(es.err().contains("early_stopping: patience must be a non-negative integer, got 'x'"), es.err());
    CliTest.Run key = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--reduce-lr-on-plateau", "factr=0.5");
    assertEquals(2, key.code());
    assertTrue(key.err().contains("unknown key 'factr'"), key.err());
    CliTest.Run epochs = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--epochs", "0");
    assertEquals(2, epochs.code());
    assertTrue(epochs.err().contains("--epochs must be at least 1, got 0"), epochs.err());
    CliTest.Run precision = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--precision", "float64");
    assertEquals(2, precision.code());
    assertTrue(precision.err().contains("--precision must be float32 or bfloat16, got 'float64'"), precision.err());
  }

  @Test
  void missingGraphOrDataAreFailures() {
    CliTest.Run g = CliTest.run("train", "--graph", dir.resolve("nope.json").toString());
    assertEquals(1, g.code());
    assertTrue(g.err().contains("nope.json: file not found"), g.err());
    CliTest.Run d = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--data",
        dir.resolve("none.csv").toString(), "--out", dir.resolve("r").toString());
    assertEquals(1, d.code());
    assertTrue(d.err().contains("none.csv: file not found"), d.err());
    assertTrue(!Files.exists(dir.resolve("r/manifest.json")));
  }

  @Test
  void graphsListAndShow() {
    CliTest.Run list = CliTest.run("graphs");
    assertEquals(0, list.code());
    assertTrue(list.out().contains("| graphs/paper-cnn-lstm.json"), list.out());
    CliTest.Run show = CliTest.run("graphs", "show", "graphs/paper-cnn-4conv-32to256-d256-512-do05.json");
    assertEquals(0, show.code());
    assertTrue(show.out().contains("| conv2d (Conv2D)                | (None, 48, 48, 32)  |     320 |"), show.out());
    assertTrue(show.out().contains("Total params: 1,113,095 (4.25 MB)"), show.out());
  }
}

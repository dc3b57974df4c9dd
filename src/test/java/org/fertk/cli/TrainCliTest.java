package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.fertk.train.TrainConfig;
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
    assertTrue(again.err().contains("set --resume to continue it, or choose another --out folder"), again.err());
    CliTest.Run resumed = CliTest.run("train", "--resume", "--out", run.toString(), "--epochs", "2", "-q");
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals(3, Files.readAllLines(run.resolve("history.csv")).size());
  }

  @Test
  void resumeRefusesChangedSettingsAndChangedDataButTakesAllowedChanges() throws Exception {
    Path csv = dir.resolve("faces.csv");
    assertEquals(0, CliTest.run("data", "synth", "--n", "70", "--seed", "1", "--out", csv.toString()).code());
    Path run = dir.resolve("run");
    CliTest.Run r = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--data", csv.toString(),
        "--epochs", "1", "--lr-schedule", "cosine", "--out", run.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    String config = Files.readString(run.resolve("run-config.json"));

    CliTest.Run changed = CliTest.run("train", "--resume", "--out", run.toString(), "--epochs", "2",
        "--batch-size", "32", "--graph", "graphs/fair-cnn-lstm.json", "--augment", "minimal", "-q");
    assertEquals(1, changed.code(), changed.out());
    for (String s : new String[] {"batch_size: 64 -> 32", "graph: \"graphs/paper-cnn-lstm.json\" -> "
        + "\"graphs/fair-cnn-lstm.json\"", "augment: \"none\" -> \"minimal\""}) {
      assertTrue(changed.err().contains(s), s + " in " + changed.err());
    }
    assertEquals(config, Files.readString(run.resolve("run-config.json")), "a refused resume changes nothing");

    Path other = dir.resolve("other.csv");
    assertEquals(0, CliTest.run("data", "synth", "--n", "70", "--seed", "2", "--out", other.toString()).code());
    CliTest.Run data = CliTest.run("train", "--resume", "--out", run.toString(), "--epochs", "2", "--data",
        other.toString(), "-q");
    assertEquals(1, data.code());
    assertTrue(data.err().contains("other.csv: the data changed since run " + run + " started"), data.err());
    Files.copy(csv, other, StandardCopyOption.REPLACE_EXISTING); // same faces, other path: fine

    // a warm restart appended where the run ended and averaging from there leave epoch 1 as it was
    CliTest.Run allowed = CliTest.run("train", "--resume", "--out", run.toString(), "--epochs", "3",
        "--data", other.toString(), "--cosine-restarts", "1", "--swa-start", "1", "-q");
    assertEquals(0, allowed.code(), allowed.err());
    TrainConfig now = TrainConfig.read(run.resolve("run-config.json"));
    assertEquals(List.of(1), now.restarts());
    assertEquals(1, now.swaStart());
    assertEquals(4, Files.readAllLines(run.resolve("history.csv")).size());
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

  @Test
  void mixupCutmixAndStochasticDepthAreFlagsKeptWithTheRun() throws Exception {
    Path run = dir.resolve("mixed");
    CliTest.Run r = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "70", "--epochs", "1",
        "--mixup", "0.4", "--cutmix", "1.0", "--mix-prob", "0.8", "--out", run.toString(), "-q");
    assertEquals(0, r.code(), r.err());
    String config = Files.readString(run.resolve("run-config.json"));
    for (String s : new String[] {"\"mixup\" : 0.4", "\"cutmix\" : 1.0", "\"mix_prob\" : 0.8"}) {
      assertTrue(config.contains(s), s + " in " + config);
    }
    CliTest.Run changed = CliTest.run("train", "--resume", "--out", run.toString(), "--epochs", "2", "--mixup", "0.2",
        "-q");
    assertEquals(1, changed.code(), changed.out());
    assertTrue(changed.err().contains("mixup: 0.4 -> 0.2"), changed.err());

    CliTest.Run sequential = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "70",
        "--epochs", "1", "--stochastic-depth", "0.1", "--out", dir.resolve("sd").toString(), "-q");
    assertEquals(2, sequential.code(), sequential.err());
    assertTrue(sequential.err().contains("--stochastic-depth needs a residual network"), sequential.err());
    CliTest.Run teacher = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "70",
        "--epochs", "1", "--teacher", dir.resolve("none.onnx").toString(), "--out", dir.resolve("t").toString(), "-q");
    assertEquals(1, teacher.code(), teacher.err());
    assertTrue(teacher.err().contains("none.onnx: teacher not found"), teacher.err());
    Path keras = Files.writeString(dir.resolve("teacher.h5"), "a Keras file, not imported");
    CliTest.Run notTeacher = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "70",
        "--epochs", "1", "--teacher", keras.toString(), "--out", dir.resolve("t").toString(), "-q");
    assertEquals(1, notTeacher.code(), notTeacher.err());
    assertTrue(notTeacher.err().contains(keras + ": not a teacher; a teacher is an ONNX file"), notTeacher.err());
    CliTest.Run views = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "70",
        "--epochs", "1", "--teacher", "models/best/model-int8.onnx", "--teacher-tta", "rotate",
        "--out", dir.resolve("v").toString(), "-q");
    assertEquals(2, views.code(), views.err());
    assertTrue(views.err().contains("--teacher-tta must be none, flip or crops, got 'rotate'"), views.err());
    assertTrue(!Files.exists(dir.resolve("t")), "no run folder left behind");
  }
}

package org.fertk.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fertk.data.FaceDataset;
import org.fertk.data.SplitSpec;
import org.fertk.data.Splits;
import org.fertk.data.SyntheticFaces;
import org.fertk.data.Usage;
import org.fertk.model.ModelGraph;
import org.fertk.model.Network;
import org.fertk.model.TestSpecs;
import org.fertk.model.Weight;
import org.fertk.util.CpuFeatures;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.fertk.run.RunFolder;
import org.fertk.run.EpochLog;

class TrainingTest {
  @TempDir
  Path dir;

  private static final String SMALL_CNN = TestSpecs.conv(8, ", 'padding': 'same', 'activation': 'relu'")
      + ", {'class_name': 'MaxPooling2D', 'config': {}}, "
      + TestSpecs.conv(16, ", 'padding': 'same', 'activation': 'relu'")
      + ", {'class_name': 'MaxPooling2D', 'config': {'pool_size': 4}}, " + TestSpecs.FLATTEN + ", " + TestSpecs.OUT;
  private static final String LINEAR = TestSpecs.FLATTEN + ", " + TestSpecs.OUT;
  /** Dropout, batch norm and augmentation: every source of randomness a resume must replay. */
  private static final String RANDOM_NET = TestSpecs.conv(4, ", 'strides': 2, 'activation': 'relu'")
      + ", {'class_name': 'BatchNormalization', 'config': {}}, {'class_name': 'MaxPooling2D', 'config': {'pool_size': 4}}, "
      + TestSpecs.FLATTEN + ", {'class_name': 'Dropout', 'config': {'rate': 0.3}}, " + TestSpecs.OUT;

  private Path spec(String name, String layers) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    return TrainingTestSupport.specFile(d, layers);
  }

  @Test
  void smallCnnLearnsSyntheticFacesAndClearlyBeatsALinearModel() throws Exception {
    TrainConfig cnn = TrainingTestSupport.config(spec("cnn", SMALL_CNN).toString(), 6).synthetic(2100).batch(32).build();
    TrainConfig lin = TrainingTestSupport.config(spec("lin", LINEAR).toString(), 6).synthetic(2100).batch(32).build();
    Trainer.Result c = TrainingTestSupport.train(cnn, dir.resolve("run-cnn"));
    Trainer.Result l = TrainingTestSupport.train(lin, dir.resolve("run-lin"));
    double chance = 1.0 / 7;
    assertTrue(c.finalVal().accuracy() > 3 * chance, "CNN val accuracy " + c.finalVal().accuracy());
    assertTrue(c.finalVal().accuracy() > l.finalVal().accuracy() + 0.15,
        "CNN " + c.finalVal().accuracy() + " vs linear " + l.finalVal().accuracy());
  }

  @Test
  void bfloat16MixedPrecisionTrainsAsWellAsFloat32AndExportsFloat32Weights() throws Exception {
    String graph = spec("bf16", SMALL_CNN).toString();
    TrainConfig f32 = TrainingTestSupport.config(graph, 5).synthetic(1400).build();
    TrainConfig bf16 = TrainingTestSupport.config(graph, 5).synthetic(1400).precision("bfloat16").build();
    Trainer.Result a = TrainingTestSupport.train(f32, dir.resolve("run-f32"));
    Trainer.Result b = TrainingTestSupport.train(bf16, dir.resolve("run-bf16"));
    assertTrue(b.finalVal().accuracy() > 3.0 / 7, "bfloat16 val accuracy " + b.finalVal().accuracy());
    assertEquals(a.finalVal().accuracy(), b.finalVal().accuracy(), 0.1, "float32 vs bfloat16 val accuracy");
    if (CpuFeatures.thisMachine().hasFlag("avx512f")) {
      // TensorFlow rewrites the graph only on AVX-512 processors; where it does, the numbers change
      assertTrue(a.state().history.get(0).loss() != b.state().history.get(0).loss(), "the rewrite took effect");
    }
    JsonNode m = Json.read(new RunFolder(dir.resolve("run-bf16")).manifest());
    assertEquals("bfloat16", m.path("hyperparameters").path("precision").asText());
    assertEquals("bfloat16", m.path("training").path("precision").asText());
    assertTrue(m.path("training").path("machine").asText().contains("cores"), m.toString());

    // The SavedModel holds float32 weights and an inference graph in float32: loaded in a plain session,
    // it reproduces the accuracy the run reported (evaluated in float32 after training).
    Network model = Network.load(new RunFolder(dir.resolve("run-bf16")).spec(), 0);
    try (ModelGraph g = ModelGraph.inference(model, 0)) {
      g.restoreCheckpoint(RunFolder.variablesPrefix(new RunFolder(dir.resolve("run-bf16")).lastCheckpoint()));
      FaceDataset val = new SyntheticFaces(42).generate(1400, 0.2).only(Usage.PUBLIC_TEST);
      assertEquals(b.finalVal().accuracy(), Trainer.evaluate(g, val, 0, 0).accuracy(), 0.02);
    }
  }

  @Test
  void oldRunConfigsWithoutPrecisionReadAsFloat32AndAChangedPrecisionIsAConflict() throws Exception {
    TrainConfig cfg = TrainingTestSupport.config("g.json", 2).build();
    ObjectNode stored = (ObjectNode) Json.MAPPER.valueToTree(cfg);
    stored.remove("precision");
    Path file = dir.resolve("run-config.json");
    Files.writeString(file, Json.write(stored));
    TrainConfig old = TrainConfig.read(file);
    assertEquals("float32", old.precision());
    assertFalse(old.mixedPrecision());
    assertEquals(List.of(), ResumeCheck.conflicts(old, cfg));
    TrainConfig bf16 = TrainingTestSupport.config("g.json", 2).precision("bfloat16").build();
    assertEquals(List.of("precision: \"float32\" -> \"bfloat16\""), ResumeCheck.conflicts(old, bf16));
    FerException e = assertThrows(FerException.class,
        () -> TrainingTestSupport.config("g.json", 2).precision("fp16").build());
    assertEquals("precision must be float32 or bfloat16, got 'fp16'", e.getMessage()); // the key; the CLI shows --precision
  }

  @Test
  void runFolderHoldsSavedModelHistoryManifestAndCheckpoints() throws Exception {
    TrainConfig cfg = TrainingTestSupport.config(spec("s", SMALL_CNN).toString(), 2)
        .earlyStopping(new EarlyStopping.Config("val_loss", 0, 5, "auto", null, true, 0)).build();
    Path run = dir.resolve("run");
    Trainer.Result r = TrainingTestSupport.train(cfg, run);
    RunFolder f = new RunFolder(run);
    for (Path p : List.of(f.manifest(), f.spec(), f.history(), f.config(), f.savedModel().resolve("saved_model.pb"),
        RunFolder.statePath(f.lastCheckpoint()), RunFolder.statePath(f.bestCheckpoint()))) {
      assertTrue(Files.exists(p), p.toString());
    }
    List<String> history = Files.readAllLines(f.history());
    assertEquals("epoch,accuracy,loss,val_accuracy,val_loss,learning_rate", history.get(0));
    assertEquals(3, history.size());
    assertTrue(history.get(1).startsWith("0,"));
    JsonNode m = Json.read(f.manifest());
    assertEquals(64, m.path("data").path("sha256").asText().length());
    assertEquals("adam", m.path("hyperparameters").path("optimizer").asText());
    assertEquals(2, m.path("training").path("epochs_run").asInt());
    assertTrue(m.path("training").path("images_per_second").asDouble() > 0);
    assertEquals("1.1.0", m.path("versions").path("tensorflow-java").asText());
    assertEquals(r.test().accuracy(), m.path("metrics").path("model_test").path("accuracy").asDouble(), 1e-12);

    // The SavedModel, loaded on its own, predicts what the manifest says.
    FaceDataset faces = new SyntheticFaces(42).generate(280, 0.2);
    int[] test = faces.indicesOf(Usage.PUBLIC_TEST);
    float[] x = new float[test.length * FaceDataset.PIXELS];
    for (int k = 0; k < test.length; k++) {
      faces.toUnitFloats(test[k], x, k * FaceDataset.PIXELS);
    }
    float[] probs = new float[test.length * 7];
    try (SavedModelBundle b = SavedModelBundle.load(f.savedModel().toString(), "serve");
        TFloat32 in = TFloat32.tensorOf(Shape.of(test.length, 48, 48, 1), DataBuffers.of(x));
        Result res = b.session().runner().feed("input", in).fetch("probs").run()) {
      assertEquals("serving_default", b.signatures().get(0).key());
      ((TFloat32) res.get(0)).copyTo(DataBuffers.of(probs));
    }
    int correct = 0;
    for (int k = 0; k < test.length; k++) {
      int best = 0;
      for (int c = 1; c < 7; c++) {
        best = probs[k * 7 + c] > probs[k * 7 + best] ? c : best;
      }
      correct += best == faces.label(test[k]) ? 1 : 0;
    }
    assertEquals(r.test().accuracy(), correct / (double) test.length, 1e-12);

    // ... and so does an inference graph restored from the best checkpoint (restore_best_weights).
    Network model = Network.load(f.spec(), 0);
    try (ModelGraph g = ModelGraph.inference(model, 0)) {
      g.restoreCheckpoint(RunFolder.variablesPrefix(f.bestCheckpoint()));
      assertArrayEquals(probs, g.predict(x, test.length), 0f);
    }
  }

  @Test
  void interruptedAndResumedEqualsUninterrupted() throws Exception {
    TrainConfig cfg = TrainingTestSupport.config(spec("r", RANDOM_NET).toString(), 4).augment("standard")
        .smoothing(0.1).reduceLr(new ReduceLROnPlateau.Config("val_loss", 0.5, 1, "auto", 0, 0, 0)).build();
    assertResumedEqualsWhole(cfg, "");
  }

  @Test
  void bfloat16RunsAreAsRepeatableAsFloat32Ones() throws Exception {
    TrainConfig cfg = TrainingTestSupport.config(spec("r16", RANDOM_NET).toString(), 3).augment("standard")
        .precision("bfloat16").build();
    assertResumedEqualsWhole(cfg, "-bf16");
  }

  /** A run "killed" after its second epoch and resumed ends exactly as the same run left alone. */
  private void assertResumedEqualsWhole(TrainConfig cfg, String suffix) throws Exception {
    Trainer.Result whole = TrainingTestSupport.train(cfg, dir.resolve("whole" + suffix));
    Path split = dir.resolve("split" + suffix);
    Trainer.Result first = TrainingTestSupport.train(cfg, split, false, new Trainer.Listener() {
      @Override
      public boolean onEpochEnd(EpochLog log, int epochs) {
        return log.epoch() == 1; // "killed" after the second epoch's checkpoint
      }
    });
    assertTrue(first.interrupted());
    assertFalse(Files.exists(new RunFolder(split).manifest()));
    Trainer.Result resumed = TrainingTestSupport.train(cfg, split, true, new Trainer.Listener() {});
    assertEquals(Files.readString(new RunFolder(dir.resolve("whole" + suffix)).history()),
        Files.readString(new RunFolder(split).history()));
    assertEquals(whole.test().loss(), resumed.test().loss(), 0);
    assertEquals(whole.state().step, resumed.state().step);
  }

  @Test
  void swaFinishesWithTheMeanOfTheEpochWeightsAndSurvivesAResume() throws Exception {
    Path specFile = spec("swa", RANDOM_NET);
    TrainConfig swa = TrainingTestSupport.config(specFile.toString(), 4).swa(1).build();
    Trainer.Result whole = TrainingTestSupport.train(swa, dir.resolve("swa-whole"));
    assertEquals(3, whole.state().swaSnapshots);
    assertEquals(3, Json.read(new RunFolder(dir.resolve("swa-whole")).manifest()).path("training")
        .path("swa_snapshots").asInt());

    // The same run without SWA, stopped after every epoch: its checkpoints are SWA's snapshots.
    TrainConfig plain = TrainingTestSupport.config(specFile.toString(), 4).build();
    Path p = dir.resolve("swa-plain");
    Network model = Network.load(specFile, 0);
    Map<String, double[]> sum = new HashMap<>();
    for (int e = 0; e < 4; e++) {
      int stopAt = e;
      TrainingTestSupport.train(plain, p, e > 0, new Trainer.Listener() {
        @Override
        public boolean onEpochEnd(EpochLog log, int epochs) {
          return log.epoch() == stopAt;
        }
      });
      if (e >= 1) {
        try (ModelGraph g = ModelGraph.inference(model, 0)) {
          g.restoreCheckpoint(RunFolder.variablesPrefix(new RunFolder(p).lastCheckpoint()));
          g.context().read(g.session()).forEach((k, v) -> {
            double[] s = sum.computeIfAbsent(k, x -> new double[v.length]);
            for (int i = 0; i < v.length; i++) {
              s[i] += v[i] / 3;
            }
          });
        }
      }
    }
    try (SavedModelBundle b = SavedModelBundle.load(new RunFolder(dir.resolve("swa-whole")).savedModel().toString(), "serve");
        ModelGraph names = ModelGraph.inference(model, 0)) {
      int checked = 0;
      for (Weight w : model.weights()) {
        // the exported graph is built like an inference graph: same (uniquified) variable op names
        String op = names.context().slots().get(w.fullName()).variable().op().name();
        try (Result res = b.session().runner().fetch(op).run()) {
          float[] v = new float[(int) res.get(0).shape().size()];
          ((TFloat32) res.get(0)).copyTo(DataBuffers.of(v));
          double[] mean = sum.get(w.fullName());
          if (w.trainable()) {
            for (int i = 0; i < v.length; i++) {
              assertEquals(mean[i], v[i], 1e-5, w.fullName() + "[" + i + "]");
            }
            checked++;
          } else if (w.fullName().endsWith("moving_mean")) {
            // re-estimated for the averaged weights, not the mean of the snapshots' statistics
            assertTrue(Math.abs(mean[0] - v[0]) > 1e-6, w.fullName());
          }
        }
      }
      assertTrue(checked >= 4, "trainable weights checked: " + checked);
    }

    // Interrupted after the second epoch and resumed: the average is carried by the checkpoint.
    Path split = dir.resolve("swa-split");
    TrainingTestSupport.train(swa, split, false, new Trainer.Listener() {
      @Override
      public boolean onEpochEnd(EpochLog log, int epochs) {
        return log.epoch() == 1;
      }
    });
    Trainer.Result resumed = TrainingTestSupport.train(swa, split, true, new Trainer.Listener() {});
    assertEquals(whole.test().loss(), resumed.test().loss(), 0);
  }

  @Test
  void l2PenaltyTrainsAndEqualsTheSumOfSquaredKernels() throws Exception {
    // regression: gradients through the penalty of a raw ref-typed variable crashed TF
    Network m = Network.parse(TestSpecs.json(SMALL_CNN), 0.01);
    try (TrainingGraph g = new TrainingGraph(m, OptimizerConfig.sgd(0.01, 0.9, true), 0)) {
      g.initialize(3);
      double expected = 0;
      for (var e : g.context().read(g.session()).entrySet()) {
        if (e.getKey().endsWith("kernel") && !e.getKey().startsWith("optimizer")) {
          for (float v : e.getValue()) {
            expected += 0.01 * v * v;
          }
        }
      }
      assertEquals(expected, g.penalty(), 1e-4 * expected);
    }
    TrainConfig cfg = new TrainConfig(spec("l2", SMALL_CNN).toString(), null, 140,
        new SplitSpec("usage", 0.2, 0, 1), 1, 32, OptimizerConfig.adam(1e-3), 1e-3, "none", "none",
        Augmentation.NONE, 0, null, null, "constant", 0, List.of(), 1, null, null, null, null, null, null, 0, 1);
    Trainer.Result r = TrainingTestSupport.train(cfg, dir.resolve("run-l2"));
    assertTrue(r.state().history.get(0).loss() > 0);
  }

  @Test
  void resumeRefusesToOverwriteAndNeedsARun() throws Exception {
    TrainConfig cfg = TrainingTestSupport.config(spec("o", LINEAR).toString(), 1).build();
    TrainingTestSupport.train(cfg, dir.resolve("run"));
    FerException e = assertThrows(FerException.class, () -> TrainingTestSupport.train(cfg, dir.resolve("run")));
    // the library names the setting, the CLI its flag (issue 36, item 5)
    assertTrue(e.getMessage().contains("already holds a training run; set resume to continue it"), e.getMessage());
    assertTrue(e.message(k -> "--" + k).contains("set --resume to continue it, or choose another --out "
        + "folder"), e.getMessage());
  }

  @Test
  void resumeRefusesChangedSettingsButAcceptsMoreEpochs() throws Exception {
    Path run = dir.resolve("run");
    String graph = spec("c", LINEAR).toString();
    TrainingTestSupport.train(TrainingTestSupport.config(graph, 1).build(), run);
    String stored = Files.readString(new RunFolder(run).config());

    TrainConfig edited = TrainingTestSupport.config(graph, 2).smoothing(0.1).augment("minimal").build();
    FerException e = assertThrows(FerException.class,
        () -> TrainingTestSupport.train(edited, run, true, new Trainer.Listener() {}));
    assertTrue(e.getMessage().startsWith(new RunFolder(run).config() + ": this run was started with other settings ("),
        e.getMessage());
    assertTrue(e.getMessage().contains("label_smoothing: 0.0 -> 0.1"), e.getMessage());
    assertTrue(e.getMessage().contains("augment: \"none\" -> \"minimal\""), e.getMessage());
    assertFalse(e.getMessage().contains("epochs:"), "a new epoch count is not a conflict: " + e.getMessage());
    assertEquals(stored, Files.readString(new RunFolder(run).config()), "the refused resume leaves the run as it was");

    Trainer.Result longer = TrainingTestSupport.train(TrainingTestSupport.config(graph, 2).build(), run, true,
        new Trainer.Listener() {});
    assertEquals(2, longer.state().history.size());
  }

  @Test
  void aFinishedCosineRunGoesOnWithAnAppendedRestartExactlyAsIfPlannedSo() throws Exception {
    String graph = spec("r", LINEAR).toString();
    Path resumed = dir.resolve("resumed");
    TrainingTestSupport.train(TrainingTestSupport.config(graph, 2).withSchedule("cosine", 1), resumed);

    // A restart anywhere but the stored end would change the rates of finished epochs: refused.
    TrainConfig early = TrainingTestSupport.config(graph, 4).restarts(List.of(3), 0.5).withSchedule("cosine", 1);
    FerException e = assertThrows(FerException.class,
        () -> TrainingTestSupport.train(early, resumed, true, new Trainer.Listener() {}));
    assertTrue(e.getMessage().contains("restarts: [] -> [3]"), e.getMessage());

    TrainConfig longer = TrainingTestSupport.config(graph, 4).restarts(List.of(2), 0.5).withSchedule("cosine", 1);
    Trainer.Result r = TrainingTestSupport.train(longer, resumed, true, new Trainer.Listener() {});
    Trainer.Result fresh = TrainingTestSupport.train(longer, dir.resolve("fresh"));
    assertEquals(4, r.state().history.size());
    for (int i = 0; i < 4; i++) {
      assertEquals(fresh.state().history.get(i).learningRate(), r.state().history.get(i).learningRate(), 1e-12,
          "epoch " + i + "'s rate");
    }
    assertTrue(r.state().history.get(2).learningRate() > 2 * r.state().history.get(1).learningRate(),
        "the appended cycle starts high again");
  }

  @Test
  void resumeCheckComparesNumbersByValueAndReportsAbsentFields() {
    var before = Json.parse("{\"l2\": 0, \"epochs\": 5, \"optimizer\": {\"momentum\": 0.9}}", "a");
    var now = Json.parse("{\"l2\": 0.0, \"epochs\": 9, \"optimizer\": {\"momentum\": 0.9, \"nesterov\": true}}", "b");
    assertEquals(List.of("optimizer.nesterov: (absent) -> true"), ResumeCheck.differences(before, now));
  }

  @Test
  void divergenceStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint() throws Exception {
    Path run = dir.resolve("run");
    TrainConfig good = TrainingTestSupport.config(spec("n", LINEAR).toString(), 1).build();
    TrainingTestSupport.train(good, run);
    // Continue the same run with an absurd learning rate, as a user might by mistake.
    ObjectNode stored = (ObjectNode) Json.read(new RunFolder(run).config());
    stored.put("optimizer", "sgd").put("lr", 1e38);
    stored.put("epochs", 3);
    Files.writeString(new RunFolder(run).config(), Json.write(stored));
    TrainConfig bad = TrainConfig.read(new RunFolder(run).config());
    Path statePath = RunFolder.statePath(new RunFolder(run).lastCheckpoint());
    ObjectNode state = (ObjectNode) Json.read(statePath);
    state.put("learning_rate", 1e38);
    Files.writeString(statePath, Json.write(state));
    FerException e = assertThrows(FerException.class, () -> TrainingTestSupport.train(bad, run, true, new Trainer.Listener() {}));
    assertTrue(e.getMessage().startsWith("training diverged: the loss became"), e.getMessage());
    assertTrue(e.getMessage().contains("at epoch 2"), e.getMessage());
    TrainState last = Trainer.readState(new RunFolder(run).lastCheckpoint());
    assertEquals(1, last.nextEpoch, "the checkpoint of the last good epoch is kept");
  }

  @Test
  void evaluationMatchesKerasCrossEntropy() {
    // Two faces, uniform predictions: loss = ln 7 exactly (no clipping in play).
    FaceDataset d = new SyntheticFaces(1).generate(14, 0).select(new int[] {0, 1});
    ModelGraph uniform = new ModelGraph(TestSpecs.model(LINEAR)) {
      @Override
      public float[] predict(FaceDataset data, int[] idx, int batch) {
        float[] p = new float[idx.length * 7];
        Arrays.fill(p, 1f / 7);
        return p;
      }
    };
    EvalMetrics m = Trainer.evaluate(uniform, d, 0, 0.25);
    assertEquals(Math.log(7) + 0.25, m.loss(), 1e-6);
    uniform.close();
    assertEquals(2, Splits.all(d).length);
    assertEquals(Map.of(), Map.of());
  }
}

package org.fertk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.fertk.analysis.Analysis;
import org.fertk.model.TestSpecs;
import org.fertk.train.TrainConfig;
import org.fertk.util.Json;
import org.fertk.util.SettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public API as a user calls it: FerModel, Prediction, Training, TrainedModel, Callback. */
class LibraryTest {
  @TempDir
  Path dir;

  private static final Path HAPPY = Path.of("data/faces/synthetic-happy.png");
  private static final Path SAD = Path.of("data/faces/synthetic-sad.png");

  @Test
  void predictionRanksAndBreaksTiesByLabel() {
    Prediction p = new Prediction(new float[] {0.1f, 0.2f, 0.2f, 0.05f, 0.05f, 0.3f, 0.1f});
    assertEquals(Emotion.SURPRISE, p.emotion());
    assertEquals(0.2f, p.probability(Emotion.DISGUST));
    List<Map.Entry<Emotion, Float>> top = p.top(3);
    assertEquals(List.of(Emotion.SURPRISE, Emotion.DISGUST, Emotion.FEAR), top.stream().map(Map.Entry::getKey).toList());
    assertEquals(7, p.top(10).size());
    assertEquals(Emotion.DISGUST, new Prediction(new float[] {0, 0.5f, 0.5f, 0, 0, 0, 0}).emotion(), "numpy's argmax");
    float[] copy = p.probabilities();
    copy[0] = 9;
    assertEquals(0.1f, p.probability(Emotion.ANGRY), "the array handed out is a copy");
    assertThrows(IllegalArgumentException.class, () -> new Prediction(new float[6]));
    assertThrows(IllegalArgumentException.class, () -> p.top(0));
  }

  @Test
  void theShippedModelClassifiesImagesFilesAndBatchesAlike() throws Exception {
    try (FerModel model = FerModel.load(Path.of("models/best"))) {
      Prediction fromFile = model.predict(HAPPY);
      assertEquals(Emotion.HAPPY, fromFile.emotion());
      BufferedImage happy = ImageIO.read(HAPPY.toFile());
      BufferedImage sad = ImageIO.read(SAD.toFile());
      assertEquals(fromFile, model.predict(happy));
      List<Prediction> both = model.predict(List.of(happy, sad));
      assertEquals(fromFile, both.get(0));
      assertEquals(model.predict(sad), both.get(1));
      assertEquals(List.of(), model.predict(List.<BufferedImage>of()));
      float sum = 0;
      for (float v : fromFile.probabilities()) {
        sum += v;
      }
      assertEquals(1, sum, 1e-4);
    }
  }

  @Test
  void oneModelServesConcurrentCallers() throws Exception {
    BufferedImage[] images = {ImageIO.read(HAPPY.toFile()), ImageIO.read(SAD.toFile())};
    try (FerModel model = FerModel.load(Path.of("models/best/model.onnx"), FerModel.Options.defaults().threads(1))) {
      Prediction[] expected = {model.predict(images[0]), model.predict(images[1])};
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
          int k = t % 2;
          results.add(pool.submit(() -> model.predict(images[k]).equals(expected[k])));
        }
        for (Future<Boolean> f : results) {
          assertTrue(f.get(), "the same answer from every thread");
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void badPathsAndOptionsGetMessagesNamingThem() throws Exception {
    FerException missing = assertThrows(FerException.class, () -> FerModel.load(dir.resolve("nope.onnx")));
    assertTrue(missing.getMessage().contains("nope.onnx"), missing.getMessage());
    Path notAModel = Files.writeString(dir.resolve("x.onnx"), "not onnx");
    assertTrue(assertThrows(FerException.class, () -> FerModel.load(notAModel)).getMessage()
        .startsWith(notAModel + ": not a loadable ONNX model"));
    assertThrows(FerException.class, () -> FerModel.Options.defaults().testTimeAugmentation("rotate"));
    assertThrows(IllegalArgumentException.class, () -> FerModel.Options.defaults().batchSize(0));
    try (FerModel model = FerModel.load(Path.of("models/best"))) {
      FerException image = assertThrows(FerException.class, () -> model.predict(dir.resolve("none.png")));
      assertTrue(image.getMessage().contains("none.png"), image.getMessage());
      Path data = Path.of("data/synthetic-sample.csv.gz");
      assertThrows(FerException.class, () -> model.score(data, data), "never over the input");
      Path out = dir.resolve("p.csv");
      FerModel.ScoreSummary all = model.score(data, out);
      FerModel.ScoreSummary test = model.score(data, "PublicTest", dir.resolve("test.csv"));
      assertTrue(test.faces() > 0 && test.faces() < all.faces(), test + " within " + all);
      assertEquals(all.accuracy(), Analysis.of(out).accuracy(), 1e-12);
      var side = Json.read(dir.resolve("test.json"));
      assertEquals("ort", side.path("engine").asText(), "the side file fer score writes");
      assertEquals("PublicTest", side.path("split").asText());
      FerException split = assertThrows(FerException.class, () -> model.score(data, "Holdout", dir.resolve("v.csv")));
      assertTrue(split.getMessage().contains("unknown split 'Holdout'"), split.getMessage());
    }
  }

  @Test
  void settingErrorsNameTheKey() {
    SettingException e = assertThrows(SettingException.class,
        () -> TrainConfig.builder().graph(Path.of("g.json")).epochs(0).build());
    assertEquals("epochs must be at least 1, got 0", e.getMessage());
    assertEquals("--epochs must be at least 1, got 0", e.withNames(k -> "--" + k.replace('_', '-')));
    assertThrows(SettingException.class, () -> TrainConfig.builder().epochs(3).build(), "graph is required");
  }

  /** Records every call, and keeps a count of epochs as its state. */
  static final class Recorder implements Callback {
    final List<String> calls = new ArrayList<>();
    final List<Map<String, Double>> epochLogs = new ArrayList<>();
    int epochsSeen;
    int restoredFrom = -1;
    Context context;

    @Override
    public void onTrainBegin(Context c) {
      context = c;
      calls.add("train_begin");
    }

    @Override
    public void onEpochBegin(int epoch) {
      calls.add("epoch_begin " + epoch);
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
      if (batch == 0) {
        calls.add("batch_end 0 " + new TreeSet<>(logs.keySet()));
      }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
      epochsSeen++;
      epochLogs.add(new HashMap<>(logs));
      calls.add("epoch_end " + epoch);
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
      calls.add("train_end");
    }

    @Override
    public Map<String, Object> state() {
      return Map.of("epochs_seen", epochsSeen);
    }

    @Override
    public void restoreState(Map<String, Object> state) {
      epochsSeen = ((Number) state.get("epochs_seen")).intValue();
      restoredFrom = epochsSeen;
    }
  }

  private TrainConfig.Builder tiny(int epochs) throws Exception {
    Path spec = dir.resolve("linear.json");
    if (!Files.exists(spec)) {
      Files.writeString(spec, Json.write(TestSpecs.json(TestSpecs.FLATTEN + ", " + TestSpecs.OUT)));
    }
    return TrainConfig.builder().graph(spec).synthetic(140).epochs(epochs).batchSize(32);
  }

  @Test
  void callbacksFollowKerasOrderAndSeeEveryEpochsLogs() throws Exception {
    Recorder r = new Recorder();
    try (TrainedModel m = Training.fit(tiny(2).build(), r)) {
      assertEquals(List.of("train_begin", "epoch_begin 0", "batch_end 0 [accuracy, loss, size]", "epoch_end 0",
          "epoch_begin 1", "batch_end 0 [accuracy, loss, size]", "epoch_end 1", "train_end"), r.calls);
      for (Map<String, Double> logs : r.epochLogs) {
        for (String k : List.of("loss", "accuracy", "val_loss", "val_accuracy", "lr", "learning_rate")) {
          assertTrue(logs.containsKey(k), k + " in " + logs);
        }
      }
      assertEquals(2, m.history().size());
      assertEquals(r.epochLogs.get(1).get("val_accuracy"), m.history().get(1).get("val_accuracy"));
      assertTrue(m.bestEpoch() >= 0);
      assertTrue(m.runFolder().isEmpty(), "a temporary run shows no folder");
      assertTrue(r.context.runFolder().isEmpty());
      assertEquals(2, r.context.epochs());
    }
  }

  @Test
  void callbacksCanStopTrainingAndChangeTheLearningRate() throws Exception {
    Callback stopAfterFirst = new Callback() {
      Context c;

      @Override
      public void onTrainBegin(Context context) {
        c = context;
      }

      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs) {
        c.setLearningRate(c.learningRate() / 10);
        if (epoch == 1) {
          c.stopTraining();
        }
      }
    };
    try (TrainedModel m = Training.fit(tiny(5).learningRate(1e-3).build(), stopAfterFirst)) {
      assertEquals(2, m.history().size(), "stopped after epoch 1");
      assertEquals(1e-3, m.history().get(0).get("lr"), 1e-12);
      assertEquals(1e-4, m.history().get(1).get("lr"), 1e-12, "the new rate from the next epoch on");
    }
  }

  @Test
  void aResumedRunContinuesEachCallbacksState() throws Exception {
    Path run = dir.resolve("run");
    Recorder first = new Recorder();
    try (TrainedModel m = Training.fit(tiny(1).build(), run, first)) {
      assertEquals(run, m.runFolder().orElseThrow());
      assertEquals(run, first.context.runFolder().orElseThrow());
    }
    assertEquals(1, first.epochsSeen);
    Recorder second = new Recorder();
    try (TrainedModel m = Training.fit(tiny(3).build(), run, second)) {
      assertEquals(1, second.restoredFrom, "state restored from the checkpoint");
      assertEquals(3, second.epochsSeen, "and continued: epochs 1 and 2 added to the 1 before");
      assertEquals(List.of("epoch_end 1", "epoch_end 2"),
          second.calls.stream().filter(c -> c.startsWith("epoch_end")).toList());
      assertEquals(3, m.history().size());
    }
    assertTrue(Files.isDirectory(run), "a run folder given to fit stays");
    Callback twin = new Recorder();
    FerException twice = assertThrows(FerException.class, () -> Training.fit(tiny(4).build(), run, twin, new Recorder()));
    assertTrue(twice.getMessage().contains("two callbacks are named"), twice.getMessage());
  }

  @Test
  void aTrainedModelExportsToOnnxThatAgreesWithTensorFlow() throws Exception {
    Path onnx = dir.resolve("tiny.onnx");
    BufferedImage happy = ImageIO.read(HAPPY.toFile());
    try (TrainedModel m = Training.fit(tiny(1).build())) {
      assertEquals(onnx, m.export(onnx));
      try (FerModel tf = m.model(); FerModel ort = FerModel.load(onnx)) {
        assertEquals("tensorflow", tf.runtimeName());
        assertEquals("onnxruntime", ort.runtimeName());
        assertArrayEquals(tf.predict(happy).probabilities(), ort.predict(happy).probabilities(), 1e-4f);
      }
    }
    assertFalse(Files.exists(dir.resolve("tiny.onnx.tmp")));
  }

  /** Issue 35, item 18: the model's lifecycle as AutoCloseable advises, across threads. */
  @Test
  void closeIsIdempotentAndLaterCallsSaySoEvenWhileOtherThreadsPredict() throws Exception {
    BufferedImage face = ImageIO.read(Path.of("data/faces/synthetic-happy.png").toFile());
    FerModel m = FerModel.load(Path.of("models/paper-cnn"));
    NullPointerException npe = assertThrows(NullPointerException.class, () -> m.predict((BufferedImage) null));
    assertTrue(npe.getMessage().contains("image"), npe.getMessage());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<int[]>> runs = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      runs.add(pool.submit(() -> {
        int ok = 0;
        int closed = 0;
        for (int i = 0; i < 300; i++) {
          try {
            assertEquals(7, m.predict(face).probabilities().length);
            ok++;
          } catch (FerException e) {
            assertTrue(e.getMessage().endsWith("the model is closed"), e.getMessage());
            closed++;
          }
        }
        return new int[] {ok, closed};
      }));
    }
    Thread.sleep(200);
    m.close();
    m.close(); // harmless
    int ok = 0;
    for (Future<int[]> f : runs) {
      ok += f.get()[0];
    }
    pool.shutdown();
    assertTrue(ok > 0, "calls before close succeeded");
    FerException after = assertThrows(FerException.class, () -> m.predict(face));
    assertEquals("models/paper-cnn: the model is closed", after.getMessage());
    assertThrows(FerException.class, () -> m.predictFaces(face));
  }

  /** Issue 36, item 3: the two calls for a picture file say which rule they follow; fer predict's is predictFaces. */
  @Test
  void aPhotoFileIsSearchedForFacesByPredictFacesAndTakenWholeByPredict() {
    try (FerModel m = FerModel.load(Path.of("models/best"))) {
      List<DetectedFace> faces = m.predictFaces(Path.of("data/photos/grace-hopper.jpg"));
      assertEquals(1, faces.size(), faces.toString());
      assertEquals(Emotion.NEUTRAL, faces.get(0).prediction().emotion(), "as fer predict reads her: neutral");
      assertEquals(7, m.predict(Path.of("data/photos/grace-hopper.jpg")).probabilities().length);
      assertTrue(m.predictFaces(Path.of("data/faces/synthetic-happy.png")).size() <= 1);
    }
  }
}

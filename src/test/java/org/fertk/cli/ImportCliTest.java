package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fertk.data.FaceDataset;
import org.fertk.data.SyntheticFaces;
import org.fertk.score.TfEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fer import keras, fer train --start-from an imported model, fer agree, fer graphs show on a functional spec. */
class ImportCliTest {
  @TempDir
  Path tmp;

  @Test
  void importExportScoreAndFineTune() throws Exception {
    Path run = tmp.resolve("separable");
    CliTest.Run imp = CliTest.run("import", "keras", "src/test/resources/keras/separable.keras", "--out", run.toString());
    assertEquals(0, imp.code(), imp.err());
    assertTrue(imp.out().contains("imported src/test/resources/keras/separable.keras (Keras 3 .keras archive"), imp.out());
    assertTrue(imp.out().contains("PASS"), imp.out());
    assertTrue(Files.isRegularFile(run.resolve("model.onnx")) && Files.isRegularFile(run.resolve("spec.json")));

    Path csv = tmp.resolve("faces.csv");
    assertEquals(0, CliTest.run("data", "synth", "--n", "70", "--seed", "3", "--out", csv.toString()).code());
    Path ort = tmp.resolve("ort.csv");
    Path tf = tmp.resolve("tf.csv");
    assertEquals(0, CliTest.run("score", "--model", run.toString(), "--data", csv.toString(), "--out", ort.toString(), "-q").code());
    assertEquals(0, CliTest.run("score", "--model", run.toString(), "--engine", "tf", "--data", csv.toString(),
        "--out", tf.toString(), "-q").code());
    CliTest.Run analyze = CliTest.run("analyze", ort.toString(), "--model", run.toString(), "--out",
        tmp.resolve("analysis").toString(), "-q");
    assertEquals(0, analyze.code(), analyze.err());
    CliTest.Run predict = CliTest.run("predict", "--model", run.toString(), "data/photos/astronaut.jpg");
    assertEquals(0, predict.code(), predict.err());
    assertTrue(predict.out().startsWith("data/photos/astronaut.jpg: face 1 at "), predict.out());
    CliTest.Run agree = CliTest.run("agree", ort.toString(), tf.toString(), "--min-agreement", "1");
    assertEquals(0, agree.code(), agree.err());
    assertTrue(agree.out().startsWith("70 faces: same predicted class for 70 (100.00%)"), agree.out());

    // fine-tuning at a vanishing learning rate keeps the imported model's outputs (no batch norm here)
    Path tuned = tmp.resolve("tuned");
    CliTest.Run train = CliTest.run("train", "--start-from", run.toString(), "--synthetic", "70", "--epochs", "1",
        "--lr", "1e-12", "--out", tuned.toString(), "-q");
    assertEquals(0, train.code(), train.err());
    FaceDataset faces = new SyntheticFaces(9).generate(8, 0);
    assertEquals(0, maxDiff(predict(run, faces), predict(tuned, faces)), 1e-5);
  }

  @Test
  void startFromAnotherArchitectureListsTheMissingWeights() {
    Path run = tmp.resolve("separable");
    assertEquals(0, CliTest.run("import", "keras", "src/test/resources/keras/separable.keras", "--out", run.toString(),
        "--no-export").code());
    CliTest.Run r = CliTest.run("train", "--start-from", run.toString(), "--graph", "graphs/paper-cnn-lstm.json",
        "--synthetic", "70", "--epochs", "1", "--out", tmp.resolve("x").toString(), "-q");
    assertEquals(1, r.code());
    assertTrue(r.err().contains(run + ": its weights do not fit the spec: "), r.err());
    assertTrue(r.err().contains(" is missing"), r.err());
  }

  @Test
  void badImportsAreClearErrors() throws Exception {
    CliTest.Run missing = CliTest.run("import", "keras", "no/such.keras", "--out", tmp.resolve("a").toString());
    assertEquals(1, missing.code());
    assertEquals("fer: error: no/such.keras: file not found", missing.err().trim());
    Path txt = tmp.resolve("model.txt");
    Files.writeString(txt, "x");
    CliTest.Run kind = CliTest.run("import", "keras", txt.toString(), "--out", tmp.resolve("b").toString());
    assertEquals(1, kind.code());
    assertTrue(kind.err().contains("expected a Keras model file (.keras, .h5 or .hdf5)"), kind.err());
    CliTest.Run scale = CliTest.run("import", "keras", "src/test/resources/keras/separable.keras", "--scale", "big",
        "--out", tmp.resolve("c").toString());
    assertEquals(2, scale.code(), "a bad --scale is a usage error (issue 35, item 17)");
    assertTrue(scale.err().contains("--scale: expected the model's input range"), scale.err());
    assertTrue(Files.notExists(tmp.resolve("c")));
    CliTest.Run noWhat = CliTest.run("import");
    assertEquals(2, noWhat.code());
  }

  @Test
  void functionalSummaryHasConnections() {
    CliTest.Run show = CliTest.run("graphs", "show", "graphs/mini-xception.json");
    assertEquals(0, show.code(), show.err());
    assertTrue(show.out().contains("Connected to"), show.out());
    assertTrue(show.out().contains("| m1_add (Add)"), show.out());
    assertTrue(show.out().contains("Total params: 58,423"), show.out());
  }

  private static float[] predict(Path run, FaceDataset faces) {
    FloatBuffer x = FloatBuffer.allocate(faces.size() * FaceDataset.PIXELS);
    float[] one = new float[FaceDataset.PIXELS];
    for (int i = 0; i < faces.size(); i++) {
      faces.toUnitFloats(i, one, 0);
      x.put(one);
    }
    x.flip();
    try (TfEngine tf = TfEngine.open(run, 1)) {
      return tf.predict(x, faces.size());
    }
  }

  private static double maxDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}

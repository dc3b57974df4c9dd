package org.fertk.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.Scores;
import org.fertk.data.SyntheticFaces;
import org.fertk.model.Network;
import org.fertk.model.TestSpecs;
import org.fertk.score.OrtEngine;
import org.fertk.score.TfEngine;
import org.fertk.util.Hashing;
import org.fertk.util.SettingException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distillation: the teachers' probabilities softened as Hinton et al. soften logits, a loss that
 * equals the hand-computed mix of the two cross-entropies, and a student that learns the teacher.
 */
class DistillationTest {
  private static final int C = Emotion.COUNT;
  private static final Path TEACHER = Path.of("models/best/model-int8.onnx");

  @TempDir
  Path dir;

  @Test
  void softTargetsArePToTheOneOverTRenormalised() {
    double[] p = {0.5, 0.25, 0.25, 0, 0, 0, 0};
    float[] out = new float[C];
    Teachers.soften(p, 1, 2, out);
    double tiny = Math.sqrt(1e-7); // zero probabilities are clipped at 1e-7 before the log
    double sum = Math.sqrt(0.5) + 0.5 + 0.5 + 4 * tiny;
    assertEquals(Math.sqrt(0.5) / sum, out[0], 1e-6);
    assertEquals(0.5 / sum, out[1], 1e-6);
    assertEquals(tiny / sum, out[6], 1e-7);
    Teachers.soften(p, 1, 1, out);
    assertEquals(0.5, out[0], 1e-6);
    assertEquals(0.25, out[2], 1e-6);
  }

  @Test
  void theLossIsTheHandComputedMixOfCrossEntropyAndKlDivergence() {
    Network m = TestSpecs.model(TestSpecs.FLATTEN + ", " + TestSpecs.OUT);
    double w = 0.6;
    double t = 3;
    FaceDataset faces = new SyntheticFaces(2).generate(14, 0);
    int n = faces.size();
    float[] x = new float[n * FaceDataset.PIXELS];
    float[] y = new float[n * C];
    float[] soft = new float[n * C];
    float[] weights = new float[n];
    SplittableRandom rng = new SplittableRandom(1);
    for (int k = 0; k < n; k++) {
      faces.toUnitFloats(k, x, k * FaceDataset.PIXELS);
      y[k * C + faces.label(k)] = 1;
      double s = 0;
      for (int c = 0; c < C; c++) {
        soft[k * C + c] = (float) rng.nextDouble();
        s += soft[k * C + c];
      }
      for (int c = 0; c < C; c++) {
        soft[k * C + c] /= (float) s;
      }
      weights[k] = 1;
    }
    try (TrainingGraph g = new TrainingGraph(m, OptimizerConfig.adam(1e-3), 1, false,
        new Distillation(List.of("teacher.onnx"), w, t), 0)) {
      g.initialize(7);
      float[] p = g.predict(x, n); // no dropout or batch norm: the training pass computes the same
      double expected = 0;
      for (int k = 0; k < n; k++) {
        // the student's softmax at temperature t from its probabilities: logits = log p + const
        double[] z = new double[C];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < C; c++) {
          z[c] = Math.log(p[k * C + c]) / t;
          max = Math.max(max, z[c]);
        }
        double norm = 0;
        for (int c = 0; c < C; c++) {
          norm += Math.exp(z[c] - max);
        }
        double hard = 0;
        double kl = 0;
        for (int c = 0; c < C; c++) {
          hard -= y[k * C + c] * Math.log(p[k * C + c]);
          kl += soft[k * C + c] * (Math.log(soft[k * C + c]) - (z[c] - max - Math.log(norm))); // KL(q || s)
        }
        expected += ((1 - w) * hard + w * t * t * kl) / n;
      }
      TrainingGraph.StepResult r = g.step(x, y, soft, weights, n, 1e-3f, 1, new long[] {1, 0});
      assertEquals(expected, r.loss(), 1e-5 * Math.abs(expected));
      assertThrows(IllegalArgumentException.class, () -> g.step(x, y, null, weights, n, 1e-3f, 2, new long[] {1, 1}));
    }
  }

  @Test
  void aStudentTaughtOnlyByTheTeacherAgreesWithItMoreThanOneTaughtByTheLabels() throws Exception {
    Path spec = TrainingTestSupport.specFile(dir, TestSpecs.FLATTEN + ", " + TestSpecs.OUT);
    TrainConfig.Builder b = TrainConfig.builder().graph(spec).synthetic(700).epochs(4).batchSize(32).seed(3);
    TrainConfig labels = b.build();
    TrainConfig taught = b.teachers(List.of(TEACHER)).distillWeight(1.0).distillTemperature(2).teacherTta("flip").build();
    double fromLabels = agreementWithTeacher(TrainingTestSupport.train(labels, dir.resolve("labels")));
    Trainer.Result r = TrainingTestSupport.train(taught, dir.resolve("taught"));
    double fromTeacher = agreementWithTeacher(r);
    assertTrue(fromTeacher > fromLabels + 0.1, "agreement with the teacher: distilled " + fromTeacher
        + ", from labels " + fromLabels);

    JsonNode manifest = RunManifest.read(r.run().dir());
    JsonNode t = manifest.path("distillation").path("teachers").get(0);
    assertEquals(TEACHER.toString(), t.path("path").asText());
    assertEquals(Hashing.sha256(TEACHER), t.path("sha256").asText());
    assertEquals(1.0, manifest.path("hyperparameters").path("distill_weight").asDouble());
    assertEquals("flip", manifest.path("distillation").path("teacher_tta").asText());
    assertEquals(TrainConfig.read(r.run().config()), taught, "the stored settings give the run's back");
  }

  /** Share of the synthetic validation faces on which the run's model and the teacher agree. */
  private static double agreementWithTeacher(Trainer.Result r) {
    FaceDataset val = new SyntheticFaces(3).generate(700, 0);
    float[] x = new float[val.size() * FaceDataset.PIXELS];
    for (int k = 0; k < val.size(); k++) {
      val.toUnitFloats(k, x, k * FaceDataset.PIXELS);
    }
    float[] student;
    try (TfEngine s = TfEngine.open(r.run().dir(), 1)) {
      student = s.predict(FloatBuffer.wrap(x), val.size());
    }
    float[] teacher;
    try (OrtEngine e = OrtEngine.open(TEACHER, 1)) {
      FloatBuffer buf = ByteBuffer.allocateDirect(x.length * 4)
          .order(ByteOrder.nativeOrder()).asFloatBuffer();
      buf.put(x);
      teacher = e.predict(buf, val.size());
    }
    Scores a = new Scores(student);
    Scores b = new Scores(teacher);
    int same = 0;
    for (int k = 0; k < val.size(); k++) {
      same += a.argmax(k) == b.argmax(k) ? 1 : 0;
    }
    return same / (double) val.size();
  }

  @Test
  void flipTeachersAverageEachFaceWithItsMirrorImage() {
    FaceDataset faces = new SyntheticFaces(4).generate(21, 0);
    int n = faces.size();
    int side = FaceDataset.SIDE;
    float[] x = new float[n * FaceDataset.PIXELS];
    float[] mirrored = new float[x.length];
    for (int k = 0; k < n; k++) {
      faces.toUnitFloats(k, x, k * FaceDataset.PIXELS);
      for (int r = 0; r < side; r++) {
        for (int c = 0; c < side; c++) {
          mirrored[k * FaceDataset.PIXELS + r * side + c] = x[k * FaceDataset.PIXELS + r * side + side - 1 - c];
        }
      }
    }
    float[] plain;
    float[] mirror;
    try (OrtEngine e = OrtEngine.open(TEACHER, 1)) {
      plain = e.predict(direct(x), n);
      mirror = e.predict(direct(mirrored), n);
    }
    double[] mean = new double[n * C];
    double largest = 0;
    for (int i = 0; i < mean.length; i++) {
      mean[i] = (plain[i] + mirror[i]) / 2.0;
      largest = Math.max(largest, Math.abs(plain[i] - mirror[i]));
    }
    assertTrue(largest > 0.01, "the teacher must see a difference between a face and its mirror: " + largest);
    float[] expected = new float[n * C];
    Teachers.soften(mean, n, 2, expected);
    float[] soft = new float[n * C];
    try (Teachers t = Teachers.open(List.of(TEACHER.toString()), "flip", 1)) {
      t.soften(x, n, 2, soft);
      Assertions.assertArrayEquals(expected, soft, 1e-6f);
      t.soften(x, 5, 2, soft); // a smaller last batch reuses the buffers
      Assertions.assertArrayEquals(Arrays.copyOf(expected, 5 * C),
          Arrays.copyOf(soft, 5 * C), 1e-6f);
    }
    assertEquals(List.of("teacher_tta"), assertThrows(SettingException.class,
        () -> new Distillation(List.of("t.onnx"), 0.5, 2, "rotate")).keys());
  }

  private static FloatBuffer direct(float[] x) {
    FloatBuffer b = ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    b.put(x);
    return b;
  }
}

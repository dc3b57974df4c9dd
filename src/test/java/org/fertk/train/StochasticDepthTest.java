package org.fertk.train;

import static org.fertk.model.TestSpecs.graph;
import static org.fertk.model.TestSpecs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.SyntheticFaces;
import org.fertk.model.Network;
import org.fertk.model.TestSpecs;
import org.fertk.util.SettingException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** Stochastic depth: which additions are residual, and a training pass that drops their branches. */
class StochasticDepthTest {
  private static final String CONV = "{'filters': 4, 'kernel_size': 3, 'padding': 'same'}";

  /** Two residual blocks: an identity shortcut, then a 1x1 projection shortcut. */
  private static Network twoBlocks() {
    return graph("out",
        node("Conv2D", "stem", CONV, "input_layer"),
        node("Conv2D", "a1", CONV, "stem"),
        node("Conv2D", "a2", CONV, "a1"),
        node("Add", "add_a", "{}", "stem", "a2"),
        node("Conv2D", "b1", "{'filters': 6, 'kernel_size': 3, 'padding': 'same'}", "add_a"),
        node("Conv2D", "b2", "{'filters': 6, 'kernel_size': 3, 'padding': 'same'}", "b1"),
        node("Conv2D", "proj", "{'filters': 6, 'kernel_size': 1}", "add_a"),
        node("Add", "add_b", "{}", "b2", "proj"),
        node("GlobalAveragePooling2D", "gap", "{}", "add_b"),
        node("Dense", "out", "{'units': 7, 'activation': 'softmax'}", "gap"));
  }

  @Test
  void theDeeperInputOfEachAddIsTheBranch() {
    Network m = twoBlocks();
    Map<Integer, Integer> branches = m.residualBranches();
    assertEquals(2, branches.size());
    List<String> names = m.layers().stream().map(l -> l.name()).toList();
    assertEquals(1, branches.get(names.indexOf("add_a"))); // add_a(stem, a2): a2 is the branch
    assertEquals(0, branches.get(names.indexOf("add_b"))); // add_b(b2, proj): b2 is the branch
    assertEquals(Map.of(), TestSpecs.model(TestSpecs.FLATTEN + ", " + TestSpecs.OUT).residualBranches());
  }

  @Test
  void theShippedResidualSpecsHaveABranchPerBlock() {
    for (String spec : List.of("graphs/resnet-basic.json", "graphs/mini-xception.json")) {
      Network m = Network.load(Path.of(spec), 0);
      long adds = m.layers().stream().filter(l -> l.className().equals("Add")).count();
      assertEquals(adds, m.residualBranches().size(), spec);
      assertEquals(true, adds >= 4, spec);
    }
  }

  @Test
  void theTrainingPassDropsBranchesPerStepSeedAndIsPlainWithoutIt() {
    FaceDataset faces = new SyntheticFaces(4).generate(16, 0);
    int n = faces.size();
    float[] x = new float[n * FaceDataset.PIXELS];
    float[] y = new float[n * Emotion.COUNT];
    float[] w = new float[n];
    for (int k = 0; k < n; k++) {
      faces.toUnitFloats(k, x, k * FaceDataset.PIXELS);
      y[k * Emotion.COUNT + faces.label(k)] = 1;
      w[k] = 1;
    }
    OptimizerConfig still = OptimizerConfig.sgd(0.01, 0, false); // stepped at lr 0: the weights stay
    try (TrainingGraph plain = new TrainingGraph(twoBlocks(), still, 1, false, Distillation.NONE, 0);
        TrainingGraph dropped = new TrainingGraph(twoBlocks(), still, 1, false, Distillation.NONE, 0.5)) {
      plain.initialize(1);
      dropped.initialize(1);
      float a = plain.step(x, y, w, n, 0f, 1, new long[] {1, 0}).loss();
      float b = plain.step(x, y, w, n, 0f, 2, new long[] {1, 1}).loss();
      assertEquals(a, b, 0f, "no random op without stochastic depth");
      float c = dropped.step(x, y, w, n, 0f, 1, new long[] {1, 0}).loss();
      float d = dropped.step(x, y, w, n, 0f, 2, new long[] {1, 1}).loss();
      float c2 = dropped.step(x, y, w, n, 0f, 3, new long[] {1, 0}).loss();
      assertNotEquals(c, d, "other masks, other loss");
      assertEquals(c, c2, 0f, "the same step seed, the same masks");
      // inference keeps every branch: both graphs predict the same
      Assertions.assertArrayEquals(plain.predict(x, n), dropped.predict(x, n), 0f);
    }
  }

  @Test
  void aNetworkWithoutResidualBranchesIsRefused() {
    SettingException e = assertThrows(SettingException.class, () -> new TrainingGraph(
        TestSpecs.model(TestSpecs.FLATTEN + ", " + TestSpecs.OUT), OptimizerConfig.adam(1e-3), 1, false,
        Distillation.NONE, 0.1));
    assertEquals(List.of("stochastic_depth"), e.keys());
  }
}

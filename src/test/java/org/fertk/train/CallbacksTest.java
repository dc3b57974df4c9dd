package org.fertk.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.fertk.FerException;
import org.junit.jupiter.api.Test;

/** EarlyStopping and ReduceLROnPlateau on scripted metric sequences, traced by hand from Keras 3. */
class CallbacksTest {
  private static Map<String, Double> logs(String key, double v) {
    return Map.of(key, v);
  }

  /** Runs ES over the values; returns the epoch it stopped at, or -1. */
  private static int stopEpoch(EarlyStopping es, String key, double... values) {
    for (int e = 0; e < values.length; e++) {
      if (es.onEpochEnd(e, logs(key, values[e])).stop()) {
        return e;
      }
    }
    return -1;
  }

  @Test
  void earlyStoppingPatience() {
    EarlyStopping es = new EarlyStopping(new EarlyStopping.Config("val_loss", 0, 2, "auto", null, false, 0));
    // best 0.9 at epoch 1; epochs 2 and 3 do not improve -> wait reaches 2 at epoch 3
    assertEquals(3, stopEpoch(es, "val_loss", 1.0, 0.9, 0.95, 0.97, 0.85));
    assertEquals(1, es.state().bestEpoch);
    assertEquals(3, es.state().stoppedEpoch);
  }

  @Test
  void earlyStoppingPatienceZeroStopsAtFirstNonImprovementButNeverAtEpochZero() {
    EarlyStopping es = new EarlyStopping(EarlyStopping.Config.defaults());
    assertEquals(2, stopEpoch(es, "val_loss", 1.0, 0.5, 0.5));
    EarlyStopping nan = new EarlyStopping(EarlyStopping.Config.defaults());
    assertFalse(nan.onEpochEnd(0, logs("val_loss", Double.NaN)).stop(), "epoch 0 never stops");
  }

  @Test
  void earlyStoppingMinDelta() {
    EarlyStopping es = new EarlyStopping(new EarlyStopping.Config("val_loss", 0.1, 1, "min", null, false, 0));
    // 0.95 is not 0.1 better than 1.0 -> wait 1 >= patience 1 -> stop at epoch 1
    assertEquals(1, stopEpoch(es, "val_loss", 1.0, 0.95, 0.8));
    EarlyStopping es2 = new EarlyStopping(new EarlyStopping.Config("val_loss", 0.1, 2, "min", null, false, 0));
    assertEquals(-1, stopEpoch(es2, "val_loss", 1.0, 0.95, 0.85));
    assertEquals(2, es2.state().bestEpoch);
  }

  @Test
  void earlyStoppingBaselineKeepsCountingWhileImprovingAboveIt() {
    EarlyStopping es = new EarlyStopping(new EarlyStopping.Config("val_loss", 0, 1, "auto", 0.5, false, 0));
    // every epoch improves but stays above the baseline: wait is never reset, yet an improving
    // epoch returns before the patience check, so Keras does not stop ...
    assertEquals(-1, stopEpoch(es, "val_loss", 1.0, 0.9, 0.8));
    assertEquals(3, es.state().wait);
    // ... until the first epoch without improvement
    assertTrue(es.onEpochEnd(3, logs("val_loss", 0.8)).stop());
  }

  @Test
  void earlyStoppingOnAccuracyMaximises() {
    EarlyStopping es = new EarlyStopping(new EarlyStopping.Config("val_accuracy", 0, 1, "auto", null, false, 0));
    assertEquals(2, stopEpoch(es, "val_accuracy", 0.5, 0.6, 0.55));
    assertEquals(1, es.state().bestEpoch);
  }

  @Test
  void earlyStoppingStartFromEpochAndBestWeights() {
    EarlyStopping es = new EarlyStopping(new EarlyStopping.Config("val_loss", 0, 1, "auto", null, true, 2));
    assertFalse(es.onEpochEnd(0, logs("val_loss", 0.1)).saveBestWeights(), "warm-up epochs are ignored");
    assertFalse(es.onEpochEnd(1, logs("val_loss", 0.1)).stop());
    assertFalse(es.restoreAtEnd());
    EarlyStopping.Decision d = es.onEpochEnd(2, logs("val_loss", 2.0));
    assertTrue(d.saveBestWeights(), "first monitored epoch: its weights are the best so far");
    assertTrue(es.restoreAtEnd());
    EarlyStopping.Decision stop = es.onEpochEnd(3, logs("val_loss", 3.0));
    assertTrue(stop.stop());
    assertFalse(stop.saveBestWeights());
    assertEquals(2, es.state().bestEpoch);
  }

  @Test
  void earlyStoppingRejectsUnknownMetric() {
    FerException e = assertThrows(FerException.class,
        () -> new EarlyStopping(new EarlyStopping.Config("val_f1", 0, 1, "auto", null, false, 0)));
    assertTrue(e.getMessage().startsWith("cannot monitor 'val_f1'"));
  }

  @Test
  void reduceLrWithCooldownAndFloor() {
    ReduceLROnPlateau r = new ReduceLROnPlateau(new ReduceLROnPlateau.Config("val_loss", 0.5, 2, "auto", 0, 1, 0.1));
    double lr = 1.0;
    double[] seen = new double[10];
    for (int e = 0; e < 10; e++) {
      lr = r.onEpochEnd(e, logs("val_loss", 1.0), lr);
      seen[e] = lr;
    }
    // e0 best; e1 wait 1; e2 wait 2 -> 0.5 (cooldown 1); e3 cooldown, wait 0 -> 1; e4 -> 0.25;
    // e5 wait 1; e6 -> 0.125; e7 wait 1; e8 -> max(0.0625, 0.1) = 0.1; then never below min_lr
    assertArrayEquals(new double[] {1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.1, 0.1}, seen, 1e-12);
  }

  @Test
  void reduceLrMinDeltaAndImprovementResets() {
    ReduceLROnPlateau r = new ReduceLROnPlateau(new ReduceLROnPlateau.Config("val_loss", 0.1, 1, "auto", 0.01, 0, 0));
    assertEquals(1.0, r.onEpochEnd(0, logs("val_loss", 1.0), 1.0));
    assertEquals(1.0, r.onEpochEnd(1, logs("val_loss", 0.98), 1.0), "0.02 better than 1.0 - 0.01");
    assertEquals(0.1, r.onEpochEnd(2, logs("val_loss", 0.975), 1.0), 1e-12, "0.005 better is not enough");
    ReduceLROnPlateau acc = new ReduceLROnPlateau(new ReduceLROnPlateau.Config("val_accuracy", 0.5, 1, "auto", 0, 0, 0));
    assertEquals(1.0, acc.onEpochEnd(0, logs("val_accuracy", 0.5), 1.0));
    assertEquals(1.0, acc.onEpochEnd(1, logs("val_accuracy", 0.6), 1.0), "accuracy maximises");
    assertEquals(0.5, acc.onEpochEnd(2, logs("val_accuracy", 0.6), 1.0), 1e-12);
  }

  @Test
  void reduceLrRejectsFactorAtLeastOne() {
    assertThrows(FerException.class, () -> new ReduceLROnPlateau.Config("val_loss", 1.0, 1, "auto", 0, 0, 0));
  }

  @Test
  void balancedClassWeightsFollowScikitLearn() {
    double[] w = ClassWeights.resolve("balanced", new int[] {10, 1, 10, 20, 10, 5, 14});
    // n = 70, 7 classes: 70 / (7 * count)
    assertArrayEquals(new double[] {1, 10, 1, 0.5, 1, 2, 10.0 / 14}, w, 1e-12);
    assertArrayEquals(new double[] {1, 2, 1, 1, 1, 1, 1}, ClassWeights.resolve("1,2,1,1,1,1,1", new int[7]), 0);
    assertThrows(FerException.class, () -> ClassWeights.resolve("1,2", new int[7]));
  }

  @Test
  void cosineScheduleWithWarmup() {
    TrainConfig c = TrainingTestSupport.config("graphs/paper-cnn-lstm.json", 4).withSchedule("cosine", 1);
    assertEquals(0.25e-3, c.scheduledLr(1e-3, 0, 4), 1e-12);
    assertEquals(1e-3, c.scheduledLr(1e-3, 3, 4), 1e-12);
    assertEquals(1e-3, c.scheduledLr(1e-3, 4, 4), 1e-12, "cosine starts at the base rate");
    assertEquals(0.5e-3, c.scheduledLr(1e-3, 4 + 6, 4), 1e-12, "half way through the 12 decay steps");
  }

  @Test
  void cosineWarmRestartsStartEachCycleAtAScaledPeak() {
    // 12 epochs of 4 steps: warm-up 1 epoch, cycle 1 epochs 1-8 (28 steps), cycle 2 epochs 8-12 (16 steps)
    TrainConfig c = TrainingTestSupport.config("graphs/paper-cnn-lstm.json", 12).restarts(List.of(8), 0.3)
        .withSchedule("cosine", 1);
    assertEquals(1e-3, c.scheduledLr(1e-3, 4, 4), 1e-12);
    assertEquals(0.5e-3, c.scheduledLr(1e-3, 4 + 14, 4), 1e-12, "half way through cycle 1");
    assertEquals(1e-3 * 0.5 * (1 + Math.cos(Math.PI * 27 / 28)), c.scheduledLr(1e-3, 31, 4), 1e-12);
    assertEquals(0.3e-3, c.scheduledLr(1e-3, 32, 4), 1e-12, "cycle 2 starts at 0.3 x the first peak");
    assertEquals(0.15e-3, c.scheduledLr(1e-3, 32 + 8, 4), 1e-12, "half way through cycle 2");
    // the first cycle is exactly the plain cosine schedule of a run as long as that cycle
    TrainConfig plain = TrainingTestSupport.config("graphs/paper-cnn-lstm.json", 8).withSchedule("cosine", 1);
    for (int step = 0; step < 32; step++) {
      assertEquals(plain.scheduledLr(1e-3, step, 4), c.scheduledLr(1e-3, step, 4), 1e-15, "step " + step);
    }
  }

  @Test
  void cosineRestartsAreChecked() {
    var cfg = TrainingTestSupport.config("graphs/paper-cnn-lstm.json", 12);
    FerException late = assertThrows(FerException.class,
        () -> cfg.restarts(List.of(12), 0.5).withSchedule("cosine", 1));
    assertTrue(late.getMessage().contains("cosine_restarts"), late.getMessage());
    assertThrows(FerException.class, () -> cfg.restarts(List.of(6, 4), 0.5).withSchedule("cosine", 1));
    assertThrows(FerException.class, () -> cfg.restarts(List.of(6), 0).withSchedule("cosine", 1));
    assertThrows(FerException.class, () -> cfg.restarts(List.of(6), 0.5).withSchedule("constant", 0));
  }

  @Test
  void swaLearningRateIsConstantFromTheFirstAveragedEpoch() {
    TrainConfig c = TrainingTestSupport.config("graphs/paper-cnn-lstm.json", 12).swa(8, 2e-4).withSchedule("cosine", 1);
    TrainConfig plain = TrainingTestSupport.config("graphs/paper-cnn-lstm.json", 12).withSchedule("cosine", 1);
    assertEquals(plain.scheduledLr(1e-3, 31, 4), c.scheduledLr(1e-3, 31, 4), 0, "the schedule runs until epoch 8");
    for (int step = 32; step < 48; step++) {
      assertEquals(2e-4, c.scheduledLr(1e-3, step, 4), 0);
    }
    FerException e = assertThrows(FerException.class,
        () -> TrainingTestSupport.config("graphs/paper-cnn-lstm.json", 12).swa(8, 0).build());
    assertTrue(e.getMessage().contains("swa_lr"), e.getMessage());
  }
}

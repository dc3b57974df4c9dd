package org.fertk.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fertk.data.ReadOptions;
import org.fertk.data.SplitSpec;
import org.fertk.model.TestSpecs;
import org.fertk.util.Json;

/** Builds small training configurations for tests. */
final class TrainingTestSupport {
  private TrainingTestSupport() {}

  /** Synthetic-data config with Keras defaults; tweak with the with* helpers below. */
  static Cfg config(String graph, int epochs) {
    return new Cfg(graph, epochs);
  }

  static final class Cfg {
    String graph;
    int epochs;
    int synthetic = 280;
    int batch = 32;
    OptimizerConfig optimizer = OptimizerConfig.adam(1e-3);
    String augment = "none";
    EarlyStopping.Config es;
    ReduceLROnPlateau.Config rlr;
    String schedule = "constant";
    int warmup;
    List<Integer> restarts = List.of();
    double restartFactor = 1;
    Integer swaStart;
    Double swaLr;
    double smoothing;
    String precision = TrainConfig.FLOAT32;
    long seed = 42;

    Cfg(String graph, int epochs) {
      this.graph = graph;
      this.epochs = epochs;
    }

    Cfg synthetic(int n) {
      synthetic = n;
      return this;
    }

    Cfg batch(int b) {
      batch = b;
      return this;
    }

    Cfg optimizer(OptimizerConfig o) {
      optimizer = o;
      return this;
    }

    Cfg augment(String a) {
      augment = a;
      return this;
    }

    Cfg earlyStopping(EarlyStopping.Config c) {
      es = c;
      return this;
    }

    Cfg reduceLr(ReduceLROnPlateau.Config c) {
      rlr = c;
      return this;
    }

    Cfg precision(String p) {
      precision = p;
      return this;
    }

    Cfg smoothing(double s) {
      smoothing = s;
      return this;
    }

    Cfg swa(int start) {
      swaStart = start;
      return this;
    }

    Cfg swa(int start, double lr) {
      swaStart = start;
      swaLr = lr;
      return this;
    }

    Cfg restarts(List<Integer> epochs, double factor) {
      restarts = epochs;
      restartFactor = factor;
      return this;
    }

    TrainConfig withSchedule(String s, int warmupEpochs) {
      schedule = s;
      warmup = warmupEpochs;
      return build();
    }

    TrainConfig build() {
      return new TrainConfig(graph, null, synthetic, new SplitSpec("usage", 0.2, 0, seed), epochs, batch,
          optimizer, 0, "none", augment, Augmentation.preset(augment), smoothing, es, rlr, schedule, warmup,
          restarts, restartFactor, swaStart, swaLr, precision, null, null, null, 0, seed);
    }
  }

  static Path specFile(Path dir, String layers) throws IOException {
    Path f = dir.resolve("spec.json");
    Files.writeString(f, Json.write(TestSpecs.json(layers)));
    return f;
  }

  static Trainer.Result train(TrainConfig c, Path runDir, boolean resume, Trainer.Listener l) {
    PreparedData p = DataPreparation.prepare(c, ReadOptions.STRICT, null);
    return new Trainer(c, runDir, true, new PrintWriter(new StringWriter()), 0).withListener(l).run(p, resume);
  }

  static Trainer.Result train(TrainConfig c, Path runDir) {
    return train(c, runDir, false, new Trainer.Listener() {});
  }
}

package org.fertk;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.fertk.data.ReadOptions;
import org.fertk.train.DataPreparation;
import org.fertk.train.PreparedData;
import org.fertk.run.RunFolder;
import org.fertk.train.TrainConfig;
import org.fertk.train.Trainer;
import org.fertk.util.AtomicOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model from Java, as {@code fer train} does (Keras' {@code model.fit}).
 *
 * <pre>{@code
 * TrainConfig config = TrainConfig.builder().graph(Path.of("graphs/paper-cnn-4conv-32to256-d256-512-do05.json")).epochs(1).build();
 * try (TrainedModel m = Training.fit(config, new Callback() {
 *   public void onEpochEnd(int epoch, Map<String, Double> logs) {
 *     System.out.println(epoch + ": " + logs);
 *   }
 * })) {
 *   m.export(Path.of("cnn.onnx"));
 * }
 * }</pre>
 *
 * <p>Needs TensorFlow Java on the class path (see the README's dependency list). Progress and
 * notes go to the SLF4J logger {@code org.fertk.Training} at INFO; nothing is printed.
 */
public final class Training {
  private static final Logger LOG = LoggerFactory.getLogger(Training.class);

  private Training() {}

  /**
   * Trains in a temporary run folder, deleted when the returned model is closed (for experiments
   * that keep nothing on disk but what they export).
   *
   * @param config the settings (architecture, data, optimizer, schedule, ...)
   * @param callbacks called in order after the toolkit's own callbacks
   * @return the trained model, to be closed after use
   * @throws FerException on bad data or a spec that does not build, and when training diverges
   */
  public static TrainedModel fit(TrainConfig config, Callback... callbacks) {
    Path dir;
    try {
      dir = Files.createTempDirectory("fer-training-");
      Files.delete(dir); // the trainer creates it, and removes it itself if training fails at once
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary run folder", e);
    }
    try {
      return run(config, dir, true, callbacks);
    } catch (RuntimeException e) {
      AtomicOutput.deleteQuietly(dir);
      throw e;
    }
  }

  /**
   * Trains into a run folder ({@code fer train --out}'s layout: SavedModel, history.csv,
   * checkpoints, manifest.json). A folder that already holds a checkpoint of the same settings
   * is resumed from its last epoch, every callback's state included; other settings are refused.
   *
   * @param config the settings
   * @param runFolder where the run is kept
   * @param callbacks called in order after the toolkit's own callbacks
   * @return the trained model; closing it leaves the folder in place
   * @throws FerException on bad data, changed settings, or a folder in use by another run
   */
  public static TrainedModel fit(TrainConfig config, Path runFolder, Callback... callbacks) {
    return run(config, Objects.requireNonNull(runFolder, "runFolder"), false, callbacks);
  }

  private static TrainedModel run(TrainConfig config, Path dir, boolean temporary, Callback... callbacks) {
    PrintWriter log = new PrintWriter(new LogWriter(), true);
    PreparedData data = DataPreparation.prepare(config, ReadOptions.STRICT, log);
    boolean resume = !temporary && new RunFolder(dir).hasCheckpoint();
    Trainer trainer = new Trainer(config, dir, !LOG.isInfoEnabled(), log, 0)
        .withCallbacks(List.of(callbacks)).withProgressBars(false)
        .withResumeHint("the same Training.fit call (it resumes from the run folder's last checkpoint)");
    if (temporary) {
      trainer.withHiddenRunFolder();
    }
    Trainer.Result r = trainer.run(data, resume);
    return new TrainedModel(r, data, temporary);
  }

  /** Lines written by the trainer, sent to the logger one by one. */
  private static final class LogWriter extends Writer {
    private final StringBuilder line = new StringBuilder();

    @Override
    public void write(char[] buf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        if (buf[i] == '\n') {
          LOG.info(line.toString());
          line.setLength(0);
        } else {
          line.append(buf[i]);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}

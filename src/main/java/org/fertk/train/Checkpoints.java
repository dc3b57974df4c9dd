package org.fertk.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fertk.util.AtomicOutput;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.fertk.run.RunFolder;

/**
 * Reading and writing checkpoints, in one place. A checkpoint is a folder holding the TF
 * variables, the {@link TrainState} (state.json) and, for weight averaging, the running average.
 * It is written beside the old one and swapped in, so a kill never leaves half a checkpoint.
 */
final class Checkpoints {
  private Checkpoints() {}

  static Path swaPath(Path checkpoint) {
    return checkpoint.resolve("swa-average.bin");
  }

  /** Writes "last" (and a copy as "best" when asked). */
  static void write(RunFolder run, TrainingGraph g, TrainState state, boolean best, WeightAverage swa) {
    Path tmp = run.checkpoints().resolve("last.tmp");
    AtomicOutput.deleteQuietly(tmp);
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    g.saveCheckpoint(RunFolder.variablesPrefix(tmp));
    AtomicOutput.writeString(RunFolder.statePath(tmp), TrainState.write(state));
    if (swa != null && swa.count() > 0) {
      swa.write(swaPath(tmp));
    }
    if (best) {
      Path btmp = run.checkpoints().resolve("best.tmp");
      AtomicOutput.deleteQuietly(btmp);
      RunFolder.copyFolder(tmp, btmp);
      RunFolder.replaceFolder(run.bestCheckpoint(), btmp);
    }
    RunFolder.replaceFolder(run.lastCheckpoint(), tmp);
  }

  static TrainState readState(Path checkpoint) {
    Path file = RunFolder.statePath(checkpoint);
    try {
      return TrainState.read(Files.readString(file));
    } catch (IOException e) {
      throw new FerException(file + ": unreadable checkpoint state (" + e.getMessage() + ")");
    }
  }

  static void restoreWeights(TrainingGraph g, Path checkpoint) {
    g.restoreCheckpoint(RunFolder.variablesPrefix(checkpoint));
  }

  /** The running weight average saved with a checkpoint, or a new one when there is none. */
  static WeightAverage readAverage(Path checkpoint) {
    Path f = swaPath(checkpoint);
    return Files.isRegularFile(f) ? WeightAverage.read(f) : new WeightAverage();
  }
}

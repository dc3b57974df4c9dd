package org.fertk.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.fertk.util.AtomicOutput;

/**
 * The files of a training run: one place that knows the layout (see the package's description),
 * for the trainer that writes it and for analysis, import, study and scoring that read it.
 */
public record RunFolder(Path dir) {
  /** The names a run folder's files and folders have (what training writes there). */
  public static final Set<String> FILES = Set.of("manifest.json", "spec.json", "run-config.json", "history.csv",
      "saved_model", "model.onnx", "checkpoints", "checkpoints.part", "saved_model.tmp");

  public Path manifest() {
    return dir.resolve("manifest.json");
  }

  public Path spec() {
    return dir.resolve("spec.json");
  }

  public Path config() {
    return dir.resolve("run-config.json");
  }

  public Path history() {
    return dir.resolve("history.csv");
  }

  public Path savedModel() {
    return dir.resolve("saved_model");
  }

  public Path onnx() {
    return dir.resolve("model.onnx");
  }

  public Path checkpoints() {
    return dir.resolve("checkpoints");
  }

  public Path lastCheckpoint() {
    return checkpoints().resolve("last");
  }

  public Path bestCheckpoint() {
    return checkpoints().resolve("best");
  }

  /** Variables prefix inside a checkpoint folder. */
  public static Path variablesPrefix(Path checkpoint) {
    return checkpoint.resolve("model");
  }

  public static Path statePath(Path checkpoint) {
    return checkpoint.resolve("state.json");
  }

  public Path predictions(String split) {
    return dir.resolve("predictions-" + split + ".csv");
  }

  public Path report() {
    return dir.resolve("report");
  }

  public boolean hasCheckpoint() {
    return Files.isRegularFile(statePath(lastCheckpoint()));
  }

  /**
   * Replaces a checkpoint folder by a freshly written one: write into a sibling temp folder,
   * then swap, so a crash never leaves a half-written "last" checkpoint.
   */
  public static void replaceFolder(Path target, Path freshlyWritten) {
    try {
      Path old = target.resolveSibling(target.getFileName() + ".old");
      AtomicOutput.deleteQuietly(old);
      if (Files.exists(target)) {
        Files.move(target, old);
      }
      AtomicOutput.move(freshlyWritten, target);
      AtomicOutput.deleteQuietly(old);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes this (empty) run folder continue another run: copies that run's checkpoints and settings
   * here, so the next resume starts where it stopped and checks the new settings against its own.
   * Copied into a temp folder first, so an interruption never leaves a half-copied checkpoint.
   * (How many epochs it holds is the trainer's to read: {@code Trainer.epochsSaved}.)
   */
  public void startFrom(RunFolder source) {
    if (hasCheckpoint()) {
      throw new IllegalStateException(dir + " already holds a checkpoint");
    }
    Path tmp = dir.resolve("checkpoints.part");
    try {
      Files.createDirectories(dir);
      AtomicOutput.deleteQuietly(tmp);
      for (Path sub : List.of(source.lastCheckpoint(), source.bestCheckpoint())) {
        if (Files.isDirectory(sub)) {
          copyFolder(sub, tmp.resolve(sub.getFileName()));
        }
      }
      if (Files.isRegularFile(source.config())) { // the resume then checks the new settings against it
        AtomicOutput.writeString(config(), Files.readString(source.config()));
      }
      AtomicOutput.deleteQuietly(checkpoints());
      AtomicOutput.move(tmp, checkpoints());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + source.checkpoints() + " to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Copies the files of a flat folder (a checkpoint) into a new folder. */
  /** Copies the files of a folder (one level, as a checkpoint holds them) into a new folder. */
  public static void copyFolder(Path from, Path to) {
    try {
      Files.createDirectories(to);
      try (var files = Files.list(from)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package org.fertk.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.fertk.data.DatasetLoader;
import org.fertk.data.LoadedData;
import org.fertk.data.ReadOptions;
import org.fertk.util.UsageException;
import picocli.CommandLine.Option;

/** Options shared by every command that reads a dataset. */
final class DataInputOptions {
  @Option(names = "--skip-bad-rows",
      description = "Skip malformed rows or undecodable images and report them, instead of failing.")
  boolean skipBadRows;

  @Option(names = "--max-image-pixels", paramLabel = "N", defaultValue = "100000000",
      description = "Refuse images declaring more pixels than this, before decoding them "
          + "(default ${DEFAULT-VALUE}; guards against decompression bombs).")
  long maxImagePixels;

  ReadOptions readOptions() {
    if (maxImagePixels < 1) {
      throw new UsageException("--max-image-pixels must be positive, got " + maxImagePixels);
    }
    return ReadOptions.STRICT.withSkipBadRows(skipBadRows).withMaxImagePixels(maxImagePixels);
  }

  /** Loads a file or folder and reports skipped rows on stderr. */
  LoadedData load(Path path, PrintWriter err) {
    LoadedData d = DatasetLoader.load(path, readOptions());
    d.report(err);
    return d;
  }
}

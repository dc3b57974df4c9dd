package org.fertk.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fertk.data.DatasetStats;
import org.fertk.data.FaceDataset;
import org.fertk.data.Fer2013CsvWriter;
import org.fertk.data.SampleGrid;
import org.fertk.data.SplitSpec;
import org.fertk.data.SyntheticFaces;
import org.fertk.data.Usage;
import org.fertk.util.AtomicOutput;
import org.fertk.FerException;
import org.fertk.util.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "data", description = "Inspect, generate and split datasets.",
    mixinStandardHelpOptions = true,
    subcommands = {DataCommand.Stats.class, DataCommand.Show.class, DataCommand.Synth.class,
        DataCommand.Split.class})
final class DataCommand extends BaseCommand {
  /** Bare `fer data`: its help. */
  @Override
  public Integer call() {
    return missingCommand(spec.commandLine());
  }


  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Class distribution per split, counts and %% (the study's Table 1).")
  static final class Stats extends BaseCommand {
    @Parameters(paramLabel = "FILE", description = "FER2013 CSV(.gz) or image folder.")
    Path file;

    @Mixin
    DataInputOptions input;

    @Override
    public Integer call() {
      FaceDataset d = input.load(file, err()).dataset();
      out().printf("%s: %,d faces%n%n", file, d.size());
      out().print(DatasetStats.table(d).toMarkdown());
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Write a PNG grid of sample faces per class (the study's Table 2).")
  static final class Show extends BaseCommand {
    @Parameters(paramLabel = "FILE", description = "FER2013 CSV(.gz) or image folder.")
    Path file;

    @Option(names = "--out", required = true, paramLabel = "FILE",
        description = "Picture to write: .png, .jpg or .bmp (the name's ending picks the format).")
    Path out;

    @Option(names = "--per-class", paramLabel = "PER_CLASS", defaultValue = "8", description = "Faces per class (default ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--scale", paramLabel = "SCALE", defaultValue = "2", description = "Pixel scale factor (default ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--split", paramLabel = "SPLIT", description = "Only faces of this Usage split (Training, PublicTest, PrivateTest).")
    String split;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "Which samples to pick (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DataInputOptions input;

    @Override
    public Integer call() {
      if (perClass < 1 || perClass > 64) {
        throw new UsageException("--per-class must be between 1 and 64, got " + perClass);
      }
      if (scale < 1 || scale > 8) {
        throw new UsageException("--scale must be between 1 and 8, got " + scale);
      }
      FaceDataset d = input.load(file, err()).dataset();
      if (split != null) {
        d = d.only(SplitOption.parse(split));
      }
      SampleGrid.write(SampleGrid.render(d, perClass, scale, seed), out);
      out().println("wrote " + out);
      return 0;
    }
  }

  @Command(name = "synth", mixinStandardHelpOptions = true,
      description = "Generate procedural synthetic faces in the FER2013 CSV layout.")
  static final class Synth extends BaseCommand {
    @Option(names = "--n", paramLabel = "N", defaultValue = "3500", description = "Number of faces (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--test-fraction", paramLabel = "TEST_FRACTION", defaultValue = "0.2",
        description = "Stratified fraction marked PublicTest; the rest is Training (default ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--out", paramLabel = "OUT", required = true, description = "CSV or CSV.gz file to write.")
    Path out;

    @Override
    public Integer call() {
      if (n < 1) {
        throw new UsageException("--n must be positive, got " + n);
      }
      if (!(testFraction >= 0 && testFraction < 1)) {
        throw new UsageException("--test-fraction must be in [0,1), got " + testFraction);
      }
      FaceDataset d = new SyntheticFaces(seed).generate(n, testFraction);
      Fer2013CsvWriter.write(d, out);
      out().printf("wrote %,d synthetic faces to %s%n", d.size(), out);
      return 0;
    }
  }

  @Command(name = "split", mixinStandardHelpOptions = true,
      description = "Split a dataset into train/val/test CSV files (by Usage or stratified random).")
  static final class Split extends BaseCommand {
    @Parameters(paramLabel = "FILE", description = "FER2013 CSV(.gz) or image folder.")
    Path file;

    @Option(names = "--by", paramLabel = "BY", defaultValue = "usage", description = "usage or random (default ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--test-fraction", paramLabel = "TEST_FRACTION", defaultValue = "0.2", description = "For --by random (default ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--val-fraction", paramLabel = "VAL_FRACTION", defaultValue = "0",
        description = "Stratified fraction of the training part kept for validation (default ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "OUT_DIR", required = true, description = "Folder for train.csv, val.csv, test.csv.")
    Path outDir;

    @Option(names = "--gzip", description = "Write .csv.gz files.")
    boolean gzip;

    @Mixin
    DataInputOptions input;

    @Override
    public Integer call() {
      SplitSpec spec;
      try {
        spec = new SplitSpec(by.toLowerCase(Locale.ROOT), testFraction, valFraction, seed);
      } catch (FerException e) {
        throw new UsageException(CliText.of(e, this));
      }
      FaceDataset d = input.load(file, err()).dataset();
      SplitSpec.DataSplit s = spec.apply(d);
      String ext = gzip ? ".csv.gz" : ".csv";
      boolean random = spec.mode().equals("random");
      Map<String, FaceDataset> parts = new LinkedHashMap<>();
      parts.put("train", random ? s.train().withUsage(Usage.TRAINING) : s.train());
      if (!s.valIsTest()) {
        parts.put("val", random ? s.val().withUsage(Usage.TRAINING) : s.val());
      }
      parts.put("test", random ? s.test().withUsage(Usage.PUBLIC_TEST) : s.test());
      for (var e : parts.entrySet()) {
        if (e.getValue().size() == 0) {
          throw new FerException(file + ": the split leaves no faces for " + e.getKey() + ext
              + (spec.mode().equals("usage") ? " (the file has no " + (e.getKey().equals("test") ? "PublicTest"
                  : "Training") + " rows; try --by random)" : " (too few faces for the fractions asked)"));
        }
      }
      // the whole folder at once: no file of an earlier split (val.csv, .csv beside .csv.gz) survives
      AtomicOutput.replaceFolder(outDir, Split::isSplitFile, tmp -> {
        for (var e : parts.entrySet()) {
          Fer2013CsvWriter.write(e.getValue(), tmp.resolve(e.getKey() + ext));
        }
      });
      for (var e : parts.entrySet()) {
        out().printf("wrote %,d faces to %s%n", e.getValue().size(), outDir.resolve(e.getKey() + ext));
      }
      return 0;
    }

    /** The files a split folder holds, so that a re-split may replace it. */
    static boolean isSplitFile(String name) {
      return name.matches("(train|val|test)\\.csv(\\.gz)?");
    }
  }

  DataCommand() {}
}

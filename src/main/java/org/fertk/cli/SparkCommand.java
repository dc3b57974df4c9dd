package org.fertk.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.fertk.data.Usage;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.spark.SparkScoring;
import org.fertk.FerException;
import org.fertk.util.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "spark", mixinStandardHelpOptions = true,
    description = "Score and evaluate on Apache Spark (the launcher puts Spark on the classpath for this command only).",
    subcommands = {SparkCommand.Score.class})
final class SparkCommand extends BaseCommand {
  @Override
  public Integer call() {
    throw new UsageException("say what to run: fer spark score ...");
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = {"Score FER2013 CSV files on Spark with ONNX Runtime in the executors and write predictions "
          + "in fer score's layout (CSV part files with headers, or Parquet), keyed by each face's line; then print "
          + "the metrics computed with Spark aggregations.",
          "DATA and --out may be any path Spark's file systems read (file:, hdfs:, s3a:)."})
  static final class Score extends BaseCommand {
    @Option(names = "--master", paramLabel = "MASTER", defaultValue = "local[*]",
        description = "Spark master (default ${DEFAULT-VALUE}; under spark-submit, the one it gives).")
    String master;

    @Option(names = "--model", paramLabel = "MODELS", required = true, split = ",", description = "ONNX file(s) or folders with model.onnx; several are averaged.")
    List<Path> models;

    @Option(names = "--data", paramLabel = "DATA", required = true, arity = "1..*",
        description = "FER2013 CSV file(s) (plain or .gz), image folders (<root>/<class>/* or <root>/<split>/<class>/*), "
            + "or Parquet files/folders with a column of image bytes.")
    List<String> data;

    @Option(names = "--image-column", paramLabel = "IMAGE_COLUMN", defaultValue = "image",
        description = "Parquet input: the column of encoded pictures (default ${DEFAULT-VALUE}).")
    String imageColumn;

    @Option(names = "--label-column", paramLabel = "LABEL_COLUMN", defaultValue = "emotion",
        description = "Parquet input: the column of true labels 0..6, if any (default ${DEFAULT-VALUE}).")
    String labelColumn;

    @Option(names = "--out", paramLabel = "OUT", required = true, description = "Output folder (must not exist; written whole or not at all).")
    Path out;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv", description = "csv (default) or parquet.")
    String format;

    @Option(names = "--split", paramLabel = "SPLIT", description = "Only this Usage split (Training, PublicTest, PrivateTest).")
    String split;

    @Option(names = "--batch-size", paramLabel = "BATCH_SIZE", defaultValue = "64", description = "Faces per ONNX Runtime call (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--tta", paramLabel = "TTA", defaultValue = "none", description = "Test-time augmentation as in fer score: none, flip, crops.")
    String tta;

    @Option(names = "--skip-bad-rows", description = "Skip and count bad rows instead of failing on the first.")
    boolean skipBadRows;

    @Option(names = "--faces", defaultValue = "auto", paramLabel = "MODE",
        description = "Pictures: 'auto' (default) finds the faces in pictures larger than 96x96 (one row per face, with "
            + "its number and box, as fer score writes for photos), 'detect' in every picture, 'whole' takes every "
            + "picture as one face. The detector runs in the executors.")
    String faces;

    @Mixin
    FaceDetectionOptions detection;

    @Option(names = "--partitions", paramLabel = "PARTITIONS", defaultValue = "0",
        description = "Least number of partitions per plain CSV file (default: Spark's, from the file's size).")
    int partitions;

    @Override
    public Integer call() {
      String fmt = format.toLowerCase(Locale.ROOT);
      if (!fmt.equals("csv") && !fmt.equals("parquet")) {
        throw new UsageException("--format must be csv or parquet, got '" + format + "'");
      }
      if (batchSize < 1) {
        throw new UsageException("--batch-size must be positive, got " + batchSize);
      }
      if (!master.matches("local(\\[(\\*|\\d+)(,\\d+)?\\])?|local-cluster\\[.+\\]|(spark|k8s|mesos)://.+|yarn")) {
        throw badValue("--master", "must be local, local[N], local[*], spark://HOST:PORT, yarn or k8s://URL");
      }
      if (partitions < 0) {
        throw badValue("--partitions", "must be 0 (Spark's choice) or more");
      }
      try {
        TestTimeAugmentation.parse(tta);
      } catch (FerException e) {
        throw new UsageException(CliText.of(e, this));
      }
      String mode = FaceDetectionOptions.facesMode(faces);
      Usage only = split == null ? null : Usage.fromAlias(split);
      if (split != null && only == null) {
        throw new UsageException("--split must be Training, PublicTest or PrivateTest, got '" + split + "'");
      }
      try {
        return SparkScoreRunner.run(this, master, new SparkScoring.Options(models, data, out,
            fmt, only, batchSize, tta, skipBadRows, partitions, imageColumn, labelColumn,
            mode, detection.settings()));
      } catch (NoClassDefFoundError e) {
        throw SparkClasspath.missing(e, "fer spark");
      }
    }
  }
}

package org.fertk.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.Scores;
import org.fertk.data.Usage;
import org.fertk.face.FaceDetector;
import org.fertk.score.OrtEngine;
import org.fertk.score.Scorer;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.FerException;
import org.fertk.util.Progress;
import scala.Tuple2;

/**
 * `fer spark score`: FER2013 CSV files scored on Spark with the same models, test-time
 * augmentation and output layout as `fer score`. The models are read once on the driver and
 * broadcast; each executor JVM opens one ONNX Runtime session per model on first use, with as
 * many intra-op threads as a task has CPUs (spark.task.cpus: the executor's cores are already
 * shared out among its concurrent tasks), and scores its partitions in mini-batches. The output
 * is written under a temporary name and renamed into place when the job has succeeded.
 */
public final class SparkScoring {
  /**
   * What to score and how; {@code split} null scores every row; {@code faces} says how pictures
   * become faces (auto, detect, whole: as `fer score --faces`) with {@code detection}'s settings.
   */
  public record Options(List<Path> models, List<String> data, Path out, String format, Usage split, int batchSize,
      String tta, boolean skipBadRows, int minPartitions, String imageColumn, String labelColumn, String faces,
      FaceDetector.Options detection) {
    /** FER2013 CSV input (no Parquet columns to name), pictures framed as `fer score` frames them. */
    public Options(List<Path> models, List<String> data, Path out, String format, Usage split, int batchSize,
        String tta, boolean skipBadRows, int minPartitions) {
      this(models, data, out, format, split, batchSize, tta, skipBadRows, minPartitions, "image", "emotion", "auto",
          FaceDetector.Options.DEFAULTS);
    }

    /** The same with pictures framed another way. */
    public Options withFaces(String mode, FaceDetector.Options settings) {
      return new Options(models, data, out, format, split, batchSize, tta, skipBadRows, minPartitions, imageColumn,
          labelColumn, mode, settings);
    }
  }

  /**
   * What a job did: faces scored, rows skipped (with the first few described), pictures in which
   * no face was found (with the first few named), where it wrote.
   */
  public record Result(long faces, long skipped, List<String> firstSkipped, long withoutFace,
      List<String> firstWithoutFace, String output, Dataset<Row> predictions) {}

  /** Test hook: fail each scoring task's first attempt, to check that Spark's retry loses and duplicates nothing. */
  static final String FAIL_FIRST_ATTEMPT = "fer.spark.failFirstAttempt";

  static final StructType SCHEMA = schema(false);
  /** With the face's number and box after the source, as `fer score` writes for photos. */
  static final StructType PHOTO_SCHEMA = schema(true);

  private static StructType schema(boolean photos) {
    List<StructField> f = new ArrayList<>();
    f.add(DataTypes.createStructField("index", DataTypes.LongType, false));
    f.add(DataTypes.createStructField("true_label", DataTypes.IntegerType, true));
    f.add(DataTypes.createStructField("pred_label", DataTypes.IntegerType, false));
    for (String k : Emotion.keys()) {
      f.add(DataTypes.createStructField("p_" + k, DataTypes.FloatType, false));
    }
    f.add(DataTypes.createStructField("source", DataTypes.StringType, false));
    if (photos) {
      for (String c : List.of("face", "x", "y", "width", "height")) {
        f.add(DataTypes.createStructField(c, DataTypes.IntegerType, true));
      }
    }
    return DataTypes.createStructType(f);
  }

  private SparkScoring() {}

  public static Result run(SparkSession spark, Options o) {
    if (!o.format().equals("csv") && !o.format().equals("parquet")) {
      throw new FerException(FerException.setting("format") + " must be csv or parquet, got '" + o.format() + "'");
    }
    TestTimeAugmentation tta = TestTimeAugmentation.parse(o.tta());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> names = new ArrayList<>();
    List<byte[]> models = readModels(o.models(), names);
    ImageFaces.Framing framing = new ImageFaces.Framing(o.faces(), o.detection());
    JavaRDD<FaceRow> rows = null;
    boolean pictures = false;
    for (String d : o.data()) {
      String kind = kind(spark, d);
      pictures |= !kind.equals("csv");
      JavaRDD<FaceRow> r = switch (kind) {
        case "parquet" -> ImageFaces.parquet(spark, d, o.imageColumn(), o.labelColumn(), framing);
        case "images" -> ImageFaces.folder(spark, d, o.split(), framing);
        default -> CsvFaces.read(sc, d, o.split(), o.minPartitions());
      };
      rows = rows == null ? r : rows.union(r);
    }
    boolean photoLayout = pictures && framing.detects();
    rows = rows.cache();
    Map<Integer, Long> kinds = rows.map(FaceRow::kind).countByValue(); // one pass counts all three
    long skipped = kinds.getOrDefault(FaceRow.BAD, 0L);
    long withoutFace = kinds.getOrDefault(FaceRow.NO_FACE, 0L);
    long scorable = kinds.getOrDefault(FaceRow.FACE, 0L);
    if (skipped + withoutFace + scorable == 0) { // as fer score: nothing to score is an error, not an empty output
      rows.unpersist();
      throw new FerException(String.join(", ", o.data()) + ": " + (o.split() != null ? "no " + o.split().label()
          + " rows" : pictures ? "no pictures" : "no data rows after the header"));
    }
    List<String> firstBad = new ArrayList<>();
    if (skipped > 0) {
      rows.filter(FaceRow::bad).take(10).forEach(b -> firstBad.add(b.describe()));
      // photos, as in fer score, are skipped and named: one unreadable picture does not stop the others
      if (!o.skipBadRows() && !(photoLayout && holdsPhotos(rows, framing, withoutFace))) {
        rows.unpersist();
        throw new FerException(firstBad.get(0) + (skipped > 1 ? " (and " + (skipped - 1)
            + " more bad rows; " + FerException.setting("skip_bad_rows") + " skips them)" : " (" + FerException.setting("skip_bad_rows") + " skips such rows)"))
            ;
      }
    }
    List<String> firstNone = withoutFace == 0 ? List.of()
        : rows.filter(FaceRow::noFaceFound).take(10).stream().map(FaceRow::file).toList();
    boolean severalFiles = o.data().size() > 1;
    Broadcast<List<byte[]>> shipped = sc.broadcast(models);
    Dataset<Row> predictions = score(spark, rows.filter(FaceRow::scorable), scorable, shipped, names, o.batchSize(), tta,
        severalFiles, photoLayout);
    String out = o.out().toString();
    write(spark, predictions, out, o.format());
    Dataset<Row> written = spark.read().format(o.format()).options(readOptions(o.format()))
        .schema(photoLayout ? PHOTO_SCHEMA : SCHEMA).load(out);
    long faces = written.count(); // what the output holds, not what went in: a duplicated or lost row shows here
    rows.unpersist();
    shipped.destroy();
    return new Result(faces, skipped, firstBad, withoutFace, firstNone, out, written);
  }

  /**
   * fer score's rule for what is a photo: with --faces detect every picture, with auto one larger
   * than a pre-cut face (searched for faces: a face found off the picture's corner, or none found).
   */
  private static boolean holdsPhotos(JavaRDD<FaceRow> rows, ImageFaces.Framing framing, long withoutFace) {
    if (framing.always() || withoutFace > 0) {
      return true;
    }
    return !rows.filter(r -> r.box() != null && (r.box()[0] != 0 || r.box()[1] != 0)).isEmpty();
  }

  /** csv (a file), parquet (a .parquet file, or a folder holding some) or images (another folder). */
  private static String kind(SparkSession spark, String path) {
    if (path.endsWith(".parquet")) {
      return "parquet";
    }
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw new FerException(path + ": not found");
      }
      if (!fs.getFileStatus(p).isDirectory()) {
        return "csv";
      }
      for (FileStatus s : fs.listStatus(p)) {
        if (s.getPath().getName().endsWith(".parquet")) {
          return "parquet";
        }
      }
      return "images";
    } catch (IOException e) {
      throw new FerException(path + ": cannot read (" + e.getMessage() + ")");
    }
  }

  /**
   * Good rows (how many: {@code faces}) to predictions (index in partition order), scored by each
   * executor's shared sessions.
   */
  static Dataset<Row> score(SparkSession spark, JavaRDD<FaceRow> good, long faces, Broadcast<List<byte[]>> models,
      List<String> names, int batchSize, TestTimeAugmentation tta, boolean severalFiles, boolean photoLayout) {
    JavaPairRDD<Long, FaceRow> indexed = good.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()));
    int cores = spark.sparkContext().defaultParallelism();
    if (indexed.getNumPartitions() < cores) {
      // fewer splits than cores (a .gz file is one): spread the faces over ranges of their index,
      // each range sorted, so that every core scores and the output stays in input order
      indexed = indexed.repartitionAndSortWithinPartitions(new IndexRanges(cores, faces));
    }
    JavaRDD<Row> scored = indexed.mapPartitions(new ScorePartition(models, names, batchSize, tta.name(), severalFiles,
        photoLayout));
    return spark.createDataFrame(scored, photoLayout ? PHOTO_SCHEMA : SCHEMA);
  }

  /** The model files' bytes, each checked by opening it once here on the driver. */
  static List<byte[]> readModels(List<Path> paths, List<String> names) {
    List<byte[]> models = new ArrayList<>();
    for (Path m : paths) {
      Path file = OrtEngine.modelFile(m);
      try {
        models.add(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new FerException(file + ": cannot read the model (" + e.getMessage() + ")");
      }
      names.add(file.toString());
      OrtEngine.open(models.get(models.size() - 1), 1, file.toString()).close(); // a bad model fails here, not in a task
    }
    return models;
  }

  static Map<String, String> readOptions(String format) {
    return format.equals("csv") ? Map.of("header", "true") : Map.of();
  }

  /** Writes beside the target, then renames: the final name holds a whole output or nothing. */
  private static void write(SparkSession spark, Dataset<Row> predictions, String out, String format) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(out);
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(),
        tempPrefix(target) + PID + "-" + spark.sparkContext().applicationId());
    try {
      FileSystem fs = target.getFileSystem(conf);
      removeStaleTemps(fs, target);
      if (fs.exists(target)) {
        throw new FerException(out + ": already exists; choose a new " + FerException.setting("out") + " folder");
      }
      try {
        predictions.write().mode(SaveMode.ErrorIfExists).format(format).options(readOptions(format))
            .option("emptyValue", "").save(tmp.toString());
        if (!fs.rename(tmp, target)) {
          throw new FerException(out + ": cannot move the finished output into place from " + tmp);
        }
      } finally {
        if (fs.exists(tmp)) {
          fs.delete(tmp, true);
        }
      }
    } catch (IOException e) {
      throw new FerException(out + ": cannot write (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      FerException user = SparkErrors.userError(e);
      if (user != null) {
        throw user;
      }
      throw e;
    }
  }

  private static final long PID = ProcessHandle.current().pid();

  /** ".OUT.tmp-HOST-" names the machine whose driver writes it; the pid and the application id follow. */
  private static String tempPrefix(org.apache.hadoop.fs.Path target) {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    return "." + target.getName() + ".tmp-" + host.replace('-', '_') + "-";
  }

  /**
   * Removes the temporary outputs of this target left by drivers on this machine that no longer
   * run (killed with -9, no chance to clean up); another machine's or a live driver's are kept.
   */
  private static void removeStaleTemps(FileSystem fs, org.apache.hadoop.fs.Path target) throws IOException {
    String prefix = tempPrefix(target);
    if (!fs.exists(target.getParent())) {
      return;
    }
    for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(target.getParent())) {
      String n = f.getPath().getName();
      if (n.startsWith(prefix)) {
        int dash = n.indexOf('-', prefix.length());
        try {
          long pid = Long.parseLong(n.substring(prefix.length(), dash < 0 ? n.length() : dash));
          if (pid != PID && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            fs.delete(f.getPath(), true);
          }
        } catch (NumberFormatException e) {
          // not one of ours
        }
      }
    }
  }

  /** Contiguous ranges of the face index, one per partition. */
  private static final class IndexRanges extends Partitioner {
    private final int parts;
    private final long total;

    IndexRanges(int parts, long total) {
      this.parts = parts;
      this.total = Math.max(1, total);
    }

    @Override
    public int numPartitions() {
      return parts;
    }

    @Override
    public int getPartition(Object key) {
      return (int) Math.min(parts - 1, (Long) key * parts / total);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IndexRanges r && r.parts == parts && r.total == total;
    }

    @Override
    public int hashCode() {
      return Objects.hash(parts, total);
    }
  }

  /** Scores one partition in mini-batches with the executor's shared sessions. */
  private static final class ScorePartition implements FlatMapFunction<Iterator<Tuple2<Long, FaceRow>>, Row> {
    private final Broadcast<List<byte[]>> models;
    private final List<String> names;
    private final int batch;
    private final String tta;
    private final boolean severalFiles;
    private final boolean photoLayout;

    ScorePartition(Broadcast<List<byte[]>> models, List<String> names, int batch, String tta, boolean severalFiles,
        boolean photoLayout) {
      this.models = models;
      this.names = names;
      this.batch = batch;
      this.tta = tta;
      this.severalFiles = severalFiles;
      this.photoLayout = photoLayout;
    }

    @Override
    public Iterator<Row> call(Iterator<Tuple2<Long, FaceRow>> it) {
      TaskContext task = TaskContext.get();
      if (Boolean.getBoolean(FAIL_FIRST_ATTEMPT) && task != null && task.attemptNumber() == 0) {
        throw new IllegalStateException("injected failure of the first attempt of task " + task.partitionId());
      }
      int threads = task == null ? 1 : Math.max(1, task.cpus());
      Scorer scorer = new Scorer(ExecutorModels.engines(models.value(), names, threads), batch,
          TestTimeAugmentation.parse(tta));
      return new BlockIterator<Tuple2<Long, FaceRow>, Row>(it) {
        @Override
        void fill(Iterator<Tuple2<Long, FaceRow>> it, List<Row> ready) {
          List<Tuple2<Long, FaceRow>> rows = new ArrayList<>(batch * 4);
          while (rows.size() < batch * 4 && it.hasNext()) {
            rows.add(it.next());
          }
          int n = rows.size();
          byte[] px = new byte[n * FaceDataset.PIXELS];
          byte[] labels = new byte[n];
          byte[] usages = new byte[n];
          int[] origins = new int[n];
          for (int i = 0; i < n; i++) {
            FaceRow r = rows.get(i)._2();
            System.arraycopy(r.pixels(), 0, px, i * FaceDataset.PIXELS, FaceDataset.PIXELS);
            labels[i] = (byte) r.label();
            origins[i] = (int) r.line();
          }
          FaceDataset faces = new FaceDataset("spark", px, labels, usages, origins, null);
          float[] probs = scorer.score(faces, Progress.NONE).probs();
          Scores s = new Scores(probs);
          for (int i = 0; i < n; i++) {
            FaceRow r = rows.get(i)._2();
            Object[] v = new Object[(photoLayout ? PHOTO_SCHEMA : SCHEMA).size()];
            v[0] = rows.get(i)._1();
            v[1] = r.label() >= 0 ? r.label() : null;
            v[2] = s.argmax(i);
            for (int c = 0; c < Emotion.COUNT; c++) {
              v[3 + c] = probs[i * Emotion.COUNT + c];
            }
            v[3 + Emotion.COUNT] = r.source(severalFiles);
            if (photoLayout && r.face() > 0) {
              v[4 + Emotion.COUNT] = r.face();
              for (int k = 0; k < 4; k++) {
                v[5 + Emotion.COUNT + k] = r.box()[k];
              }
            }
            ready.add(RowFactory.create(v));
          }
        }
      };
    }
  }
}

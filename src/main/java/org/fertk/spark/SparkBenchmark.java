package org.fertk.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.fertk.data.DatasetLoader;
import org.fertk.data.FaceDataset;
import org.fertk.data.ReadOptions;
import org.fertk.data.SyntheticFaces;
import org.fertk.score.Engine;
import org.fertk.score.OrtEngine;
import org.fertk.score.Scorer;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.util.AtomicOutput;
import org.fertk.util.Progress;
import org.fertk.util.TextTable;

/**
 * `fer bench spark`: faces/s of single-machine scoring (the baseline, in this process), of Spark
 * local[1] and local[2] on the same file, the fixed cost of a Spark job, and a scaling run on
 * faces generated inside the executors (a pool of synthetic faces repeated, never stored) at 1x,
 * 10x and 100x, written to Spark's no-op sink: throughput should stay flat as the data grows.
 */
public final class SparkBenchmark {
  /** What to measure. {@code data} null: synthetic faces only. */
  public record Options(Path model, String data, int baseFaces, int batchSize, int threads) {}

  private SparkBenchmark() {}

  public static String run(Options o, PrintWriter progress) {
    TextTable t = new TextTable("Run", "Faces", "Seconds", "Faces/s", "vs single machine").leftAlign(0);
    double baseline = 0;
    if (o.data() != null) {
      long t0 = System.nanoTime();
      FaceDataset faces = DatasetLoader.load(Path.of(o.data()), ReadOptions.STRICT).dataset();
      try (OrtEngine e = OrtEngine.open(o.model(), o.threads())) {
        new Scorer(List.of((Engine) e), o.batchSize(), TestTimeAugmentation.NONE).score(faces, Progress.NONE);
      }
      double s = (System.nanoTime() - t0) / 1e9;
      baseline = faces.size() / s;
      t.row("single machine: load + score (" + o.threads() + " threads)", faces.size(), fmt(s), fmt0(baseline), "1.00x");
      progress.println("single machine: " + fmt0(baseline) + " faces/s");
      progress.flush();
      for (String master : List.of("local[1]", "local[2]")) {
        SparkSession spark = session(master);
        try {
          Path out = Files.createTempDirectory("fer-bench-spark").resolve("out");
          long j0 = System.nanoTime();
          SparkScoring.Result r = SparkScoring.run(spark, new SparkScoring.Options(List.of(o.model()), List.of(o.data()),
              out, "parquet", null, o.batchSize(), "none", false, 0));
          double js = (System.nanoTime() - j0) / 1e9;
          t.row("Spark " + master + ": read, score, write Parquet, count", r.faces(), fmt(js), fmt0(r.faces() / js),
              String.format(Locale.ROOT, "%.2fx", r.faces() / js / baseline));
          progress.println("Spark " + master + ": " + fmt0(r.faces() / js) + " faces/s");
          progress.flush();
          AtomicOutput.deleteQuietly(out.getParent());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          spark.stop();
        }
      }
    }
    SparkSession spark = session("local[2]");
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<String> names = new ArrayList<>();
      Broadcast<List<byte[]>> models = sc.broadcast(SparkScoring.readModels(List.of(o.model()), names));
      // the fixed cost of a job: scoring a single face
      double overhead = timeGenerated(spark, sc, models, names, 1, 1, o.batchSize());
      t.row("Spark local[2]: one face (the cost of a job)", 1, fmt(overhead), "", "");
      for (int scale : new int[] {1, 10, 100}) {
        long n = (long) o.baseFaces() * scale;
        double s = timeGenerated(spark, sc, models, names, n, Math.max(2, scale * 2), o.batchSize());
        t.row("Spark local[2]: generated faces x" + scale + " to the no-op sink", n, fmt(s), fmt0(n / s),
            baseline > 0 ? String.format(Locale.ROOT, "%.2fx", n / s / baseline) : "");
        progress.println("generated x" + scale + ": " + fmt0(n / s) + " faces/s");
        progress.flush();
      }
    } finally {
      spark.stop();
    }
    return t.toMarkdown();
  }

  private static SparkSession session(String master) {
    SparkSession s = SparkSession.builder().master(master).appName("fer bench spark").config("spark.ui.enabled", "false")
        .getOrCreate();
    s.sparkContext().setLogLevel("ERROR");
    return s;
  }

  private static double timeGenerated(SparkSession spark, JavaSparkContext sc, Broadcast<List<byte[]>> models,
      List<String> names, long n, int partitions, int batch) {
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(p);
    }
    JavaRDD<FaceRow> faces = sc.parallelize(parts, partitions).mapPartitions(new Generate(n, partitions));
    long t0 = System.nanoTime();
    SparkScoring.score(spark, faces, n, models, names, batch, TestTimeAugmentation.NONE, false, false)
        .write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** A share of n faces, cycling through a pool of 1,000 synthetic faces made in the executor. */
  private static final class Generate implements FlatMapFunction<Iterator<Integer>, FaceRow> {
    private final long n;
    private final int partitions;

    Generate(long n, int partitions) {
      this.n = n;
      this.partitions = partitions;
    }

    @Override
    public Iterator<FaceRow> call(Iterator<Integer> it) {
      int p = it.next();
      long from = n * p / partitions;
      long to = n * (p + 1) / partitions;
      FaceDataset pool = new SyntheticFaces(7).generate((int) Math.min(1000, Math.max(1, to - from)), 0);
      return new Iterator<>() {
        private long i = from;

        @Override
        public boolean hasNext() {
          return i < to;
        }

        @Override
        public FaceRow next() {
          int k = (int) (i % pool.size());
          FaceRow r = new FaceRow("generated", i + 1, pool.label(k), null, pool.pixelsOf(k));
          i++;
          return r;
        }
      };
    }
  }

  private static String fmt(double s) {
    return String.format(Locale.ROOT, "%.2f", s);
  }

  private static String fmt0(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }
}

package org.fertk.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.fertk.DetectedFace;
import org.fertk.Emotion;
import org.fertk.FerModel;
import org.fertk.analysis.Agreement;
import org.fertk.analysis.ClassificationReport;
import org.fertk.analysis.Evaluation;
import org.fertk.analysis.Evaluator;
import org.fertk.analysis.PredictionSet;
import org.fertk.data.DatasetLoader;
import org.fertk.data.FaceDataset;
import org.fertk.data.FaceImages;
import org.fertk.data.Fer2013CsvWriter;
import org.fertk.data.ReadOptions;
import org.fertk.data.SyntheticFaces;
import org.fertk.data.Usage;
import org.fertk.face.FaceDetector;
import org.fertk.score.OrtEngine;
import org.fertk.score.Predictions;
import org.fertk.score.Scorer;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.FerException;
import org.fertk.util.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark local[2] gives what `fer score` gives: the same rows in the same order with the same
 * probabilities, the same metrics as `fer analyze`, one row per face after a task is retried, and
 * the same errors for bad rows, with nothing written under the output's name.
 */
class SparkScoringTest {
  private static final Path MODEL = Path.of("models/best/model-int8.onnx");

  @TempDir
  static Path tmp;

  static SparkSession spark;
  static Path csv;

  @BeforeAll
  static void start() {
    // local[2, 2]: two threads, and a failed task is retried once (plain local[n] never retries)
    spark = SparkSession.builder().master("local[2,2]").appName("test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    FaceDataset faces = new SyntheticFaces(11).generate(500, 0);
    csv = tmp.resolve("faces.csv");
    Fer2013CsvWriter.write(faces, csv);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static SparkScoring.Options options(Path out, List<String> data, boolean skip) {
    return new SparkScoring.Options(List.of(MODEL), data, out, "csv", null, 64, "none", skip, 3);
  }

  @Test
  void sameRowsOrderProbabilitiesAndMetricsAsFerScore() throws Exception {
    Path out = tmp.resolve("spark-out");
    SparkScoring.Result r = SparkScoring.run(spark, options(out, List.of(csv.toString()), false));
    assertEquals(500, r.faces());

    FaceDataset faces = DatasetLoader.load(csv, ReadOptions.STRICT).dataset();
    Path single = tmp.resolve("single.csv");
    try (OrtEngine e = OrtEngine.open(MODEL, 1)) {
      float[] probs = new Scorer(List.of(e), 64, TestTimeAugmentation.NONE).score(faces, Progress.NONE).probs();
      Predictions.write(single, faces, probs);
    }
    Agreement a = Agreement.of(out, single);
    assertEquals(500, a.faces());
    assertEquals(500, a.sameClass());
    assertTrue(a.maxProbDiff() <= 1e-6, "largest difference " + a.maxProbDiff());
    // same order: the index column follows the lines of the file
    List<Row> rows = r.predictions().orderBy("index").select("index", "source").collectAsList();
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(i, rows.get(i).getLong(0));
      assertEquals(Integer.toString(faces.origin(i)), rows.get(i).getString(1));
    }

    ClassificationReport spark = SparkEvaluation.of(r.predictions());
    Evaluation local = Evaluator.evaluate(PredictionSet.read(single));
    assertEquals(local.accuracy(), spark.accuracy(), 0);
    assertArrayEquals(local.precision(), spark.precision(), 0);
    assertArrayEquals(local.recall(), spark.recall(), 0);
    assertArrayEquals(local.f1(), spark.f1(), 0);
    assertEquals(local.macroF1(), spark.macroF1(), 0);
    for (int t = 0; t < 7; t++) {
      assertArrayEquals(local.confusion()[t], spark.confusion()[t]);
    }
  }

  @Test
  void aRetriedTaskLeavesExactlyOneRowPerFace() {
    System.setProperty(SparkScoring.FAIL_FIRST_ATTEMPT, "true");
    try {
      Path out = tmp.resolve("retried");
      SparkScoring.Result r = SparkScoring.run(spark, options(out, List.of(csv.toString()), false));
      assertEquals(500, r.faces());
      assertEquals(500, r.predictions().select("source").distinct().count());
    } finally {
      System.clearProperty(SparkScoring.FAIL_FIRST_ATTEMPT);
    }
  }

  @Test
  void badRowsFailWithFileAndLineOrAreSkippedAndCounted() throws Exception {
    List<String> lines = Files.readAllLines(csv);
    lines.set(7, "9," + lines.get(7).substring(2)); // label 9 on line 8
    lines.set(300, lines.get(300).replaceFirst(",\\d+ ", ",300 ")); // a pixel out of range on line 301
    Path bad = tmp.resolve("bad.csv");
    Files.write(bad, lines);
    Path out = tmp.resolve("bad-out");
    FerException e = assertThrows(FerException.class,
        () -> SparkScoring.run(spark, options(out, List.of(bad.toString()), false)));
    assertTrue(e.getMessage().startsWith(bad + ":8: "), e.getMessage());
    assertTrue(e.getMessage().contains("(and 1 more bad rows; skip_bad_rows skips them)"), e.getMessage());
    assertEquals(List.of("skip_bad_rows"), e.settings());
    assertFalse(Files.exists(out), "nothing written");

    SparkScoring.Result r = SparkScoring.run(spark, options(out, List.of(bad.toString()), true));
    assertEquals(498, r.faces());
    assertEquals(2, r.skipped());
    assertTrue(r.firstSkipped().get(1).startsWith(bad + ":301: "), r.firstSkipped().toString());
  }

  @Test
  void anExistingOutputIsRefusedAndASplitIsSelected() {
    Path out = tmp.resolve("public");
    Path split = tmp.resolve("split.csv");
    Fer2013CsvWriter.write(new SyntheticFaces(13).generate(100, 0.2), split);
    SparkScoring.Options o = new SparkScoring.Options(List.of(MODEL), List.of(split.toString()), out, "parquet",
        Usage.PUBLIC_TEST, 32, "flip", false, 2);
    SparkScoring.Result r = SparkScoring.run(spark, o);
    long expected = DatasetLoader.load(split, ReadOptions.STRICT).dataset().only(Usage.PUBLIC_TEST).size();
    assertTrue(expected > 0);
    assertEquals(expected, r.faces());
    // a split without rows is an error, as in fer score (issue 35, item 14)
    FerException none = assertThrows(FerException.class, () -> SparkScoring.run(spark, new SparkScoring.Options(
        List.of(MODEL), List.of(csv.toString()), tmp.resolve("none"), "csv", Usage.PUBLIC_TEST, 32, "none", false, 2)));
    assertEquals(csv + ": no PublicTest rows", none.getMessage());
    FerException again = assertThrows(FerException.class, () -> SparkScoring.run(spark, o));
    assertEquals(out + ": already exists; choose a new out folder", again.getMessage());
    FerException missing = assertThrows(FerException.class, () -> SparkScoring.run(spark,
        new SparkScoring.Options(List.of(tmp.resolve("none.onnx")), List.of(csv.toString()), tmp.resolve("m"), "csv",
            null, 64, "none", false, 2)));
    assertTrue(missing.getMessage().contains("none.onnx"), missing.getMessage());
  }

  @Test
  void imageFoldersAndParquetImageBytesGiveWhatFerScoreGives() throws Exception {
    FaceDataset faces = new SyntheticFaces(12).generate(42, 0);
    Path root = tmp.resolve("images");
    List<Row> parquetRows = new ArrayList<>();
    for (int i = 0; i < faces.size(); i++) {
      Path f = root.resolve(Emotion.keys()[faces.label(i)]).resolve(String.format("face-%03d.png", i));
      Files.createDirectories(f.getParent());
      javax.imageio.ImageIO.write(FaceImages.toImage(faces, i), "png", f.toFile());
      parquetRows.add(RowFactory.create(Files.readAllBytes(f), faces.label(i)));
    }
    Files.writeString(root.resolve("happy").resolve("broken.png"), "not a picture");

    // single machine: the same folder through fer score's reader and scorer
    FaceDataset read = DatasetLoader.load(root, ReadOptions.STRICT.withSkipBadRows(true)).dataset();
    Map<String, float[]> expected = new HashMap<>();
    try (OrtEngine e = OrtEngine.open(MODEL, 1)) {
      float[] probs = new Scorer(List.of(e), 64, TestTimeAugmentation.NONE).score(read, Progress.NONE).probs();
      for (int i = 0; i < read.size(); i++) {
        expected.put(Path.of(read.name(i)).getFileName().toString(), Arrays.copyOfRange(probs, i * 7, i * 7 + 7));
      }
    }

    SparkScoring.Result r = SparkScoring.run(spark, new SparkScoring.Options(List.of(MODEL), List.of(root.toString()),
        tmp.resolve("images-out"), "csv", null, 16, "none", true, 2));
    assertEquals(42, r.faces());
    assertEquals(1, r.skipped());
    assertTrue(r.firstSkipped().get(0).contains("broken.png: cannot decode image (not a PNG, JPEG, BMP or GIF file)"),
        r.firstSkipped().toString());
    for (Row row : r.predictions().collectAsList()) {
      float[] want = expected.get(Path.of(row.getString(row.fieldIndex("source"))).getFileName().toString());
      for (int c = 0; c < 7; c++) {
        assertEquals(want[c], row.getFloat(3 + c), 1e-6);
      }
    }

    Path pq = tmp.resolve("faces.parquet");
    StructType schema = new StructType()
        .add("image", DataTypes.BinaryType).add("emotion", DataTypes.IntegerType);
    spark.createDataFrame(parquetRows, schema).coalesce(1).write().parquet(pq.toString());
    SparkScoring.Result p = SparkScoring.run(spark, new SparkScoring.Options(List.of(MODEL), List.of(pq.toString()),
        tmp.resolve("parquet-out"), "parquet", null, 16, "none", false, 2));
    assertEquals(42, p.faces());
    List<Row> rows = p.predictions().orderBy("index").collectAsList();
    for (int i = 0; i < rows.size(); i++) {
      assertTrue(rows.get(i).getString(rows.get(i).fieldIndex("source")).endsWith("#" + (i + 1)));
      assertEquals(faces.label(i), rows.get(i).getInt(1));
      float[] want = expected.get(String.format("face-%03d.png", i));
      for (int c = 0; c < 7; c++) {
        assertEquals(want[c], rows.get(i).getFloat(3 + c), 1e-6);
      }
    }
    ClassificationReport m = SparkEvaluation.of(p.predictions());
    assertEquals(42, m.n());

    // issue 35, item 17: a column of text named as the pictures is one clear message, not a cast trace
    Path text = tmp.resolve("text.parquet");
    spark.createDataFrame(List.of(RowFactory.create("not bytes", 1)), new StructType()
        .add("image", DataTypes.StringType).add("emotion", DataTypes.IntegerType)).write().parquet(text.toString());
    FerException e = assertThrows(FerException.class, () -> SparkScoring.run(spark, new SparkScoring.Options(
        List.of(MODEL), List.of(text.toString()), tmp.resolve("text-out"), "csv", null, 16, "none", false, 2)));
    assertEquals(text + ": column 'image' holds string values, not image bytes (binary); say which column holds "
        + "the pictures with image_column", e.getMessage());
  }

  @Test
  void photosAreSearchedForFacesInTheExecutorsAsFerScoreDoes() throws Exception {
    Path photos = tmp.resolve("photos");
    Files.createDirectories(photos);
    Files.copy(Path.of("data/photos/astronaut.jpg"), photos.resolve("astronaut.jpg"));
    Files.copy(Path.of("data/photos/grace-hopper.jpg"), photos.resolve("grace-hopper.jpg"));
    java.awt.image.BufferedImage blank = new java.awt.image.BufferedImage(200, 150,
        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    javax.imageio.ImageIO.write(blank, "png", photos.resolve("blank.png").toFile());

    // single machine: what fer score --faces detect finds and predicts for each photo
    Map<String, List<DetectedFace>> expected = new HashMap<>();
    try (FerModel m = FerModel.load(MODEL,
        FerModel.Options.defaults().runtime(FerModel.Runtime.ONNX_RUNTIME))) {
      for (String f : List.of("astronaut.jpg", "grace-hopper.jpg")) {
        expected.put(f, m.predictFaces(javax.imageio.ImageIO.read(photos.resolve(f).toFile())));
      }
    }

    SparkScoring.Result r = SparkScoring.run(spark, options(tmp.resolve("photos-out"), List.of(photos.toString()), false)
        .withFaces("auto", FaceDetector.Options.DEFAULTS));
    int want = expected.values().stream().mapToInt(List::size).sum();
    assertTrue(want >= 2, "the detector finds both portraits");
    assertEquals(want, r.faces());
    assertEquals(1, r.withoutFace());
    assertTrue(r.firstWithoutFace().get(0).endsWith("blank.png"), r.firstWithoutFace().toString());
    for (Row row : r.predictions().collectAsList()) {
      String name = Path.of(row.getString(row.fieldIndex("source"))).getFileName().toString();
      DetectedFace d = expected.get(name).get(row.getInt(row.fieldIndex("face")) - 1);
      assertEquals(d.box().x(), row.getInt(row.fieldIndex("x")));
      assertEquals(d.box().y(), row.getInt(row.fieldIndex("y")));
      assertEquals(d.box().width(), row.getInt(row.fieldIndex("width")));
      assertEquals(d.box().height(), row.getInt(row.fieldIndex("height")));
      for (int c = 0; c < 7; c++) {
        assertEquals(d.prediction().probabilities()[c], row.getFloat(3 + c), 1e-6);
      }
    }

    // whole: every picture is one face, no box columns
    SparkScoring.Result whole = SparkScoring.run(spark, options(tmp.resolve("photos-whole"),
        List.of(photos.toString()), false).withFaces("whole", FaceDetector.Options.DEFAULTS));
    assertEquals(3, whole.faces());
    assertFalse(Arrays.asList(whole.predictions().columns()).contains("face"));
  }

  @Test
  void anExecutorThatCannotOpenTheModelSaysWhichAndWhere() {
    JavaSparkContext sc =
        JavaSparkContext.fromSparkContext(spark.sparkContext());
    // bytes the driver never checked, as if the model were damaged on the way to the executor
    Broadcast<List<byte[]>> broken = sc.broadcast(List.of(new byte[] {1, 2, 3}));
    JavaRDD<FaceRow> faces = sc.parallelize(List.of(
        new FaceRow("f.csv", 2, 0, null, new byte[FaceDataset.PIXELS])), 1);
    Exception e = assertThrows(Exception.class, () -> SparkScoring.score(spark, faces, 1, broken, List.of("shipped.onnx"),
        8, TestTimeAugmentation.NONE, false, false).collectAsList());
    FerException user = SparkErrors.userError(e);
    assertTrue(user != null, e.toString());
    assertTrue(user.getMessage().matches("executor \\S+ on .+ \\(task \\d+, attempt \\d\\): cannot start ONNX Runtime "
        + "for the model shipped.onnx shipped with the job \\(.+\\)"), user.getMessage());
  }
}

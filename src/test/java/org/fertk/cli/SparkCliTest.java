package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `fer spark score` from the command line: what it prints, what it writes, how it refuses. */
class SparkCliTest {
  @TempDir
  Path tmp;

  @Test
  void scoresPrintsTheMetricsAndAgreesWithFerScore() throws Exception {
    Path csv = tmp.resolve("faces.csv.gz");
    assertEquals(0, CliTest.run("data", "synth", "--n", "140", "--seed", "5", "--out", csv.toString()).code());
    Path out = tmp.resolve("spark");
    CliTest.Run r = CliTest.run("spark", "score", "--master", "local[2]", "--model", "models/best/model-int8.onnx",
        "--data", csv.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("scored 140 faces on Spark local[2]"), r.out());
    assertTrue(r.out().contains("(Spark aggregation)") && r.out().contains("| true \\ predicted |"), r.out());
    Path single = tmp.resolve("single.csv");
    assertEquals(0, CliTest.run("score", "--model", "models/best/model-int8.onnx", "--data", csv.toString(),
        "--out", single.toString(), "-q").code());
    CliTest.Run agree = CliTest.run("agree", out.toString(), single.toString(), "--min-agreement", "1");
    assertEquals(0, agree.code(), agree.out() + agree.err());
    String accuracy = r.out().lines().filter(l -> l.startsWith("accuracy")).findFirst().orElseThrow().substring(0, 15);
    CliTest.Run analyze = CliTest.run("analyze", single.toString(), "--out", tmp.resolve("report").toString(), "-q");
    assertEquals(0, analyze.code(), analyze.err());

    CliTest.Run again = CliTest.run("spark", "score", "--master", "local[2]", "--model", "models/best/model-int8.onnx",
        "--data", csv.toString(), "--out", out.toString());
    assertEquals(1, again.code());
    assertTrue(again.err().contains("already exists"), again.err());
    assertTrue(accuracy.startsWith("accuracy 0."), accuracy);
  }

  @Test
  void usageErrors() {
    CliTest.Run fmt = CliTest.run("spark", "score", "--model", "m.onnx", "--data", "x.csv", "--out", "o", "--format", "xml");
    assertEquals(2, fmt.code());
    assertTrue(fmt.err().contains("--format must be csv or parquet"), fmt.err());
    assertEquals(2, CliTest.run("spark").code());
    CliTest.Run missing = CliTest.run("spark", "score", "--master", "local[1]", "--model", tmp.resolve("none.onnx").toString(),
        "--data", "data/synthetic-sample.csv.gz", "--out", tmp.resolve("o").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("none.onnx"), missing.err());
    assertTrue(Files.notExists(tmp.resolve("o")));
  }

  /** Issue 35, item 14: the same input gets the same answer from fer spark score as from fer score. */
  @Test
  void theSameInputGetsTheSameAnswerAsFerScore() throws Exception {
    // an empty picture among faces: both name it and stop
    Path faces = Files.createDirectories(tmp.resolve("faces/happy"));
    Files.copy(Path.of("data/faces/synthetic-happy.png"), faces.resolve("a.png"));
    Path empty = Files.write(faces.resolve("empty.png"), new byte[0]);
    CliTest.Run single = CliTest.run("score", "--model", "models/paper-cnn", "--data", tmp.resolve("faces").toString(),
        "--out", tmp.resolve("s1.csv").toString(), "-q");
    CliTest.Run spark = CliTest.run("spark", "score", "--master", "local[1]", "--model", "models/paper-cnn", "--data",
        tmp.resolve("faces").toString(), "--out", tmp.resolve("p1").toString());
    assertEquals(1, single.code(), single.err());
    assertEquals(1, spark.code(), spark.out() + spark.err());
    assertTrue(spark.err().contains(empty + ": cannot decode image (not a PNG, JPEG, BMP or GIF file)"), spark.err());
    // a broken photo among photos: both skip and name it, the others are scored
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Files.copy(Path.of("data/photos/astronaut.jpg"), photos.resolve("astronaut.jpg"));
    Path broken = Files.write(photos.resolve("broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1});
    CliTest.Run s2 = CliTest.run("score", "--model", "models/best", "--data", photos.toString(), "--out",
        tmp.resolve("s2.csv").toString(), "-q");
    CliTest.Run p2 = CliTest.run("spark", "score", "--master", "local[1]", "--model", "models/best", "--data",
        photos.toString(), "--out", tmp.resolve("p2").toString());
    assertEquals(0, s2.code(), s2.err());
    assertEquals(0, p2.code(), p2.err());
    assertTrue(p2.out().contains("skipped 1 bad rows") && p2.out().contains(broken + ": cannot decode image"), p2.out());
    // a CSV holding only its header: an error on both
    Path header = Files.writeString(tmp.resolve("header.csv"), "emotion,pixels,Usage\n");
    CliTest.Run p3 = CliTest.run("spark", "score", "--master", "local[1]", "--model", "models/paper-cnn", "--data",
        header.toString(), "--out", tmp.resolve("p3").toString());
    assertEquals(1, p3.code(), p3.out());
    assertTrue(p3.err().contains(header + ": no data rows after the header"), p3.err());
    assertTrue(Files.notExists(tmp.resolve("p3")));
  }

  /** Issue 35, item 14: a killed driver's temporary output is removed by the next run on the same target. */
  @Test
  void aKilledRunsTemporaryOutputIsRemoved() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    String host = java.net.InetAddress.getLocalHost().getHostName().replace('-', '_');
    Path stale = Files.createDirectories(tmp.resolve(".out.tmp-" + host + "-" + dead.pid() + "-local-1"));
    Files.writeString(stale.resolve("part-00000.csv"), "x");
    Path csv = tmp.resolve("faces.csv");
    assertEquals(0, CliTest.run("data", "synth", "--n", "14", "--out", csv.toString()).code());
    CliTest.Run r = CliTest.run("spark", "score", "--master", "local[1]", "--model", "models/paper-cnn", "--data",
        csv.toString(), "--out", tmp.resolve("out").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.notExists(stale), "the killed run's temporary folder is gone");
  }
}

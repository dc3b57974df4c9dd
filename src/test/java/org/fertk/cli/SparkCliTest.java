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
}

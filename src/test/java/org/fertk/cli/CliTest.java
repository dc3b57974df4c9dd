package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
  @TempDir
  Path dir;

  /** Result of one CLI run: exit code and captured streams. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = FerCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    cl.getOut().flush();
    cl.getErr().flush();
    return new Run(code, out.toString(), err.toString());
  }

  /** CLI fixture: synthetic faces, `fer train` for some epochs, `fer export`; returns the export's run. */
  static Run trainAndExport(Path data, Path run, String graph, int faces, int seed, int epochs) {
    assertEquals(0, run("data", "synth", "--n", String.valueOf(faces), "--seed", String.valueOf(seed), "--out",
        data.toString()).code());
    Run t = run("train", "--graph", graph, "--data", data.toString(), "--epochs", String.valueOf(epochs), "--out",
        run.toString(), "-q");
    assertEquals(0, t.code(), t.err());
    Run e = run("export", "--model", run.toString());
    assertEquals(0, e.code(), e.err());
    return e;
  }

  @Test
  void versionAndHelp() {
    Run v = run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("fer "), v.out());
    Run h = run("--help");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("data"), h.out());
  }

  @Test
  void usageErrorsExitWithTwo() {
    Run r = run("data", "stats", "--no-such-option", "x.csv");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Unknown option: '--no-such-option'"), r.err());
    assertEquals(2, run("no-such-command").code());
  }

  @Test
  void userErrorsPrintOneLineWithoutStackTrace() {
    Path missing = dir.resolve("missing.csv");
    Run r = run("data", "stats", missing.toString());
    assertEquals(1, r.code());
    assertEquals("fer: error: " + missing + ": file not found\n", r.err());
    Run verbose = run("data", "stats", missing.toString(), "--verbose");
    assertTrue(verbose.err().contains("at org.fertk"), "stack trace with --verbose");
  }

  @Test
  void exportNamesWhatItWasGivenInstead() {
    Path missing = dir.resolve("no-run");
    Run gone = run("export", "--model", missing.toString());
    assertEquals(1, gone.code());
    assertEquals("fer: error: " + missing + ": not found\n", gone.err());
    Run onnxOnly = run("export", "--model", "models/best", "--out", dir.resolve("x.onnx").toString());
    assertEquals(1, onnxOnly.code());
    assertTrue(onnxOnly.err().startsWith("fer: error: models/best: an ONNX model without a SavedModel"), onnxOnly.err());
    Run empty = run("export", "--model", dir.toString());
    assertTrue(empty.err().contains(dir + ": not a run folder or SavedModel (no saved_model.pb)"), empty.err());
  }

  @Test
  void synthStatsShowAndSplit() throws Exception {
    Path csv = dir.resolve("s.csv.gz");
    assertEquals(0, run("data", "synth", "--n", "140", "--seed", "3", "--out", csv.toString()).code());
    Run stats = run("data", "stats", csv.toString());
    assertEquals(0, stats.code());
    assertTrue(stats.out().contains("| 3 Happy    |       16 |"), stats.out());
    assertTrue(stats.out().contains("| Total      |      112 | 100.00 |         28 | 100.00 | 140 | 100.00 |"), stats.out());

    Path png = dir.resolve("grid.png");
    assertEquals(0, run("data", "show", csv.toString(), "--out", png.toString(), "--per-class", "3").code());
    var img = javax.imageio.ImageIO.read(png.toFile());
    assertEquals(7 * (96 + 4) + 4, img.getHeight());

    Path out = dir.resolve("split");
    Run split = run("data", "split", csv.toString(), "--by", "random", "--test-fraction", "0.25",
        "--val-fraction", "0.1", "--seed", "5", "--out", out.toString());
    assertEquals(0, split.code(), split.err());
    assertTrue(Files.exists(out.resolve("train.csv")));
    assertTrue(Files.exists(out.resolve("val.csv")));
    assertTrue(Files.exists(out.resolve("test.csv")));
  }

  @Test
  void badInputLeavesNoPartialOutput() throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "emotion,pixels,Usage\n1,1 2 3,Training\n");
    Path png = dir.resolve("grid.png");
    Run r = run("data", "show", bad.toString(), "--out", png.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("fer: error: " + bad + ":2: expected 2304 pixels, found 3"), r.err());
    assertFalse(Files.exists(png));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "only the input file");
    }
  }
}

package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad option and plan values are usage errors or input errors naming the option, or the plan file
 * and key, with the value; never an internal error (issue 35, items 7 and 17).
 */
class BadValuesTest {
  @TempDir
  Path dir;

  private static void usageError(String expected, String... args) {
    CliTest.Run r = CliTest.run(args);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("internal error"), r.err());
  }

  @Test
  void exportOptions() {
    usageError("--samples must be at least 1, got 0", "export", "--model", "x", "--samples", "0");
    usageError("--samples must be at least 1, got -1", "export", "--model", "x", "--samples", "-1");
    usageError("--tolerance must be a positive number, got NaN", "export", "--model", "x", "--tolerance", "NaN");
  }

  private Path plan(String synthetic, String defaults) throws Exception {
    String graph = Path.of("graphs/paper-cnn-lstm.json").toAbsolutePath().toString();
    return Files.writeString(dir.resolve("plan.json"), "{\"name\": \"p\", \"synthetic\": " + synthetic
        + ", \"defaults\": " + defaults + ", \"runs\": [{\"id\": \"a\", \"graph\": \"" + graph + "\"}]}");
  }

  @Test
  void planValues() throws Exception {
    Path p = plan("{\"n\": -5}", "{\"epochs\": 1}");
    CliTest.Run n = CliTest.run("study", "--plan", p.toString(), "--out", dir.resolve("o").toString(), "-q");
    assertEquals(1, n.code(), n.err());
    assertTrue(n.err().contains(p + ": `synthetic.n` must be a positive whole number of faces, got -5"), n.err());
    Path e = plan("{\"n\": 100}", "{\"epochs\": 1e12}");
    CliTest.Run big = CliTest.run("study", "--plan", e.toString(), "--out", dir.resolve("o").toString(), "-q");
    assertEquals(1, big.code(), big.err());
    assertTrue(big.err().contains(e + ": run 'a': `epochs` must be an integer of at most 2147483647, got 1.0E12"),
        big.err());
    assertFalse(Files.exists(dir.resolve("o")));
  }

  /** Issue 35, item 15: settings that would train or check nothing are refused, naming the flag. */
  @Test
  void nonsenseSettingsAreRefused() {
    CliTest.Run zero = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "70", "--epochs",
        "1", "--class-weight", "0,0,0,0,0,0,0", "--out", dir.resolve("r").toString(), "-q");
    assertEquals(2, zero.code(), zero.err());
    assertTrue(zero.err().contains("--class-weight") && zero.err().contains("every weight is 0"), zero.err());
    assertFalse(Files.exists(dir.resolve("r")));
    for (String v : new String[] {"NaN", "-1", "2"}) {
      usageError("--min-agreement must be a share between 0 and 1, got " + v,
          "agree", "a.csv", "b.csv", "--min-agreement", v);
    }
  }

  /** Issue 35, item 15: pictures with float samples outside [0, 1] or NaN are refused, not misread or crashed on. */
  @Test
  void floatPicturesOutOfRangeAreRefused() {
    try (org.fertk.FerModel m = org.fertk.FerModel.load(Path.of("models/paper-cnn"))) {
      for (float v : new float[] {1000f, Float.NaN}) {
        java.awt.image.BufferedImage img = floatPicture(v);
        org.fertk.FerException e = org.junit.jupiter.api.Assertions.assertThrows(
            org.fertk.FerException.class, () -> m.predict(img));
        assertTrue(e.getMessage().contains("must hold values in [0, 1]") && e.getMessage().contains(String.valueOf(v)),
            e.getMessage());
      }
      assertEquals(7, m.predict(floatPicture(0.5f)).probabilities().length, "values in range are read");
    }
  }

  private static java.awt.image.BufferedImage floatPicture(float centre) {
    var cs = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY);
    var cm = new java.awt.image.ComponentColorModel(cs, false, false, java.awt.Transparency.OPAQUE,
        java.awt.image.DataBuffer.TYPE_FLOAT);
    var raster = cm.createCompatibleWritableRaster(48, 48);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 48; x++) {
        raster.setSample(x, y, 0, x == 24 && y == 24 ? centre : 0.5f);
      }
    }
    return new java.awt.image.BufferedImage(cm, raster, false, null);
  }

  /** Issue 35, item 15: a misspelled class folder is named by fer score too, not scored as unlabelled. */
  @Test
  void aMisspelledClassFolderIsNamed() throws Exception {
    Path root = dir.resolve("photos");
    Files.createDirectories(root.resolve("happy"));
    Files.createDirectories(root.resolve("bogusclass"));
    Files.copy(Path.of("data/photos/astronaut.jpg"), root.resolve("happy/a.jpg"));
    Files.copy(Path.of("data/photos/grace-hopper.jpg"), root.resolve("bogusclass/g.jpg"));
    CliTest.Run r = CliTest.run("score", "--model", "models/best", "--data", root.toString(), "--out",
        dir.resolve("p.csv").toString(), "-q");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.err().contains(root.resolve("bogusclass") + ": unknown class folder"), r.err());
    assertFalse(Files.exists(dir.resolve("p.csv")));
  }

  /** Issue 35, item 17: bad option values are usage errors naming the option and the value as written. */
  @Test
  void badOptionValuesAreUsageErrorsNamingTheValue() {
    usageError("--fps must be a number of frames per second above 0, got 0", "predict", "x.mp4", "--fps", "0");
    usageError("--smooth must be 0 (none) or more seconds, got -1", "predict", "x.mp4", "--smooth", "-1");
    usageError("--random-erasing must be a probability in [0, 1], got 2", "train", "--graph",
        "graphs/paper-cnn-lstm.json", "--synthetic", "70", "--random-erasing", "2", "--out", dir.resolve("r").toString());
    usageError("--scale: expected the model's input range", "import", "keras", "src/test/resources/keras/separable.keras",
        "--scale", "bogus", "--out", dir.resolve("k").toString());
    usageError("--master must be local, local[N], local[*]", "spark", "score", "--master", "bogus://x", "--model", "m",
        "--data", "d.csv", "--out", dir.resolve("s").toString());
    usageError("--partitions must be 0 (Spark's choice) or more, got -1", "spark", "score", "--partitions", "-1",
        "--model", "m", "--data", "d.csv", "--out", dir.resolve("s").toString());
    usageError("--tta must be none, flip or crops, got 'bogus'", "spark", "score", "--tta", "bogus", "--model", "m",
        "--data", "d.csv", "--out", dir.resolve("s").toString());
    usageError("--data data/videos/two-faces.mp4 is a video", "score", "--model", "models/paper-cnn", "--data",
        "data/videos/two-faces.mp4", "--out", dir.resolve("v.csv").toString());
    usageError("--data names data/synthetic-sample.csv.gz twice", "score", "--model", "models/paper-cnn", "--data",
        "data/synthetic-sample.csv.gz", "--data", "data/synthetic-sample.csv.gz", "--out", dir.resolve("v.csv").toString());
    assertFalse(Files.exists(dir.resolve("r")) || Files.exists(dir.resolve("s")));
  }

  /** Issue 35, item 17: input errors name the file, line and column in the toolkit's words. */
  @Test
  void inputErrorsNameWhereAndWhat() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.mp4"), "junk");
    CliTest.Run v = CliTest.run("predict", junk.toString(), "--out", dir.resolve("o").toString());
    assertEquals(1, v.code());
    assertEquals("fer: error: " + junk + ": cannot open the video: Invalid data found when processing input\n", v.err());
    Path preds = Files.writeString(dir.resolve("p.csv"), org.fertk.score.Predictions.HEADER + ",source\n"
        + "0,1,0,abc,0.1,0.1,0.1,0.1,0.1,0.1,2\n");
    CliTest.Run a = CliTest.run("analyze", preds.toString(), "--out", dir.resolve("rep").toString(), "-q");
    assertEquals(1, a.code());
    assertEquals("fer: error: " + preds + ":2: p_angry must be a number, got 'abc'\n", a.err());
    Path neg = Files.writeString(dir.resolve("neg.csv"), "emotion,pixels,Usage\n3,-1" + " 0".repeat(2303)
        + ",Training\n");
    CliTest.Run s = CliTest.run("data", "stats", neg.toString());
    assertEquals(1, s.code());
    assertTrue(s.err().contains(neg + ":2: pixel value -1 at position 1 outside 0..255"), s.err());
  }

  /** Issue 35, item 17: a file-size limit hit by TensorFlow's checkpoint writer is a user error, not an internal one. */
  @Test
  void aFileSizeLimitIsNamed() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path run = dir.resolve("limited");
    String cmd = "ulimit -f 200 && exec '" + javaBin + "' -cp '" + System.getProperty("java.class.path") + "' "
        + FerCli.class.getName() + " train --graph graphs/paper-cnn-4conv-32to256-d256-512-do05.json --synthetic 70 "
        + "--epochs 1 -q --out '" + run + "'";
    Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("log.txt").toFile()).start();
    assertTrue(p.waitFor(3, java.util.concurrent.TimeUnit.MINUTES));
    String log = Files.readString(dir.resolve("log.txt"));
    assertEquals(1, p.exitValue(), log);
    assertTrue(log.contains("fer: error: the file system refused a write: ") && log.contains("File too large"), log);
    assertFalse(log.contains("internal error"), log);
  }

  /** Issue 35, item 19: fer data show writes the format its file name says, or refuses the name. */
  @Test
  void dataShowWritesTheFormatItsNameSays() throws Exception {
    Path jpg = dir.resolve("grid.jpg");
    assertEquals(0, CliTest.run("data", "show", "data/synthetic-sample.csv.gz", "--out", jpg.toString()).code());
    byte[] b = Files.readAllBytes(jpg);
    assertTrue((b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8, "JPEG bytes");
    CliTest.Run gif = CliTest.run("data", "show", "data/synthetic-sample.csv.gz", "--out", dir.resolve("g.gif").toString());
    assertEquals(1, gif.code());
    assertTrue(gif.err().contains("give a picture name ending in .png, .jpg or .bmp"), gif.err());
  }
}

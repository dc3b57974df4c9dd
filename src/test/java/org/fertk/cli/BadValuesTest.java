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
      usageError("--min-agreement must be a share between 0 and 1, got " + (v.equals("NaN") ? "NaN" : Double.valueOf(v)),
          "agree", "a.csv", "b.csv", "--min-agreement", v);
    }
  }

  /** Issue 35, item 15: pictures with float samples outside [0, 1] or NaN are refused, not misread or crashed on. */
  @Test
  void floatPicturesOutOfRangeAreRefused() {
    try (org.fertk.FerModel m = org.fertk.FerModel.load(Path.of("models/paper-cnn"))) {
      for (float v : new float[] {1000f, Float.NaN}) {
        java.awt.image.BufferedImage img = floatPicture(v);
        org.fertk.util.FerException e = org.junit.jupiter.api.Assertions.assertThrows(
            org.fertk.util.FerException.class, () -> m.predict(img));
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
}

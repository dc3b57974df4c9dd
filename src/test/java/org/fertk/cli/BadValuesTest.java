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
}

package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a careless user does on the command line: each case once broke (issue 19). */
class HardeningCliTest {
  @TempDir
  Path dir;

  @Test
  void decompressionBombIsOneMessageInEveryCommandAndSkippable() throws Exception {
    Path bomb = dir.resolve("faces/happy/bomb.png");
    Files.createDirectories(bomb.getParent());
    Files.write(bomb, org.fertk.data.FaceImagesTest.pngDeclaring(40000, 40000));
    CliTest.Run stats = CliTest.run("data", "stats", dir.resolve("faces").toString());
    assertEquals(1, stats.code());
    assertTrue(stats.err().startsWith("fer: error: " + bomb + ": image declares 40000x40000"), stats.err());
    assertFalse(stats.err().contains("\tat "), stats.err());
    CliTest.Run predict = CliTest.run("predict", bomb.toString());
    assertEquals(1, predict.code());
    assertTrue(predict.err().contains("--max-image-pixels"), predict.err());
    CliTest.Run skipped = CliTest.run("predict", bomb.toString(), "data/faces/synthetic-happy.png", "--skip-bad-rows");
    assertEquals(0, skipped.code(), skipped.err());
    assertTrue(skipped.out().startsWith("data/faces/synthetic-happy.png: "), skipped.out());
    assertTrue(skipped.err().contains("skipped 1 bad row"), skipped.err());
    assertEquals(2, CliTest.run("predict", bomb.toString(), "--max-image-pixels", "0").code());
  }
}

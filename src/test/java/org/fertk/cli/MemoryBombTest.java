package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.fertk.data.FaceImagesTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that would not fit in memory end in one line naming the input and the heap, and the
 * other inputs still get their turn (issue 35, item 6). The small-heap cases run in a child JVM.
 */
class MemoryBombTest {
  @TempDir
  Path dir;

  private record Child(int code, String output) {}

  private Child fer(String heap, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), FerCli.class.getName()));
    cmd.addAll(List.of(args));
    Path log = dir.resolve("child.txt");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertTrue(p.waitFor(3, TimeUnit.MINUTES));
      return new Child(p.exitValue(), Files.readString(log));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aHugePictureIsSkippedAndTheNextOneClassified() throws Exception {
    Path big = dir.resolve("big.png");
    Files.write(big, FaceImagesTest.pngDeclaring(9999, 9999)); // under the 100 MP limit
    Path face = Path.of("data/faces/synthetic-happy.png").toAbsolutePath();
    Child c = fer("256m", "predict", big.toString(), face.toString());
    assertEquals(0, c.code(), c.output());
    assertTrue(c.output().contains(big + ": a 9999x9999 picture would need about"), c.output());
    assertTrue(c.output().contains("heap"), c.output());
    assertTrue(c.output().contains(face + ": "), "the next picture is classified: " + c.output());
    assertFalse(c.output().contains("OutOfMemoryError"), c.output());
  }

  @Test
  void aZipBombIsRefusedAndWritesNothing() throws Exception {
    Path bomb = dir.resolve("bomb.keras");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bomb))) {
      z.putNextEntry(new ZipEntry("config.json"));
      z.write("{\"class_name\": \"Sequential\", \"config\": {\"layers\": []}}".getBytes());
      z.putNextEntry(new ZipEntry("model.weights.h5"));
      byte[] zeros = new byte[1 << 20];
      OutputStream o = z;
      for (int i = 0; i < 400; i++) {
        o.write(zeros); // 400 MB that deflate to under half a megabyte
      }
      z.closeEntry();
    }
    assertTrue(Files.size(bomb) < 2_000_000);
    Path out = dir.resolve("imported");
    Child c = fer("256m", "import", "keras", bomb.toString(), "--out", out.toString());
    assertEquals(1, c.code(), c.output());
    assertTrue(c.output().contains(bomb + "!model.weights.h5"), c.output());
    assertTrue(c.output().contains("heap"), c.output());
    assertEquals(1, c.output().strip().lines().count(), c.output());
    assertFalse(Files.exists(out));
  }

  @Test
  void millionsOfFacesOrWeightsAreRefusedUpFront() throws Exception {
    Path csv = dir.resolve("synth.csv");
    CliTest.Run s = CliTest.run("data", "synth", "--n", "1000000", "--out", csv.toString());
    assertEquals(1, s.code(), s.err());
    assertTrue(s.err().startsWith("fer: error: 1,000,000 synthetic faces would need one block of"), s.err());
    assertFalse(Files.exists(csv));
    Path spec = Files.writeString(dir.resolve("dense.json"), "{\"class_name\": \"Sequential\", \"config\": {\"name\": "
        + "\"big\", \"layers\": [{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 48, 48, 1]}}, "
        + "{\"class_name\": \"Flatten\", \"config\": {}}, {\"class_name\": \"Dense\", \"config\": {\"units\": 1000000}}, "
        + "{\"class_name\": \"Dense\", \"config\": {\"units\": 7, \"activation\": \"softmax\"}}]}}");
    Path run = dir.resolve("run");
    CliTest.Run t = CliTest.run("train", "--graph", spec.toString(), "--synthetic", "70", "--epochs", "1", "--out",
        run.toString(), "-q");
    assertEquals(1, t.code(), t.err());
    assertTrue(t.err().contains(spec + ": weight dense/kernel (2,304,000,000 values) would need one block"), t.err());
    assertFalse(Files.exists(run), "no run folder left behind");
  }
}

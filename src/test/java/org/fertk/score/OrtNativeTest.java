package org.fertk.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fertk.cli.FerCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's native libraries are copied once per user and version, not into a fresh temp
 * folder by every process (28 MB left behind by each killed one).
 */
class OrtNativeTest {
  @TempDir
  Path dir;

  @Test
  void librariesAreCopiedOnceAndReused() throws Exception {
    String platform = OrtNative.platform();
    assertNotNull(platform, "a platform ONNX Runtime ships libraries for");
    Path libs = OrtNative.extractTo(dir, platform);
    Path main = libs.resolve(System.mapLibraryName("onnxruntime"));
    Path jni = libs.resolve(System.mapLibraryName("onnxruntime4j_jni"));
    assertTrue(Files.size(main) > 1_000_000 && Files.size(jni) > 10_000);
    FileTime first = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(main, first);
    assertEquals(libs, OrtNative.extractTo(dir, platform));
    assertEquals(first, Files.getLastModifiedTime(main), "an intact copy is not written again");
    Files.write(main, new byte[10]); // a truncated copy (a killed first extraction) is replaced
    OrtNative.extractTo(dir, platform);
    assertTrue(Files.size(main) > 1_000_000);
  }

  @Test
  void theProcessLoadsThemFromTheCache() {
    try (OrtEngine e = OrtEngine.open(Path.of("models/paper-cnn"), 1)) {
      String path = System.getProperty(OrtNative.PROPERTY);
      assertNotNull(path);
      assertTrue(Files.isRegularFile(Path.of(path).resolve(System.mapLibraryName("onnxruntime"))), path);
    }
  }

  /**
   * ONNX Runtime 1.29.0's native start-up read /proc/self/cmdline into a fixed buffer and crashed
   * the JVM (exit 139, no message) once the command line passed about 4 KB, as a long class path
   * or JAVA_OPTS makes it; it also left an empty mat-debug-PID.log in the temp folder. The pinned
   * version must score a face from a JVM whose command line is over 8 KB and leave nothing behind.
   */
  @Test
  void aLongJvmCommandLineStillScores() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    String pad = "-Dpad=" + "x".repeat(9000);
    Process p = new ProcessBuilder(java, pad, "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
        FerCli.class.getName(), "predict", Path.of("data/faces/synthetic-happy.png").toAbsolutePath().toString(),
        "--model", Path.of("models/best").toAbsolutePath().toString())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
    try {
      assertTrue(p.waitFor(3, TimeUnit.MINUTES), "child JVM finished");
      String out = Files.readString(dir.resolve("out.txt"));
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("happy"), out);
      try (Stream<Path> left = Files.list(tmp)) {
        assertEquals(List.of(), left.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("mat-debug")).toList());
      }
    } finally {
      p.destroyForcibly();
    }
  }
}

package org.fertk.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
}

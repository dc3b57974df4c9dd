package org.fertk.score;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.fertk.util.AtomicOutput;
import org.fertk.util.Versions;

/**
 * Where ONNX Runtime's native libraries are loaded from. Left alone, ONNX Runtime Java copies
 * them (28 MB) into a fresh folder under the temp directory in every process and deletes them at
 * exit, so every killed process leaves 28 MB behind. Instead they are copied once per version
 * into a per-user cache folder and loaded from there through ONNX Runtime's own
 * {@code onnxruntime.native.path} property; where the cache cannot be written, ONNX Runtime's
 * default applies.
 */
final class OrtNative {
  static final String PROPERTY = "onnxruntime.native.path";

  private OrtNative() {}

  /** Points ONNX Runtime at the cached libraries, extracting them first if needed. */
  static void useCachedLibraries() {
    if (System.getProperty(PROPERTY) != null) {
      return; // the user chose a folder
    }
    String platform = platform();
    if (platform == null) {
      return;
    }
    try {
      System.setProperty(PROPERTY, extractTo(cacheRoot(), platform).toString());
    } catch (IOException | RuntimeException e) {
      // read-only home, full disk: ONNX Runtime extracts to the temp directory as it always did
    }
  }

  /** Copies the platform's two libraries under root (once per version) and returns their folder. */
  static Path extractTo(Path root, String platform) throws IOException {
    Path dir = root.resolve("onnxruntime-" + Versions.onnxruntime()).resolve(platform);
    for (String lib : List.of(System.mapLibraryName("onnxruntime"), System.mapLibraryName("onnxruntime4j_jni"))) {
      extract("/ai/onnxruntime/native/" + platform + "/" + lib, dir.resolve(lib));
    }
    return dir;
  }

  /** Copies a library out of the jar unless an identical-size copy is already there. */
  private static void extract(String resource, Path target) throws IOException {
    long size;
    try (InputStream in = OrtNative.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no " + resource + " in the ONNX Runtime jar");
      }
      if (Files.isRegularFile(target) && Files.size(target) == sizeOf(resource)) {
        return;
      }
      Files.createDirectories(target.getParent());
      AtomicOutput.write(target, in::transferTo); // temp file + rename: a concurrent reader never sees half a library
      size = Files.size(target);
    }
    if (size != sizeOf(resource)) {
      throw new IOException("short copy of " + resource);
    }
  }

  private static long sizeOf(String resource) throws IOException {
    var url = OrtNative.class.getResource(resource);
    if (url == null) {
      throw new IOException("no " + resource);
    }
    return url.openConnection().getContentLengthLong();
  }

  /** $FER_CACHE, else $XDG_CACHE_HOME/fer, else ~/.cache/fer. */
  static Path cacheRoot() {
    String fer = System.getenv("FER_CACHE");
    if (fer != null && !fer.isBlank()) {
      return Path.of(fer);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
        .resolve("fer");
  }

  /** ONNX Runtime's folder name for this platform, or null where we do not know it. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("aarch64") ? "aarch64" : null;
    if (a == null) {
      return null;
    }
    if (os.contains("linux")) {
      return "linux-" + a;
    }
    if (os.contains("mac")) {
      return "osx-" + a;
    }
    return null; // Windows: ONNX Runtime's own loader
  }
}

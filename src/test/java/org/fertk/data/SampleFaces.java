package org.fertk.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The small sample images committed in data/faces (one synthetic face per class). */
public final class SampleFaces {
  private SampleFaces() {}

  public static List<Path> files() {
    try (Stream<Path> s = Files.list(Path.of("data/faces"))) {
      return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

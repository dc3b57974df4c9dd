package org.fertk.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the common image-folder layout {@code <root>/<split>/<class>/*.png|jpg} (split folders such
 * as train/test, class folders angry..neutral in any case), also {@code <root>/<class>/*} without
 * splits, and plain lists of image files (unlabelled). Every image becomes 48x48 grayscale.
 */
public final class ImageFolderReader {
  private ImageFolderReader() {}

  public static LoadedData readFolder(Path root, ReadOptions options, boolean centerCrop) {
    if (!Files.isDirectory(root)) {
      throw new DataException(root.toString(), Files.exists(root) ? "not a folder" : "folder not found");
    }
    List<Entry> entries = new ArrayList<>();
    List<Path> children = list(root);
    boolean classFolders = children.stream().anyMatch(p -> Files.isDirectory(p)
        && Emotion.fromName(p.getFileName().toString()) != null);
    if (classFolders) {
      collectClasses(root, null, entries);
    } else {
      for (Path split : children) {
        if (!Files.isDirectory(split)) {
          continue;
        }
        Usage u = Usage.fromAlias(split.getFileName().toString());
        if (u == null) {
          throw new DataException(split.toString(), "unknown split folder (expected train, test, "
              + "val, Training, PublicTest or PrivateTest, or class folders angry..neutral)");
        }
        collectClasses(split, u, entries);
      }
    }
    if (entries.isEmpty()) {
      throw new DataException(root.toString(), "no images found (expected <root>/<split>/<class>/*.png|jpg)");
    }
    return decode(root.toString(), entries, options, centerCrop);
  }

  /** Unlabelled faces from image files given one by one. */
  public static LoadedData readFiles(List<Path> files, ReadOptions options, boolean centerCrop) {
    List<Entry> entries = new ArrayList<>();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new DataException(f.toString(), "file not found");
      }
      entries.add(new Entry(f, FaceDataset.UNKNOWN, null));
    }
    if (entries.isEmpty()) {
      throw new DataException("(images)", "no image files given");
    }
    return decode(files.size() == 1 ? files.get(0).toString() : files.size() + " images", entries,
        options, centerCrop);
  }

  private record Entry(Path file, int label, Usage usage) {}

  private static void collectClasses(Path dir, Usage usage, List<Entry> out) {
    for (Path c : list(dir)) {
      if (!Files.isDirectory(c)) {
        continue;
      }
      Emotion e = Emotion.fromName(c.getFileName().toString());
      if (e == null) {
        throw new DataException(c.toString(), "unknown class folder (expected one of angry, "
            + "disgust, fear, happy, sad, surprise, neutral)");
      }
      for (Path f : list(c)) {
        if (FaceImages.isImageFile(f)) {
          out.add(new Entry(f, e.ordinal(), usage));
        }
      }
    }
  }

  private static LoadedData decode(String source, List<Entry> entries, ReadOptions options,
      boolean centerCrop) {
    byte[][] decoded = new byte[entries.size()][];
    BadRow[] errors = new BadRow[entries.size()];
    // Decoding is independent per file: use all cores.
    java.util.stream.IntStream.range(0, entries.size()).parallel().forEach(i -> {
      try {
        decoded[i] = FaceImages.read48(entries.get(i).file(), centerCrop, options.maxImagePixels());
      } catch (DataException e) {
        errors[i] = e.where();
      }
    });
    List<BadRow> bad = new ArrayList<>();
    FaceDataset.Builder b = new FaceDataset.Builder(source, entries.size());
    for (int i = 0; i < entries.size(); i++) {
      if (errors[i] != null) {
        if (!options.skipBadRows()) {
          throw new DataException(new BadRow(errors[i].file(), 0,
              errors[i].problem() + " (--skip-bad-rows skips such images)"));
        }
        bad.add(errors[i]);
        continue;
      }
      Entry e = entries.get(i);
      b.add(decoded[i], 0, e.label(), e.usage(), i, e.file().toString());
    }
    if (b.size() == 0) {
      throw new DataException(source, "no readable images (" + bad.size() + " could not be decoded)");
    }
    return new LoadedData(b.build(), List.copyOf(bad));
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

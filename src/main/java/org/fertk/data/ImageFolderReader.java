package org.fertk.data;

import org.fertk.Emotion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    List<String> notes = new ArrayList<>();
    List<Path> children = list(root);
    boolean classFolders = children.stream().anyMatch(p -> Files.isDirectory(p)
        && Emotion.fromName(p.getFileName().toString()) != null);
    if (classFolders) {
      collectClasses(root, null, entries);
    } else {
      Map<Path, Usage> splits = splitFolders(children);
      List<String> mapping = new ArrayList<>();
      for (Map.Entry<Path, Usage> s : splits.entrySet()) {
        collectClasses(s.getKey(), s.getValue(), entries);
        mapping.add(s.getKey().getFileName() + " -> " + s.getValue().label()
            + (s.getValue() == Usage.PUBLIC_TEST ? " (validation: select models on it)"
                : s.getValue() == Usage.PRIVATE_TEST ? " (test: held out)" : ""));
      }
      notes.add(root + ": split folders " + String.join(", ", mapping));
    }
    if (entries.isEmpty()) {
      throw new DataException(root.toString(), "no images found (expected <root>/<split>/<class>/*.png|jpg)");
    }
    LoadedData d = decode(root.toString(), entries, options, centerCrop);
    return new LoadedData(d.dataset(), d.skipped(), List.copyOf(notes));
  }

  /**
   * Maps split folders to FER2013's splits. A validation folder (val, valid, validation) is the
   * selection split, PublicTest; a test folder is PublicTest too when there is no validation
   * folder (the usual train/test layout), and the held-out PrivateTest when there is one, so a
   * train/val/test layout never merges the selection and the test split.
   */
  static Map<Path, Usage> splitFolders(List<Path> children) {
    Map<Path, Usage> out = new LinkedHashMap<>();
    List<Path> dirs = children.stream().filter(Files::isDirectory).toList();
    boolean hasValidation = dirs.stream().anyMatch(d -> isValidationName(d.getFileName().toString()));
    Map<Usage, Path> taken = new java.util.EnumMap<>(Usage.class);
    for (Path split : dirs) {
      String name = split.getFileName().toString();
      Usage u = Usage.fromAlias(name);
      if (u == null) {
        throw new DataException(split.toString(), "unknown split folder (expected train, val, test, "
            + "Training, PublicTest or PrivateTest, or class folders angry..neutral)");
      }
      if (hasValidation && u == Usage.PUBLIC_TEST && !isValidationName(name)
          && !name.equalsIgnoreCase("PublicTest")) {
        u = Usage.PRIVATE_TEST; // "test" beside a validation folder is the held-out test split
      }
      Path other = taken.putIfAbsent(u, split);
      if (other != null) {
        throw new DataException(split.toString(), "split folder maps to " + u.label() + " as "
            + other.getFileName() + " does; keep one folder per split");
      }
      out.put(split, u);
    }
    return out;
  }

  private static boolean isValidationName(String name) {
    String n = name.trim().toLowerCase(java.util.Locale.ROOT);
    return n.equals("val") || n.equals("valid") || n.equals("validation");
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

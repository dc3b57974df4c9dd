package org.fertk.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.fertk.FerException;
import org.fertk.Emotion;

/**
 * Reads the common image-folder layout {@code <root>/<split>/<class>/*.png|jpg} (split folders such
 * as train/test, class folders angry..neutral in any case), also {@code <root>/<class>/*} without
 * splits, and plain lists of image files (unlabelled). Every image becomes 48x48 grayscale.
 */
public final class ImageFolderReader {
  private ImageFolderReader() {}

  public static LoadedData readFolder(Path root, ReadOptions options, boolean centerCrop) {
    List<String> notes = new ArrayList<>();
    List<Entry> entries = entries(root, notes);
    LoadedData d = decode(root.toString(), entries, 0, entries.size(), options, centerCrop);
    if (d.dataset().size() == 0) {
      throw new DataException(root.toString(), "no readable images (" + d.skipped().size() + " could not be decoded)");
    }
    return new LoadedData(d.dataset(), d.skipped(), List.copyOf(notes));
  }

  /**
   * Reads a folder as {@link #readFolder} does but hands its faces to {@code consumer} a block of
   * pictures at a time, in the same order, so that only one block's pixels are in memory (the
   * list of file names is kept whole). The first block carries the notes; a bad picture fails as
   * in a whole read, or (skipBadRows) comes with its block's faces.
   */
  public static void streamFolder(Path root, ReadOptions options, boolean centerCrop, int blockSize,
      Consumer<LoadedData> consumer) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("block size must be positive, got " + blockSize);
    }
    List<String> notes = new ArrayList<>();
    List<Entry> entries = entries(root, notes);
    int skipped = 0;
    for (int from = 0; from < entries.size(); from += blockSize) {
      LoadedData d = decode(root.toString(), entries, from, Math.min(entries.size(), from + blockSize), options,
          centerCrop);
      skipped += d.skipped().size();
      consumer.accept(from == 0 ? new LoadedData(d.dataset(), d.skipped(), List.copyOf(notes)) : d);
    }
    if (skipped == entries.size()) {
      throw new DataException(root.toString(), "no readable images (" + skipped + " could not be decoded)");
    }
  }

  /** The labelled picture files under a folder, in name order; notes say how split folders mapped. */
  private static List<Entry> entries(Path root, List<String> notes) {
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
    return entries;
  }

  /**
   * Refuses a folder laid out by class (or by split and class) that holds a folder of neither kind,
   * a misspelled class folder above all: its pictures would be taken as unlabelled and the
   * accuracy silently dropped. A folder of unlabelled photos (no class folder anywhere) passes.
   */
  public static void checkLabelledLayout(Path root) {
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> children = list(root);
    boolean labelled = children.stream().filter(Files::isDirectory).anyMatch(c -> Emotion.fromName(
        c.getFileName().toString()) != null || Usage.fromAlias(c.getFileName().toString()) != null
        && list(c).stream().anyMatch(g -> Files.isDirectory(g) && Emotion.fromName(g.getFileName().toString()) != null));
    if (labelled) {
      entries(root, new ArrayList<>());
    }
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
    Map<Usage, Path> taken = new EnumMap<>(Usage.class);
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
    String n = name.trim().toLowerCase(Locale.ROOT);
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
    String source = files.size() == 1 ? files.get(0).toString() : files.size() + " images";
    LoadedData d = decode(source, entries, 0, entries.size(), options, centerCrop);
    if (d.dataset().size() == 0) {
      throw new DataException(source, "no readable images (" + d.skipped().size() + " could not be decoded)");
    }
    return d;
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

  /** Entries [from, to) decoded in parallel; a face's origin is its entry's position in the whole list. */
  private static LoadedData decode(String source, List<Entry> entries, int from, int to, ReadOptions options,
      boolean centerCrop) {
    int n = to - from;
    byte[][] decoded = new byte[n][];
    BadRow[] errors = new BadRow[n];
    // Decoding is independent per file: use all cores.
    IntStream.range(0, n).parallel().forEach(i -> {
      try {
        decoded[i] = FaceImages.read48(entries.get(from + i).file(), centerCrop, options.maxImagePixels());
      } catch (DataException e) {
        errors[i] = e.where();
      }
    });
    List<BadRow> bad = new ArrayList<>();
    FaceDataset.Builder b = new FaceDataset.Builder(source, n);
    for (int i = 0; i < n; i++) {
      if (errors[i] != null) {
        if (!options.skipBadRows()) {
          throw new DataException(new BadRow(errors[i].file(), 0,
              errors[i].problem() + " (" + FerException.setting("skip_bad_rows") + " skips such images)"));
        }
        bad.add(errors[i]);
        continue;
      }
      Entry e = entries.get(from + i);
      b.add(decoded[i], 0, e.label(), e.usage(), from + i, e.file().toString());
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

package org.fertk.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.fertk.Emotion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
  @TempDir
  Path dir;

  private static void writeImage(Path f, int w, int h, Color c, String format) throws IOException {
    Files.createDirectories(f.getParent());
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(c);
    g.fillRect(0, 0, w, h);
    g.dispose();
    ImageIO.write(img, format, f.toFile());
  }

  @Test
  void readsSplitClassLayoutOfAnySizeAndColour() throws IOException {
    writeImage(dir.resolve("train/Happy/a.png"), 48, 48, Color.WHITE, "png");
    writeImage(dir.resolve("train/angry/b.jpg"), 100, 60, new Color(200, 100, 50), "jpg");
    writeImage(dir.resolve("test/SAD/c.png"), 20, 20, Color.BLACK, "png");
    LoadedData d = ImageFolderReader.readFolder(dir, ReadOptions.STRICT, false);
    FaceDataset f = d.dataset();
    assertEquals(3, f.size());
    assertEquals(1, f.indicesOf(Usage.PUBLIC_TEST).length);
    int happy = -1;
    int angry = -1;
    for (int i = 0; i < 3; i++) {
      if (f.label(i) == Emotion.HAPPY.ordinal()) {
        happy = i;
      }
      if (f.label(i) == Emotion.ANGRY.ordinal()) {
        angry = i;
        assertEquals(Usage.TRAINING, f.usage(i));
      }
    }
    assertEquals(255, f.pixel(happy, 10, 10));
    // luma of (200,100,50) = 0.299*200 + 0.587*100 + 0.114*50 = 124.2, within JPEG error
    assertEquals(124, f.pixel(angry, 24, 24), 4);
  }

  @Test
  void classFoldersWithoutSplits() throws IOException {
    writeImage(dir.resolve("neutral/x.png"), 10, 10, Color.GRAY, "png");
    FaceDataset f = ImageFolderReader.readFolder(dir, ReadOptions.STRICT, false).dataset();
    assertEquals(Emotion.NEUTRAL.ordinal(), f.label(0));
    assertEquals(null, f.usage(0));
  }

  @Test
  void undecodableImageIsNamed() throws IOException {
    writeImage(dir.resolve("train/happy/ok.png"), 48, 48, Color.WHITE, "png");
    Path bad = dir.resolve("train/happy/broken.png");
    Files.writeString(bad, "not an image");
    DataException e = assertThrows(DataException.class,
        () -> ImageFolderReader.readFolder(dir, ReadOptions.STRICT, false));
    assertTrue(e.getMessage().startsWith(bad + ": cannot decode image"), e.getMessage());
    LoadedData skipped = ImageFolderReader.readFolder(dir, ReadOptions.STRICT.withSkipBadRows(true), false);
    assertEquals(1, skipped.dataset().size());
    assertEquals(bad.toString(), skipped.skipped().get(0).file());
  }

  @Test
  void folderWithoutImages() throws IOException {
    Files.createDirectories(dir.resolve("train/happy"));
    DataException e = assertThrows(DataException.class,
        () -> ImageFolderReader.readFolder(dir, ReadOptions.STRICT, false));
    assertTrue(e.getMessage().contains("no images found"), e.getMessage());
  }

  @Test
  void unknownClassFolder() throws IOException {
    writeImage(dir.resolve("train/bored/x.png"), 8, 8, Color.GRAY, "png");
    DataException e = assertThrows(DataException.class,
        () -> ImageFolderReader.readFolder(dir, ReadOptions.STRICT, false));
    assertTrue(e.getMessage().contains("bored: unknown class folder"), e.getMessage());
  }

  @Test
  void centreCropKeepsTheMiddleSquare() throws IOException {
    // 96x48: left half black, middle 48 columns white, right... a centred white square.
    BufferedImage img = new BufferedImage(144, 48, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(48, 0, 48, 48);
    g.dispose();
    Path f = dir.resolve("wide.png");
    ImageIO.write(img, "png", f.toFile());
    FaceDataset cropped = ImageFolderReader.readFiles(List.of(f), ReadOptions.STRICT, true).dataset();
    FaceDataset squeezed = ImageFolderReader.readFiles(List.of(f), ReadOptions.STRICT, false).dataset();
    assertEquals(255, cropped.pixel(0, 24, 2));
    assertEquals(0, squeezed.pixel(0, 24, 2));
    assertEquals(FaceDataset.UNKNOWN, cropped.label(0));
  }

  @Test
  void trainValTestFoldersStayThreeSplitsAndTheMappingIsSaid() throws IOException {
    writeImage(dir.resolve("train/happy/a.png"), 48, 48, Color.WHITE, "png");
    writeImage(dir.resolve("val/sad/b.png"), 48, 48, Color.GRAY, "png");
    writeImage(dir.resolve("test/angry/c.png"), 48, 48, Color.BLACK, "png");
    LoadedData d = ImageFolderReader.readFolder(dir, ReadOptions.STRICT, false);
    FaceDataset f = d.dataset();
    assertEquals(1, f.indicesOf(Usage.TRAINING).length);
    assertEquals(Emotion.SAD.ordinal(), f.label(f.indicesOf(Usage.PUBLIC_TEST)[0]), "val is the selection split");
    assertEquals(Emotion.ANGRY.ordinal(), f.label(f.indicesOf(Usage.PRIVATE_TEST)[0]), "test is held out");
    assertEquals(List.of(dir + ": split folders test -> PrivateTest (test: held out), train -> Training, "
        + "val -> PublicTest (validation: select models on it)"), d.notes());
  }

  @Test
  void trainTestFoldersKeepTestAsTheSelectionSplitAndTwoNamesForOneSplitAreRefused() throws IOException {
    writeImage(dir.resolve("train/happy/a.png"), 48, 48, Color.WHITE, "png");
    writeImage(dir.resolve("test/sad/b.png"), 48, 48, Color.GRAY, "png");
    assertEquals(1, ImageFolderReader.readFolder(dir, ReadOptions.STRICT, false).dataset()
        .indicesOf(Usage.PUBLIC_TEST).length);
    writeImage(dir.resolve("PublicTest/sad/c.png"), 48, 48, Color.GRAY, "png");
    DataException e = assertThrows(DataException.class, () -> ImageFolderReader.readFolder(dir, ReadOptions.STRICT, false));
    assertTrue(e.getMessage().contains("split folder maps to PublicTest as PublicTest does"), e.getMessage());
  }

  @Test
  void streamingGivesTheWholeReadBlockByBlock() throws IOException {
    for (int i = 0; i < 11; i++) {
      writeImage(dir.resolve((i % 3 == 0 ? "test/" : "train/") + Emotion.keys()[i % 7] + "/f" + i + ".png"), 30 + i, 40,
          new Color(20 * i, 10 * i, 5 * i), "png");
    }
    Path bad = dir.resolve("train/sad/zz-broken.png");
    Files.writeString(bad, "not an image");
    ReadOptions skip = ReadOptions.STRICT.withSkipBadRows(true);
    LoadedData whole = ImageFolderReader.readFolder(dir, skip, false);
    List<LoadedData> blocks = new ArrayList<>();
    ImageFolderReader.streamFolder(dir, skip, false, 4, blocks::add);
    assertEquals(3, blocks.size(), "12 pictures in blocks of 4");
    assertEquals(whole.notes(), blocks.get(0).notes());
    assertTrue(blocks.get(1).notes().isEmpty());
    int k = 0;
    for (LoadedData b : blocks) {
      for (int i = 0; i < b.dataset().size(); i++, k++) {
        assertEquals(whole.dataset().name(k), b.dataset().name(i));
        assertEquals(whole.dataset().origin(k), b.dataset().origin(i));
        assertEquals(whole.dataset().label(k), b.dataset().label(i));
        assertEquals(whole.dataset().usage(k), b.dataset().usage(i));
        assertEquals(whole.dataset().pixel(k, 5, 7), b.dataset().pixel(i, 5, 7));
      }
    }
    assertEquals(whole.dataset().size(), k);
    assertEquals(List.of(bad.toString()), blocks.stream().flatMap(b -> b.skipped().stream()).map(BadRow::file).toList());

    DataException strict = assertThrows(DataException.class,
        () -> ImageFolderReader.streamFolder(dir, ReadOptions.STRICT, false, 4, b -> {}));
    DataException wholeStrict = assertThrows(DataException.class,
        () -> ImageFolderReader.readFolder(dir, ReadOptions.STRICT, false));
    assertEquals(wholeStrict.getMessage(), strict.getMessage());
  }
}

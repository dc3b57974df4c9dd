package org.fertk.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fertk.Emotion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Fer2013CsvReaderTest {
  @TempDir
  Path dir;

  private FaceDataset read(Path f) {
    return Fer2013CsvReader.read(f, ReadOptions.STRICT).dataset();
  }

  @ParameterizedTest
  @ValueSource(strings = {"faces.csv", "faces.csv.gz"})
  void readsPlainAndGzippedFiles(String name) throws IOException {
    Path f = CsvFixtures.write(dir, name, CsvFixtures.validCsv(20));
    FaceDataset d = read(f);
    assertEquals(20, d.size());
    for (int k = 0; k < 20; k++) {
      assertEquals(k % 7, d.label(k));
      assertEquals(k % 5 == 4 ? Usage.PUBLIC_TEST : Usage.TRAINING, d.usage(k));
      assertEquals(k + 2, d.origin(k), "origin is the 1-based file line");
      for (int p : new int[] {0, 1, 1000, 2303}) {
        assertEquals(CsvFixtures.expectedPixel(k, p), d.pixel(k, p / 48, p % 48));
      }
    }
  }

  @Test
  void findsColumnsByHeaderNameInAnyOrderAndCase() throws IOException {
    String text = "Usage,Pixels,EMOTION\nPrivateTest," + CsvFixtures.pixels(3) + ",5\r\n";
    FaceDataset d = read(CsvFixtures.write(dir, "x.csv", text));
    assertEquals(1, d.size());
    assertEquals(5, d.label(0));
    assertEquals(Usage.PRIVATE_TEST, d.usage(0));
    assertEquals(CsvFixtures.expectedPixel(3, 2303), d.pixel(0, 47, 47));
  }

  @Test
  void usageColumnIsOptional() throws IOException {
    String text = "emotion,pixels\n2," + CsvFixtures.pixels(1) + "\n";
    FaceDataset d = read(CsvFixtures.write(dir, "x.csv", text));
    assertEquals(null, d.usage(0));
    assertEquals(false, d.hasUsage());
  }

  @Test
  void quotedRowsGoThroughCommonsCsv() throws IOException {
    String text = "emotion,pixels,Usage\n\"3\",\"" + CsvFixtures.pixels(4) + "\",\"Training\"\n"
        + CsvFixtures.row(1, 5, "Training") + "\n";
    FaceDataset d = read(CsvFixtures.write(dir, "x.csv", text));
    assertEquals(2, d.size());
    assertEquals(3, d.label(0));
    assertEquals(CsvFixtures.expectedPixel(4, 77), d.pixel(0, 1, 29));
  }

  @Test
  void blankLinesAreIgnoredButCounted() throws IOException {
    String text = "emotion,pixels,Usage\n\n" + CsvFixtures.row(1, 0, "Training") + "\n\n";
    FaceDataset d = read(CsvFixtures.write(dir, "x.csv", text));
    assertEquals(1, d.size());
    assertEquals(3, d.origin(0));
  }

  /** Streaming hands over every row once, in file order, in blocks; bad rows fail as a whole read does. */
  @Test
  void streamingGivesTheWholeReadInBlocks() throws IOException {
    String good = CsvFixtures.validCsv(60);
    Path f = CsvFixtures.write(dir, "s.csv", good);
    FaceDataset whole = read(f);
    List<FaceDataset> blocks = new ArrayList<>();
    Fer2013CsvReader.stream(f, ReadOptions.STRICT.withThreads(2), 20_000, b -> blocks.add(b.dataset()));
    assertTrue(blocks.size() > 5, "blocks: " + blocks.size());
    int at = 0;
    for (FaceDataset b : blocks) {
      for (int i = 0; i < b.size(); i++, at++) {
        assertEquals(whole.origin(at), b.origin(i));
        assertEquals(whole.label(at), b.label(i));
        assertArrayEquals(whole.pixelsOf(at), b.pixelsOf(i));
      }
    }
    assertEquals(60, at);

    Path bad = CsvFixtures.write(dir, "bad.csv", good + "1," + CsvFixtures.pixels(0) + " 9,Training\n" + "8,1 2,Training\n");
    String wholeError = assertThrows(DataException.class, () -> Fer2013CsvReader.read(bad, ReadOptions.STRICT, 20_000)).getMessage();
    String streamError = assertThrows(DataException.class,
        () -> Fer2013CsvReader.stream(bad, ReadOptions.STRICT, 20_000, b -> { })).getMessage();
    assertEquals(wholeError, streamError);
    assertTrue(streamError.contains("(and 1 more bad rows"), streamError);
  }

  @Test
  void blockSeamsKeepRowsAndLineNumbers() throws IOException {
    // ~8 KB rows and 20 KB blocks: many rows straddle block boundaries.
    String good = CsvFixtures.validCsv(60);
    Path f = CsvFixtures.write(dir, "x.csv", good + "1," + CsvFixtures.pixels(0) + " 9,Training\n");
    DataException e = assertThrows(DataException.class,
        () -> Fer2013CsvReader.read(f, ReadOptions.STRICT.withThreads(2), 20_000));
    assertTrue(e.getMessage().contains(":62: expected 2304 pixels, found 2305"), e.getMessage());

    LoadedData skipped = Fer2013CsvReader.read(f, ReadOptions.STRICT.withSkipBadRows(true), 20_000);
    assertEquals(List.of(62L), skipped.skipped().stream().map(BadRow::line).toList());
    FaceDataset whole = read(CsvFixtures.write(dir, "whole.csv", good));
    FaceDataset seams = skipped.dataset();
    assertEquals(60, seams.size());
    FaceDataset tinyBlocks = Fer2013CsvReader.read(
        CsvFixtures.write(dir, "again.csv", good), ReadOptions.STRICT, 3_000).dataset();
    assertEquals(whole.contentHash(), tinyBlocks.contentHash(), "rows longer than a block");
    for (int k = 0; k < 60; k++) {
      assertEquals(whole.label(k), seams.label(k));
      assertEquals(k + 2, seams.origin(k));
      assertArrayEquals(whole.pixelsOf(k), seams.pixelsOf(k));
    }
  }

  // ---- bad input: each case names the file and line ----

  private String failure(String text) throws IOException {
    Path f = CsvFixtures.write(dir, "bad.csv", text);
    DataException e = assertThrows(DataException.class, () -> read(f));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    return e.getMessage().substring(f.toString().length());
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.csv");
    DataException e = assertThrows(DataException.class, () -> read(f));
    assertEquals(f + ": file not found", e.getMessage());
  }

  @Test
  void emptyFile() throws IOException {
    assertEquals(": file is empty", failure(""));
  }

  @Test
  void headerOnly() throws IOException {
    assertEquals(": no data rows after the header", failure("emotion,pixels,Usage\n"));
  }

  @Test
  void missingColumn() throws IOException {
    assertEquals(":1: missing column 'pixels' (header has: emotion, image, Usage)",
        failure("emotion,image,Usage\n1,2,Training\n"));
    assertEquals(":1: missing column 'emotion' (header has: label, pixels)",
        failure("label,pixels\n1," + CsvFixtures.pixels(0) + "\n"));
  }

  @Test
  void wrongPixelCount() throws IOException {
    String msg = failure("emotion,pixels,Usage\n" + CsvFixtures.row(1, 0, "Training") + "\n1,1 2 3,Training\n");
    assertTrue(msg.startsWith(":3: expected 2304 pixels, found 3"), msg);
  }

  @Test
  void nonNumericPixel() throws IOException {
    String px = CsvFixtures.pixels(0).replaceFirst(" 7 ", " 7x ");
    String msg = failure("emotion,pixels,Usage\n1," + px + ",Training\n");
    assertTrue(msg.startsWith(":2: non-numeric pixel '7x' at position 2"), msg);
  }

  @Test
  void pixelOutOfRange() throws IOException {
    String px = "256" + CsvFixtures.pixels(0).substring(1);
    String msg = failure("emotion,pixels,Usage\n1," + px + ",Training\n");
    assertTrue(msg.startsWith(":2: pixel value 256 at position 1 outside 0..255"), msg);
    String neg = "-3" + CsvFixtures.pixels(0).substring(1);
    msg = failure("emotion,pixels,Usage\n1," + neg + ",Training\n");
    // a negative number is out of range, not "non-numeric" (issue 35, item 17)
    assertTrue(msg.startsWith(":2: pixel value -3 at position 1 outside 0..255"), msg);
  }

  @Test
  void labelOutOfRange() throws IOException {
    String msg = failure("emotion,pixels,Usage\n7," + CsvFixtures.pixels(0) + ",Training\n");
    assertTrue(msg.startsWith(":2: emotion label 7 outside 0..6"), msg);
    msg = failure("emotion,pixels,Usage\nhappy," + CsvFixtures.pixels(0) + ",Training\n");
    assertTrue(msg.startsWith(":2: emotion label 'happy' is not an integer"), msg);
  }

  @Test
  void unknownUsage() throws IOException {
    String msg = failure("emotion,pixels,Usage\n" + CsvFixtures.row(1, 0, "Training") + "\n"
        + CsvFixtures.row(1, 0, "Validation") + "\n");
    assertTrue(msg.startsWith(":3: unknown Usage 'Validation' (expected Training, PublicTest or PrivateTest)"), msg);
  }

  @Test
  void wrongFieldCount() throws IOException {
    String msg = failure("emotion,pixels,Usage\n1," + CsvFixtures.pixels(0) + "\n");
    assertTrue(msg.startsWith(":2: expected 3 fields, found 2"), msg);
  }

  @Test
  void corruptGzip() throws IOException {
    Path f = dir.resolve("bad.csv.gz");
    Files.write(f, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
    DataException e = assertThrows(DataException.class, () -> read(f));
    assertTrue(e.getMessage().startsWith(f + ": corrupt or truncated gzip data"), e.getMessage());
  }

  @Test
  void skipBadRowsReportsEveryLine() throws IOException {
    String text = "emotion,pixels,Usage\n" + CsvFixtures.row(1, 0, "Training") + "\n"
        + "9," + CsvFixtures.pixels(1) + ",Training\n"
        + CsvFixtures.row(2, 2, "Training") + "\n"
        + "1,1 2,Training\n";
    Path f = CsvFixtures.write(dir, "x.csv", text);
    DataException strict = assertThrows(DataException.class, () -> read(f));
    assertTrue(strict.getMessage().contains("and 1 more bad rows"), strict.getMessage());
    LoadedData d = Fer2013CsvReader.read(f, ReadOptions.STRICT.withSkipBadRows(true));
    assertEquals(2, d.dataset().size());
    assertEquals(List.of(3L, 5L), d.skipped().stream().map(BadRow::line).toList());
    assertTrue(d.skippedSummary(10).startsWith("skipped 2 bad rows\n  " + f + ":3: emotion label 9"));
  }

  @Test
  void aColumnNamedTwiceIsRefused() throws IOException {
    Path f = CsvFixtures.write(dir, "twice.csv", CsvFixtures.validCsv(3).replaceFirst("emotion,pixels,Usage",
        "emotion,pixels,Usage,Emotion"));
    DataException e = assertThrows(DataException.class, () -> read(f));
    assertEquals(f + ":1: column 'Emotion' appears twice in the header (columns 1 and 4)", e.getMessage());
  }
}

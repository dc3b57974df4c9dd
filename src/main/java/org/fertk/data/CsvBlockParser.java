package org.fertk.data;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.fertk.Emotion;

/**
 * Decodes the whole lines of one block of a FER2013 CSV (see {@link Fer2013CsvReader}) into a
 * {@link Chunk}: well-formed rows on a byte-level fast path, anything unusual on a careful path
 * that also words the error. Not thread-safe; one per block.
 */
final class CsvBlockParser {
  private static final byte[][] USAGE_BYTES = {
    Usage.TRAINING.label().getBytes(StandardCharsets.US_ASCII),
    Usage.PUBLIC_TEST.label().getBytes(StandardCharsets.US_ASCII),
    Usage.PRIVATE_TEST.label().getBytes(StandardCharsets.US_ASCII)
  };
  private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setTrim(true).get();

  /** The decoded rows of one block; line numbers are relative to the block's first line. */
  static final class Chunk {
    byte[] pixels;
    byte[] labels;
    byte[] usages;
    int[] lines;
    int rows;
    int lineCount;
    final List<BadRow> bad = new ArrayList<>();
  }

  private final String name; // the file, for error messages
  private final byte[] buf;
  private final int end;
  private final Fer2013CsvReader.Header h;
  private final Chunk out = new Chunk();
  private String problem;

  CsvBlockParser(String name, byte[] buf, int end, Fer2013CsvReader.Header h) {
    this.name = name;
    this.buf = buf;
    this.end = end;
    this.h = h;
    int guess = end / 6000 + 4;
    out.pixels = new byte[guess * FaceDataset.PIXELS];
    out.labels = new byte[guess];
    out.usages = new byte[guess];
    out.lines = new int[guess];
  }

  Chunk parse() {
    int pos = 0;
    int line = 0;
    while (pos < end) {
      ensureCapacity();
      int next = tryFastRow(pos);
      if (next >= 0) {
        out.lines[out.rows] = line;
        out.rows++;
      } else {
        // Anything unusual (quotes, spaces, blank line, bad value): the careful path, which
        // also produces the exact error message.
        int nl = pos;
        while (nl < end && buf[nl] != '\n') {
          nl++;
        }
        int e = nl;
        if (e > pos && buf[e - 1] == '\r') {
          e--;
        }
        if (e > pos) {
          parseLine(pos, e, line);
        }
        next = nl + 1;
      }
      line++;
      pos = next;
    }
    out.lineCount = line;
    return out;
  }

  /**
   * The optimistic path for a well-formed row: fields in header order, a one-digit label, 2,304
   * numbers of 1-3 digits separated by single spaces, an exact Usage spelling. Returns the
   * position after the row's line break, or -1 to hand the row to the careful path.
   */
  private int tryFastRow(int pos) {
    int p = pos;
    int label = FaceDataset.UNKNOWN;
    int usage = -1;
    for (int col = 0; col < h.columns(); col++) {
      if (col == h.pixels()) {
        p = fastPixels(p, out.pixels, out.rows * FaceDataset.PIXELS);
        if (p < 0) {
          return -1;
        }
      } else if (col == h.emotion()) {
        if (p >= end) {
          return -1;
        }
        label = buf[p] - '0';
        if (label < 0 || label >= Emotion.COUNT) {
          return -1;
        }
        p++;
      } else {
        int q = p;
        while (q < end && buf[q] != ',' && buf[q] != '\n' && buf[q] != '\r') {
          if (buf[q] == '"') {
            return -1;
          }
          q++;
        }
        if (col == h.usage()) {
          usage = matchUsage(p, q);
          if (usage < 0) {
            return -1;
          }
        }
        p = q;
      }
      if (col < h.columns() - 1) {
        if (p >= end || buf[p] != ',') {
          return -1;
        }
        p++;
      }
    }
    if (p < end && buf[p] == '\r') {
      p++;
    }
    if (p < end) {
      if (buf[p] != '\n') {
        return -1;
      }
      p++;
    }
    out.labels[out.rows] = (byte) label;
    out.usages[out.rows] = (byte) usage;
    return p;
  }

  private int fastPixels(int p, byte[] dst, int at) {
    int count = 0;
    while (true) {
      if (p >= end) {
        return -1;
      }
      int v = buf[p] - '0';
      if (v < 0 || v > 9) {
        return -1;
      }
      p++;
      if (p < end) {
        int d = buf[p] - '0';
        if (d >= 0 && d <= 9) {
          v = v * 10 + d;
          p++;
          if (p < end) {
            d = buf[p] - '0';
            if (d >= 0 && d <= 9) {
              v = v * 10 + d;
              p++;
              if (v > 255) {
                return -1;
              }
            }
          }
        }
      }
      if (count == FaceDataset.PIXELS) {
        return -1;
      }
      dst[at + count++] = (byte) v;
      if (p < end && buf[p] == ' ') {
        p++;
      } else {
        break;
      }
    }
    return count == FaceDataset.PIXELS ? p : -1;
  }

  private int matchUsage(int s, int e) {
    for (Usage u : Usage.values()) {
      byte[] want = USAGE_BYTES[u.ordinal()];
      if (want.length == e - s && Arrays.equals(buf, s, e, want, 0, want.length)) {
        return u.ordinal();
      }
    }
    return -1;
  }

  private void parseLine(int s, int e, int line) {
    problem = null;
    boolean quoted = false;
    for (int p = s; p < e; p++) {
      if (buf[p] == '"') {
        quoted = true;
        break;
      }
    }
    if (quoted) {
      parseWithCommonsCsv(s, e, line);
    } else {
      parseFast(s, e);
    }
    if (problem != null) {
      out.bad.add(new BadRow(name, line, problem));
    } else {
      out.lines[out.rows] = line;
      out.rows++;
    }
  }

  private void parseFast(int s, int e) {
    int field = 0;
    int fs = s;
    int label = FaceDataset.UNKNOWN;
    int usage = -1;
    boolean sawPixels = false;
    for (int p = s; p <= e && problem == null; p++) {
      if (p == e || buf[p] == ',') {
        if (field == h.emotion()) {
          label = parseLabel(fs, p);
        } else if (field == h.pixels()) {
          parsePixels(fs, p);
          sawPixels = true;
        } else if (field == h.usage()) {
          usage = parseUsage(new String(buf, fs, p - fs, StandardCharsets.UTF_8).strip());
        }
        field++;
        fs = p + 1;
      }
    }
    if (problem == null && field != h.columns()) {
      problem = "expected " + h.columns() + " fields, found " + field;
    }
    if (problem == null && !sawPixels) {
      problem = "no pixels field";
    }
    store(label, usage);
  }

  private void parseWithCommonsCsv(int s, int e, int line) {
    String text = new String(buf, s, e - s, StandardCharsets.UTF_8);
    List<String> fields;
    try {
      fields = parseFields(name, text, line);
    } catch (DataException ex) {
      problem = "malformed CSV line (unbalanced quotes?)";
      return;
    }
    if (fields.size() != h.columns()) {
      problem = "expected " + h.columns() + " fields, found " + fields.size();
      return;
    }
    int label = h.emotion() >= 0 ? parseLabel(fields.get(h.emotion())) : FaceDataset.UNKNOWN;
    if (problem != null) {
      return;
    }
    byte[] px = fields.get(h.pixels()).getBytes(StandardCharsets.US_ASCII);
    CsvBlockParser sub = new CsvBlockParser(name, px, px.length, h);
    sub.parsePixelsInto(0, px.length, out.pixels, out.rows * FaceDataset.PIXELS);
    problem = sub.problem;
    int usage = h.usage() >= 0 ? parseUsage(fields.get(h.usage())) : -1;
    store(label, usage);
  }

  private void store(int label, int usage) {
    out.labels[out.rows] = (byte) label;
    out.usages[out.rows] = (byte) usage;
  }

  private int parseLabel(int s, int e) {
    return parseLabel(new String(buf, s, e - s, StandardCharsets.UTF_8));
  }

  private int parseLabel(String raw) {
    String t = raw.strip();
    if (t.isEmpty()) {
      problem = "empty emotion label";
      return -1;
    }
    int v;
    try {
      v = Integer.parseInt(t);
    } catch (NumberFormatException ex) {
      problem = "emotion label '" + abbreviate(t) + "' is not an integer";
      return -1;
    }
    if (v < 0 || v >= Emotion.COUNT) {
      problem = "emotion label " + v + " outside 0..6";
      return -1;
    }
    return v;
  }

  private int parseUsage(String t) {
    if (problem != null) {
      return -1;
    }
    if (t.isEmpty()) {
      problem = "empty Usage value";
      return -1;
    }
    Usage u = Usage.fromLabel(t);
    if (u == null) {
      problem = "unknown Usage '" + abbreviate(t)
          + "' (expected Training, PublicTest or PrivateTest)";
      return -1;
    }
    return u.ordinal();
  }

  private void parsePixels(int s, int e) {
    parsePixelsInto(s, e, out.pixels, out.rows * FaceDataset.PIXELS);
  }

  /** The hot loop: decimal numbers separated by spaces, straight into bytes. */
  void parsePixelsInto(int s, int e, byte[] dst, int at) {
    int count = 0;
    int v = -1;
    for (int p = s; p < e; p++) {
      int d = buf[p] - '0';
      if (d >= 0 && d <= 9) {
        v = v < 0 ? d : (v > 100000 ? v : v * 10 + d);
      } else if (buf[p] == ' ' || buf[p] == '\t') {
        if (v >= 0) {
          if (!storePixel(dst, at, count, v)) {
            return;
          }
          count++;
          v = -1;
        }
      } else {
        int q = p;
        while (q < e && buf[q] != ' ') {
          q++;
        }
        int from = p;
        while (from > s && buf[from - 1] != ' ') {
          from--;
        }
        String token = abbreviate(new String(buf, from, q - from, StandardCharsets.UTF_8));
        // a negative whole number is a number out of range, not "non-numeric"
        problem = token.matches("-\\d+") ? "pixel value " + token + " at position " + (count + 1) + " outside 0..255"
            : "non-numeric pixel '" + token + "' at position " + (count + 1);
        return;
      }
    }
    if (v >= 0) {
      if (!storePixel(dst, at, count, v)) {
        return;
      }
      count++;
    }
    if (count != FaceDataset.PIXELS) {
      problem = "expected " + FaceDataset.PIXELS + " pixels, found " + count;
    }
  }

  private boolean storePixel(byte[] dst, int at, int count, int v) {
    if (v > 255) {
      problem = "pixel value " + (v > 100000 ? "> 100000" : String.valueOf(v)) + " at position "
          + (count + 1) + " outside 0..255";
      return false;
    }
    if (count < FaceDataset.PIXELS) {
      dst[at + count] = (byte) v;
    }
    return true;
  }

  private void ensureCapacity() {
    if (out.rows == out.labels.length) {
      int c = out.labels.length * 2;
      out.pixels = Arrays.copyOf(out.pixels, c * FaceDataset.PIXELS);
      out.labels = Arrays.copyOf(out.labels, c);
      out.usages = Arrays.copyOf(out.usages, c);
      out.lines = Arrays.copyOf(out.lines, c);
    }
  }

  /** One CSV line through commons-csv (the header, and rows with quotes). */
  static List<String> parseFields(String name, String text, long line) {
    try (CSVParser p = CSVParser.parse(new StringReader(text), CSV)) {
      List<CSVRecord> recs = p.getRecords();
      if (recs.size() != 1) {
        throw new DataException(new BadRow(name, line, "malformed CSV line"));
      }
      return recs.get(0).toList();
    } catch (IOException | UncheckedIOException e) {
      throw new DataException(new BadRow(name, line, "malformed CSV line: " + e.getMessage()));
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 20 ? s : s.substring(0, 17) + "...";
  }
}

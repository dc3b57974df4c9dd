package org.fertk.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.fertk.FerException;

/**
 * Reads the FER2013 CSV layout ({@code emotion,pixels[,Usage]}, columns found by header name) from
 * {@code .csv} or {@code .csv.gz}.
 *
 * <p>The header, and any row containing a quote, go through commons-csv. Plain rows, which is all
 * of FER2013, take a byte-level fast path: the file is cut into blocks of whole lines that parser
 * threads decode straight into one byte per pixel, while the calling thread reads (or inflates)
 * the next block ({@link CsvBlockParser} decodes one block). Line numbers are counted per block
 * and fixed up at the end, so every error still names its exact line.
 */
public final class Fer2013CsvReader {
  static final int DEFAULT_BLOCK = 8 << 20;

  private final Path file;
  private final String name;
  private final ReadOptions options;
  private final int blockSize;
  /** Streaming reads: where each block's faces go (null: the whole file is assembled). */
  private Consumer<LoadedData> sink;
  private long streamLine = 2;
  private int streamRows;
  private final List<BadRow> streamBad = new ArrayList<>();

  private Fer2013CsvReader(Path file, ReadOptions options, int blockSize) {
    this.file = file;
    this.name = file.toString();
    this.options = options;
    this.blockSize = blockSize;
  }

  private Fer2013CsvReader(String name, ReadOptions options) {
    this.file = null;
    this.name = name;
    this.options = options;
    this.blockSize = DEFAULT_BLOCK;
  }

  public static LoadedData read(Path file, ReadOptions options) {
    return read(file, options, DEFAULT_BLOCK);
  }

  /**
   * The data rows of a file, or of one split of it, counted without parsing a pixel (a progress
   * bar's total, so that streaming shows a percentage and time left): lines after the header,
   * those ending in the split's name when one is given. An unreadable file counts -1 (unknown);
   * reading it properly then says why.
   */
  public static long countRows(Path file, Usage only) {
    Fer2013CsvReader r = new Fer2013CsvReader(file, ReadOptions.STRICT, DEFAULT_BLOCK);
    String usage = only == null ? null : "," + only.label();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.open(), StandardCharsets.US_ASCII), 1 << 16)) {
      return lines.lines().skip(1).filter(l -> !l.isBlank() && (usage == null || l.stripTrailing().endsWith(usage)))
          .count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }


  /**
   * Reads a file block by block and hands each block's faces to {@code consumer}, in file order,
   * while the parser threads already decode the next blocks: memory stays bounded by a few blocks
   * whatever the file's size. Bad rows are checked as by {@link #read}: without skipBadRows the
   * rest of the file is still parsed (nothing more is handed over) and the same error as a
   * whole-file read is thrown at the end; with it, each block's skipped rows come with its faces.
   */
  public static void stream(Path file, ReadOptions options, Consumer<LoadedData> consumer) {
    stream(file, options, DEFAULT_BLOCK, consumer);
  }

  static void stream(Path file, ReadOptions options, int blockSize, Consumer<LoadedData> consumer) {
    Fer2013CsvReader r = new Fer2013CsvReader(file, options, blockSize);
    r.sink = consumer;
    r.read();
  }

  /** With a chosen block size (tests use small blocks to exercise the block seams). */
  static LoadedData read(Path file, ReadOptions options, int blockSize) {
    return new Fer2013CsvReader(file, options, blockSize).read();
  }

  private LoadedData read() {
    if (!Files.exists(file)) {
      throw new DataException(name, "file not found");
    }
    if (Files.isDirectory(file)) {
      throw new DataException(name, "is a folder, expected a CSV file");
    }
    try (InputStream in = open()) {
      Header header = readHeader(in);
      return readRows(in, header);
    } catch (ZipException | EOFException e) {
      throw new DataException(name, "corrupt or truncated gzip data (" + e.getMessage() + ")");
    } catch (NoSuchFileException e) {
      throw new DataException(name, "file not found");
    } catch (IOException e) {
      throw new DataException(name, "cannot read: " + e.getMessage());
    }
  }

  private InputStream open() throws IOException {
    boolean gz;
    try (InputStream probe = Files.newInputStream(file)) {
      gz = probe.read() == 0x1f && probe.read() == 0x8b;
    }
    if (gz) {
      return new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), 1 << 16);
    }
    if (name.toLowerCase(Locale.ROOT).endsWith(".gz")) {
      throw new DataException(name, "not in gzip format although the name ends in .gz");
    }
    long size = Files.size(file);
    if (size < Integer.MAX_VALUE) {
      // Copying out of a mapping is several times faster than InputStream reads of a cached file.
      try (FileChannel ch = FileChannel.open(file)) {
        return new MappedInputStream(ch.map(FileChannel.MapMode.READ_ONLY, 0, size));
      }
    }
    return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
  }

  /** An InputStream over a memory-mapped file. */
  private static final class MappedInputStream extends InputStream {
    private final MappedByteBuffer map;

    MappedInputStream(MappedByteBuffer map) {
      this.map = map;
    }

    @Override
    public int read() {
      return map.hasRemaining() ? map.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (!map.hasRemaining()) {
        return -1;
      }
      int n = Math.min(len, map.remaining());
      map.get(b, off, n);
      return n;
    }
  }

  /** Column positions found in the header line (serializable: distributed readers ship it to workers). */
  public record Header(int columns, int emotion, int pixels, int usage) implements Serializable {}

  /**
   * For readers that split a file between workers (Spark): the columns named by a header line,
   * with the same checks and messages as a whole-file read.
   */
  public static Header header(String name, String headerLine, ReadOptions options) {
    try {
      return new Fer2013CsvReader(name, options).readHeader(
          new ByteArrayInputStream(headerLine.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new DataException(name, "cannot read the header: " + e.getMessage());
    }
  }

  /**
   * For readers that split a file: the faces in {@code end} bytes of whole lines whose first line
   * is line {@code firstLine} of the file (1 is the header), each face's origin its line number,
   * and the bad rows with their lines. Bad rows are returned, not thrown: the caller decides.
   */
  public static LoadedData lines(String name, Header h, byte[] block, int end, long firstLine) {
    CsvBlockParser.Chunk c = new CsvBlockParser(name, block, end, h).parse();
    List<BadRow> bad = new ArrayList<>();
    for (BadRow b : c.bad) {
      bad.add(new BadRow(name, b.line() + firstLine, b.problem()));
    }
    int[] lines = new int[c.rows];
    for (int i = 0; i < c.rows; i++) {
      lines[i] = (int) (c.lines[i] + firstLine);
    }
    return new LoadedData(new FaceDataset(name, Arrays.copyOf(c.pixels, c.rows * FaceDataset.PIXELS),
        Arrays.copyOf(c.labels, c.rows), Arrays.copyOf(c.usages, c.rows), lines, null), List.copyOf(bad));
  }

  private Header readHeader(InputStream in) throws IOException {
    byte[] line = new byte[256];
    int n = 0;
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (n == line.length) {
        line = Arrays.copyOf(line, n * 2);
      }
      line[n++] = (byte) b;
    }
    String text = new String(line, 0, n, StandardCharsets.UTF_8).replace("\uFEFF", "").strip();
    if (text.isEmpty()) {
      throw new DataException(name, n == 0 && b < 0 ? "file is empty" : "line 1: empty header line");
    }
    List<String> names = CsvBlockParser.parseFields(name, text, 1);
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String key = names.get(i).strip().toLowerCase(Locale.ROOT);
      Integer first = seen.putIfAbsent(key, i);
      if (first != null && !key.isEmpty()) {
        // which of the two would be read is a guess: refuse rather than pick one silently
        throw new DataException(new BadRow(name, 1, "column '" + names.get(i) + "' appears twice in the header "
            + "(columns " + (first + 1) + " and " + (i + 1) + ")"));
      }
    }
    int emotion = -1;
    int pixels = -1;
    int usage = -1;
    for (int i = 0; i < names.size(); i++) {
      String c = names.get(i).toLowerCase(Locale.ROOT);
      if (c.equals("emotion")) {
        emotion = i;
      } else if (c.equals("pixels")) {
        pixels = i;
      } else if (c.equals("usage")) {
        usage = i;
      }
    }
    if (pixels < 0) {
      throw new DataException(new BadRow(name, 1,
          "missing column 'pixels' (header has: " + String.join(", ", names) + ")"));
    }
    if (emotion < 0 && options.requireLabels()) {
      throw new DataException(new BadRow(name, 1,
          "missing column 'emotion' (header has: " + String.join(", ", names) + ")"));
    }
    return new Header(names.size(), emotion, pixels, usage);
  }

  private LoadedData readRows(InputStream in, Header header) throws IOException {
    int threads = options.effectiveThreads();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "csv-parser");
      t.setDaemon(true);
      return t;
    });
    // A fixed set of reusable blocks bounds memory and spares the GC 8 MB allocations.
    BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(threads + 1);
    for (int i = 0; i <= threads; i++) {
      free.add(new byte[blockSize]);
    }
    List<Future<CsvBlockParser.Chunk>> futures = new ArrayList<>();
    try {
      byte[] carry = new byte[0];
      boolean eof = false;
      while (!eof) {
        byte[] buf = carry.length < blockSize / 2 ? free.take() : new byte[carry.length * 2];
        System.arraycopy(carry, 0, buf, 0, carry.length);
        int len = carry.length;
        while (len < buf.length) {
          int r = in.read(buf, len, buf.length - len);
          if (r < 0) {
            eof = true;
            break;
          }
          len += r;
        }
        int end;
        if (eof) {
          end = len;
          carry = new byte[0];
        } else {
          int nl = len - 1;
          while (nl >= 0 && buf[nl] != '\n') {
            nl--;
          }
          if (nl < 0) {
            // a single line longer than the block: keep reading into a bigger buffer
            carry = Arrays.copyOf(buf, len);
            if (buf.length == blockSize) {
              free.offer(buf);
            }
            continue;
          }
          end = nl + 1;
          carry = Arrays.copyOfRange(buf, end, len);
        }
        if (end == 0) {
          if (buf.length == blockSize) {
            free.offer(buf);
          }
          continue;
        }
        final int chunkEnd = end;
        if (sink != null && futures.size() > threads) {
          deliver(futures.remove(0).get()); // the oldest block, in file order; bounds the blocks in flight
        }
        futures.add(pool.submit(() -> {
          try {
            return new CsvBlockParser(name, buf, chunkEnd, header).parse();
          } finally {
            if (buf.length == blockSize) {
              free.offer(buf);
            }
          }
        }));
      }
      if (sink != null) {
        for (Future<CsvBlockParser.Chunk> f : futures) {
          deliver(f.get());
        }
        checkRows(streamBad, streamRows);
        return null; // streamed: the faces went to the sink
      }
      List<CsvBlockParser.Chunk> chunks = new ArrayList<>(futures.size());
      for (Future<CsvBlockParser.Chunk> f : futures) {
        chunks.add(f.get());
      }
      return assemble(chunks);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** One streamed block: its faces (lines made absolute) to the sink, unless a bad row stops the handing over. */
  private void deliver(CsvBlockParser.Chunk c) {
    List<BadRow> bad = new ArrayList<>();
    for (BadRow b : c.bad) {
      bad.add(new BadRow(name, b.line() + streamLine, b.problem()));
    }
    streamBad.addAll(bad);
    int[] lines = new int[c.rows];
    for (int i = 0; i < c.rows; i++) {
      lines[i] = (int) (c.lines[i] + streamLine);
    }
    streamLine += c.lineCount;
    streamRows += c.rows;
    if (!streamBad.isEmpty() && !options.skipBadRows()) {
      return; // the error comes at the end, with the count of every bad row
    }
    sink.accept(new LoadedData(new FaceDataset(name, Arrays.copyOf(c.pixels, c.rows * FaceDataset.PIXELS),
        Arrays.copyOf(c.labels, c.rows), Arrays.copyOf(c.usages, c.rows), lines, null), List.copyOf(bad)));
  }

  /** Fails on bad rows (unless skipped, sorting them by line) or on a file without valid rows. */
  private void checkRows(List<BadRow> bad, int rows) {
    bad.sort(Comparator.comparingLong(BadRow::line));
    if (!bad.isEmpty() && !options.skipBadRows()) {
      String more = bad.size() > 1
          ? " (and " + (bad.size() - 1) + " more bad rows; " + FerException.setting("skip_bad_rows") + " skips them)"
          : " (" + FerException.setting("skip_bad_rows") + " skips such rows)";
      throw new DataException(new BadRow(name, bad.get(0).line(), bad.get(0).problem() + more));
    }
    if (rows == 0) {
      throw new DataException(name, bad.isEmpty() ? "no data rows after the header"
          : "no valid data rows (" + bad.size() + " bad rows skipped)");
    }
  }

  private LoadedData assemble(List<CsvBlockParser.Chunk> chunks) {
    int rows = 0;
    List<BadRow> bad = new ArrayList<>();
    long firstLine = 2;
    for (CsvBlockParser.Chunk c : chunks) {
      rows += c.rows;
      for (int i = 0; i < c.rows; i++) {
        c.lines[i] += (int) firstLine;
      }
      for (BadRow b : c.bad) {
        bad.add(new BadRow(name, b.line() + firstLine, b.problem()));
      }
      firstLine += c.lineCount;
    }
    checkRows(bad, rows);
    byte[] pixels = new byte[rows * FaceDataset.PIXELS];
    byte[] labels = new byte[rows];
    byte[] usages = new byte[rows];
    int[] lines = new int[rows];
    int at = 0;
    for (CsvBlockParser.Chunk c : chunks) {
      System.arraycopy(c.pixels, 0, pixels, at * FaceDataset.PIXELS, c.rows * FaceDataset.PIXELS);
      System.arraycopy(c.labels, 0, labels, at, c.rows);
      System.arraycopy(c.usages, 0, usages, at, c.rows);
      System.arraycopy(c.lines, 0, lines, at, c.rows);
      at += c.rows;
    }
    return new LoadedData(new FaceDataset(name, pixels, labels, usages, lines, null),
        List.copyOf(bad));
  }
}

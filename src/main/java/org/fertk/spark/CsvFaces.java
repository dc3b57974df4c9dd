package org.fertk.spark;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.fertk.data.BadRow;
import org.fertk.data.FaceDataset;
import org.fertk.data.Fer2013CsvReader;
import org.fertk.data.LoadedData;
import org.fertk.data.ReadOptions;
import org.fertk.data.Usage;
import org.fertk.FerException;

/**
 * FER2013 CSV files (plain or .gz, from any file system Spark reads) as faces numbered by their
 * line in the file. Spark splits a plain file between tasks; a first pass counts each split's
 * lines so that every task knows the number of its first line, then each task parses its lines in
 * blocks with the single-machine reader's own parser (same checks, same messages).
 */
final class CsvFaces {
  private static final int BLOCK_LINES = 2048;

  private CsvFaces() {}

  static JavaRDD<FaceRow> read(JavaSparkContext sc, String file, Usage only, int minPartitions) {
    JavaRDD<String> lines = sc.textFile(file, minPartitions);
    String first;
    try {
      first = lines.first();
    } catch (UnsupportedOperationException e) {
      throw new FerException(file + ": file is empty");
    } catch (RuntimeException e) {
      throw new FerException(file + ": cannot read: " + SparkErrors.cause(e));
    }
    Fer2013CsvReader.Header header = Fer2013CsvReader.header(file, first.replace("\uFEFF", ""),
        ReadOptions.STRICT.withRequireLabels(false));
    List<long[]> counts = lines.mapPartitionsWithIndex(new CountLines(), true).collect();
    long[] firstLine = new long[counts.size()];
    long at = 1;
    for (long[] c : counts) {
      firstLine[(int) c[0]] = at;
      at += c[1];
    }
    return lines.mapPartitionsWithIndex(new ParseLines(file, header, firstLine, only == null ? -1 : only.ordinal()), true);
  }

  private static final class CountLines implements Function2<Integer, Iterator<String>, Iterator<long[]>> {
    @Override
    public Iterator<long[]> call(Integer index, Iterator<String> it) {
      long n = 0;
      while (it.hasNext()) {
        it.next();
        n++;
      }
      return List.of(new long[] {index, n}).iterator();
    }
  }

  /** Parses one split's lines, a block at a time, into faces and bad rows. */
  private static final class ParseLines implements Function2<Integer, Iterator<String>, Iterator<FaceRow>> {
    private final String file;
    private final Fer2013CsvReader.Header header;
    private final long[] firstLine;
    private final int usage;

    ParseLines(String file, Fer2013CsvReader.Header header, long[] firstLine, int usage) {
      this.file = file;
      this.header = header;
      this.firstLine = firstLine;
      this.usage = usage;
    }

    @Override
    public Iterator<FaceRow> call(Integer index, Iterator<String> it) {
      long line = firstLine[index];
      if (line == 1 && it.hasNext()) {
        it.next(); // the header
        line = 2;
      }
      long start = line;
      return new BlockIterator<String, FaceRow>(it) {
        private long blockStart = start;

        @Override
        void fill(Iterator<String> it, List<FaceRow> ready) {
          ByteArrayOutputStream block = new ByteArrayOutputStream(BLOCK_LINES * 7000);
          int n = 0;
          while (n < BLOCK_LINES && it.hasNext()) {
            block.writeBytes(it.next().getBytes(StandardCharsets.UTF_8));
            block.write('\n');
            n++;
          }
          byte[] bytes = block.toByteArray();
          LoadedData d = Fer2013CsvReader.lines(file, header, bytes, bytes.length, blockStart);
          List<FaceRow> rows = new ArrayList<>();
          FaceDataset faces = d.dataset();
          for (int i = 0; i < faces.size(); i++) {
            if (usage < 0 || faces.usage(i).ordinal() == usage) {
              rows.add(new FaceRow(file, faces.origin(i), faces.label(i), null, faces.pixelsOf(i)));
            }
          }
          for (BadRow b : d.skipped()) {
            rows.add(new FaceRow(file, b.line(), -1, b.problem(), null));
          }
          rows.sort(Comparator.comparingLong(FaceRow::line));
          ready.addAll(rows);
          blockStart += n;
        }
      };
    }
  }
}

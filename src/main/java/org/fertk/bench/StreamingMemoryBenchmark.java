package org.fertk.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.fertk.data.FaceDataset;
import org.fertk.data.SyntheticFaces;
import org.fertk.util.AtomicOutput;
import org.fertk.FerException;
import org.fertk.util.TextTable;

/**
 * `fer bench memory`: `fer score` in a child JVM on FER2013-layout files of 1x, 10x and 100x a base
 * number of faces (a pool of 1,000 synthetic faces repeated, written to a temporary .csv.gz and
 * deleted after), with its peak resident memory read from /proc (VmHWM) while it runs. Streaming
 * scoring should keep the peak flat and the faces/s steady as the file grows.
 */
public final class StreamingMemoryBenchmark {
  private StreamingMemoryBenchmark() {}

  /** @param mainClass the CLI's main class, run in the child JVM (the benchmark does not depend on the CLI) */
  public static String run(Path model, int base, String mainClass, PrintWriter progress) {
    TextTable t = new TextTable("File", "Faces", "Seconds", "Faces/s", "Peak RSS (MB)").leftAlign(0);
    Path dir;
    try {
      dir = Files.createTempDirectory("fer-bench-memory");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      FaceDataset pool = new SyntheticFaces(3).generate(1000, 0);
      List<String> rows = new ArrayList<>();
      for (int i = 0; i < pool.size(); i++) {
        StringBuilder sb = new StringBuilder().append(pool.label(i)).append(',');
        byte[] px = pool.pixelsOf(i);
        for (int k = 0; k < px.length; k++) {
          sb.append(k == 0 ? "" : " ").append(px[k] & 0xff);
        }
        rows.add(sb.append(",Training\n").toString());
      }
      for (int scale : new int[] {1, 10, 100}) {
        long n = (long) base * scale;
        Path csv = dir.resolve("faces-x" + scale + ".csv.gz");
        write(csv, rows, n);
        long t0 = System.nanoTime();
        long peakKb = scoreInChild(mainClass, model, csv, dir.resolve("predictions.csv"));
        double s = (System.nanoTime() - t0) / 1e9;
        t.row("x" + scale + " (" + String.format(Locale.ROOT, "%.0f MB gzip", Files.size(csv) / 1e6) + ")", n,
            String.format(Locale.ROOT, "%.1f", s), String.format(Locale.ROOT, "%,.0f", n / s),
            String.format(Locale.ROOT, "%.0f", peakKb / 1024.0));
        progress.printf(Locale.ROOT, "x%d: %,d faces, peak RSS %.0f MB%n", scale, n, peakKb / 1024.0);
        progress.flush();
        Files.deleteIfExists(csv);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      AtomicOutput.deleteQuietly(dir);
    }
    return t.toMarkdown();
  }

  private static void write(Path csv, List<String> rows, long n) throws IOException {
    try (Writer w = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(csv), 1 << 16),
        StandardCharsets.US_ASCII), 1 << 20)) {
      w.write("emotion,pixels,Usage\n");
      for (long i = 0; i < n; i++) {
        w.write(rows.get((int) (i % rows.size())));
      }
    }
  }

  /** Runs `fer score` in a child JVM with this one's classpath; returns its peak RSS in KB. */
  private static long scoreInChild(String mainClass, Path model, Path csv, Path out) throws IOException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), mainClass, "score", "--model", model.toString(), "--data",
        csv.toString(), "--out", out.toString(), "-q").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Path status = Path.of("/proc", Long.toString(p.pid()), "status");
    long peak = 0;
    try {
      while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
        try {
          for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
              peak = Math.max(peak, Long.parseLong(line.replaceAll("\\D", "")));
            }
          }
        } catch (IOException | UncheckedIOException e) {
          // the process ended between the check and the read
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new FerException("interrupted");
    }
    if (p.exitValue() != 0) {
      throw new FerException("fer score failed on " + csv + " (exit " + p.exitValue() + ")");
    }
    return peak;
  }
}

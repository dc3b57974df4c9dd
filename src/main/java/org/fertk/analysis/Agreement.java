package org.fertk.analysis;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.fertk.Emotion;
import org.fertk.FerException;

/**
 * How far two predictions files for the same faces agree (one model in two runtimes, an imported
 * model against the original): the share of equal predicted classes and the largest probability
 * difference. Rows are joined on {@code source} when both files have it, else on {@code index};
 * true labels are not needed.
 */
public record Agreement(int faces, int sameClass, double maxProbDiff, List<String> firstDisagreements) {
  public double rate() {
    return faces == 0 ? 0 : (double) sameClass / faces;
  }

  public static Agreement of(Path a, Path b) {
    Map<String, double[]> left = read(a);
    Map<String, double[]> right = read(b);
    if (left.size() != right.size() || !left.keySet().equals(right.keySet())) {
      throw new FerException(a + " and " + b + " do not hold the same faces (" + left.size() + " vs " + right.size() + " rows)");
    }
    int same = 0;
    double worst = 0;
    List<String> diff = new ArrayList<>();
    for (Map.Entry<String, double[]> e : left.entrySet()) {
      double[] p = e.getValue();
      double[] q = right.get(e.getKey());
      if (p[Emotion.COUNT] == q[Emotion.COUNT]) {
        same++;
      } else if (diff.size() < 10) {
        diff.add(e.getKey() + ": " + Emotion.keys()[(int) p[Emotion.COUNT]] + " vs " + Emotion.keys()[(int) q[Emotion.COUNT]]);
      }
      for (int c = 0; c < Emotion.COUNT; c++) {
        worst = Math.max(worst, Math.abs(p[c] - q[c]));
      }
    }
    return new Agreement(left.size(), same, worst, List.copyOf(diff));
  }

  /** key -> seven probabilities and the predicted class; a folder: its part files in name order (Spark's output). */
  private static Map<String, double[]> read(Path file) {
    if (Files.isDirectory(file)) {
      Map<String, double[]> all = new LinkedHashMap<>();
      try (var parts = Files.list(file)) {
        for (Path p : parts.filter(x -> x.getFileName().toString().matches("part-.*\\.csv")).sorted().toList()) {
          for (Map.Entry<String, double[]> e : read(p).entrySet()) {
            if (all.put(e.getKey(), e.getValue()) != null) {
              throw new FerException(file + ": " + e.getKey() + " appears in two part files");
            }
          }
        }
      } catch (IOException e) {
        throw new FerException(file + ": cannot read (" + e.getMessage() + ")");
      }
      if (all.isEmpty()) {
        throw new FerException(file + ": a folder without part-*.csv files");
      }
      return all;
    }
    if (!Files.isRegularFile(file)) {
      throw new FerException(file + ": file not found");
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    try (Reader r = Files.newBufferedReader(file);
        CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
      List<String> need = new ArrayList<>(List.of("index", "pred_label"));
      for (String k : Emotion.keys()) {
        need.add("p_" + k);
      }
      List<String> missing = need.stream().filter(c -> !p.getHeaderMap().containsKey(c)).toList();
      if (!missing.isEmpty()) {
        throw new FerException(file + ": missing column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing));
      }
      boolean bySource = p.getHeaderMap().containsKey("source");
      for (CSVRecord rec : p) {
        long line = rec.getRecordNumber() + 1;
        double[] v = new double[Emotion.COUNT + 1];
        try {
          for (int c = 0; c < Emotion.COUNT; c++) {
            v[c] = Double.parseDouble(rec.get("p_" + Emotion.keys()[c]));
          }
          v[Emotion.COUNT] = Integer.parseInt(rec.get("pred_label"));
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new FerException(file + ":" + line + ": not a predictions row (" + e.getMessage() + ")");
        }
        if (v[Emotion.COUNT] < 0 || v[Emotion.COUNT] >= Emotion.COUNT) {
          throw new FerException(file + ":" + line + ": pred_label " + (int) v[Emotion.COUNT] + " outside 0..6");
        }
        String key = bySource ? "source " + rec.get("source") : "index " + rec.get("index");
        if (out.put(key, v) != null) {
          throw new FerException(file + ":" + line + ": " + key + " appears twice");
        }
      }
    } catch (IOException e) {
      throw new FerException(file + ": cannot read (" + e.getMessage() + ")");
    }
    return out;
  }
}

package org.fertk.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fertk.FerException;

/**
 * Stochastic weight averaging (Izmailov et al. 2018): the running mean of the trainable weights
 * taken at the end of chosen epochs. Saved beside each checkpoint so a resumed run continues the
 * same average. Batch-norm moving statistics are not averaged: they belong to the averaged weights
 * and are re-estimated afterwards.
 */
final class WeightAverage {
  private final Map<String, double[]> sum = new LinkedHashMap<>();
  private int count;

  /** Adds one snapshot (weights by name; only the names given the first time are averaged). */
  public void add(Map<String, float[]> weights) {
    if (count == 0) {
      weights.forEach((k, v) -> sum.put(k, new double[v.length]));
    }
    for (Map.Entry<String, double[]> e : sum.entrySet()) {
      float[] v = weights.get(e.getKey());
      double[] s = e.getValue();
      for (int i = 0; i < s.length; i++) {
        s[i] += v[i];
      }
    }
    count++;
  }

  public int count() {
    return count;
  }

  /** The mean of the snapshots added so far. */
  public Map<String, float[]> mean() {
    Map<String, float[]> out = new LinkedHashMap<>();
    sum.forEach((k, s) -> {
      float[] m = new float[s.length];
      for (int i = 0; i < s.length; i++) {
        m[i] = (float) (s[i] / count);
      }
      out.put(k, m);
    });
    return out;
  }

  public void write(Path file) {
    try (DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      o.writeInt(count);
      o.writeInt(sum.size());
      for (Map.Entry<String, double[]> e : sum.entrySet()) {
        o.writeUTF(e.getKey());
        o.writeInt(e.getValue().length);
        for (double d : e.getValue()) {
          o.writeDouble(d);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  public static WeightAverage read(Path file) {
    WeightAverage a = new WeightAverage();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      a.count = in.readInt();
      int n = in.readInt();
      for (int k = 0; k < n; k++) {
        String name = in.readUTF();
        double[] s = new double[in.readInt()];
        for (int i = 0; i < s.length; i++) {
          s[i] = in.readDouble();
        }
        a.sum.put(name, s);
      }
    } catch (IOException e) {
      throw new FerException(file + ": unreadable weight average (" + e.getMessage() + ")");
    }
    return a;
  }
}

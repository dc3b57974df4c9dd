package org.fertk.data;

import org.fertk.Emotion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Stratified, seeded random splits (per class, the same fraction goes to the held-out part). */
public final class Splits {
  private Splits() {}

  /** Indices {kept, heldOut}, both in ascending order. */
  public record Parts(int[] kept, int[] heldOut) {}

  /**
   * Holds out round(fraction * count) faces of every class, chosen by a seeded shuffle. Faces
   * without a label are treated as one more class.
   */
  public static Parts stratified(FaceDataset data, int[] among, double fraction, long seed) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("fraction must be in [0,1), got " + fraction);
    }
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c <= Emotion.COUNT; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i : among) {
      int l = data.label(i);
      byClass.get(l < 0 ? Emotion.COUNT : l).add(i);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int[] kept = new int[among.length];
    int[] held = new int[among.length];
    int nk = 0;
    int nh = 0;
    for (List<Integer> members : byClass) {
      int[] m = members.stream().mapToInt(Integer::intValue).toArray();
      shuffle(m, rng);
      int h = (int) Math.round(fraction * m.length);
      for (int k = 0; k < m.length; k++) {
        if (k < h) {
          held[nh++] = m[k];
        } else {
          kept[nk++] = m[k];
        }
      }
    }
    int[] a = Arrays.copyOf(kept, nk);
    int[] b = Arrays.copyOf(held, nh);
    Arrays.sort(a);
    Arrays.sort(b);
    return new Parts(a, b);
  }

  public static int[] all(FaceDataset data) {
    int[] idx = new int[data.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    return idx;
  }

  /** Fisher-Yates with the given generator. */
  public static void shuffle(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

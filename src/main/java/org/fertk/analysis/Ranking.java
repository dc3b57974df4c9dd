package org.fertk.analysis;

import java.util.Arrays;

/** What ROC and precision-recall curves both start from: examples by falling score, and the positives. */
final class Ranking {
  private Ranking() {}

  /** Indices of score from the highest to the lowest (ties in index order). */
  static Integer[] byFallingScore(double[] score) {
    Integer[] order = new Integer[score.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
    return order;
  }

  static long positives(boolean[] positive) {
    long pos = 0;
    for (boolean p : positive) {
      pos += p ? 1 : 0;
    }
    return pos;
  }
}

package org.fertk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The probabilities of the seven emotions for one face, as a model gave them (after test-time
 * augmentation, if any). Immutable.
 */
public final class Prediction {
  private final float[] probabilities;

  /**
   * A prediction from a model's output row.
   *
   * @param probabilities seven values in label order ({@link Emotion#ordinal()}); copied
   * @throws IllegalArgumentException when there are not exactly seven values
   */
  public Prediction(float[] probabilities) {
    if (probabilities.length != Emotion.COUNT) {
      throw new IllegalArgumentException("expected " + Emotion.COUNT + " probabilities, got " + probabilities.length);
    }
    this.probabilities = probabilities.clone();
  }

  /**
   * The most probable emotion; on a tie, the lowest label (as numpy's argmax).
   *
   * @return the predicted class
   */
  public Emotion emotion() {
    int best = 0;
    for (int c = 1; c < Emotion.COUNT; c++) {
      if (probabilities[c] > probabilities[best]) {
        best = c;
      }
    }
    return Emotion.of(best);
  }

  /**
   * The probability of one emotion.
   *
   * @param e the class
   * @return its probability in [0, 1]
   */
  public float probability(Emotion e) {
    return probabilities[e.ordinal()];
  }

  /**
   * All seven probabilities.
   *
   * @return a new array in label order (index 0 angry ... 6 neutral)
   */
  public float[] probabilities() {
    return probabilities.clone();
  }

  /**
   * The {@code k} most probable emotions, most probable first (ties: lower label first).
   *
   * @param k how many; values above 7 give all seven
   * @return an unmodifiable list of (emotion, probability) pairs
   * @throws IllegalArgumentException when k is below 1
   */
  public List<Map.Entry<Emotion, Float>> top(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    List<Map.Entry<Emotion, Float>> all = new ArrayList<>();
    for (Emotion e : Emotion.values()) {
      all.add(Map.entry(e, probabilities[e.ordinal()]));
    }
    // stable sort: equal probabilities keep label order
    all.sort(Comparator.comparing((Map.Entry<Emotion, Float> x) -> x.getValue()).reversed());
    return List.copyOf(all.subList(0, Math.min(k, all.size())));
  }

  /** @return for example {@code "happy 91.2% (surprise 4.0%, neutral 2.1%)"} */
  @Override
  public String toString() {
    List<Map.Entry<Emotion, Float>> t = top(3);
    return String.format(Locale.ROOT, "%s %.1f%% (%s %.1f%%, %s %.1f%%)", t.get(0).getKey().key(),
        100 * t.get(0).getValue(), t.get(1).getKey().key(), 100 * t.get(1).getValue(), t.get(2).getKey().key(),
        100 * t.get(2).getValue());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p && Arrays.equals(p.probabilities, probabilities);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(probabilities);
  }
}

package org.fertk.data;

import org.fertk.Emotion;
import java.util.Arrays;

/**
 * A batch of class probabilities, one row of {@link Emotion#COUNT} per face in class order, and
 * what everyone asks of them: the predicted class (the first of equal maxima, as numpy's argmax),
 * the classes by falling probability, agreement with another batch and accuracy against labels.
 * The one place these are computed; the array is not copied, callers must not change it.
 */
public record Scores(float[] probs) {
  public Scores {
    if (probs.length % Emotion.COUNT != 0) {
      throw new IllegalArgumentException("probabilities come in rows of " + Emotion.COUNT + ", got " + probs.length);
    }
  }

  /** Faces in the batch. */
  public int size() {
    return probs.length / Emotion.COUNT;
  }

  public float probability(int row, int cls) {
    return probs[row * Emotion.COUNT + cls];
  }

  /** Predicted class of a row: its highest probability, the lowest class on a tie. */
  public int argmax(int row) {
    int base = row * Emotion.COUNT;
    int best = 0;
    for (int c = 1; c < Emotion.COUNT; c++) {
      if (probs[base + c] > probs[base + best]) {
        best = c;
      }
    }
    return best;
  }

  /** The classes of a row by falling probability (ties: lower class first). */
  public int[] ranking(int row) {
    Integer[] order = {0, 1, 2, 3, 4, 5, 6};
    Arrays.sort(order, (a, b) -> Float.compare(probability(row, b), probability(row, a)));
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  /** Faces whose predicted class is their label (faces without a label never count). */
  public int correct(FaceDataset faces) {
    checkSize(faces.size());
    int n = 0;
    for (int i = 0; i < size(); i++) {
      n += argmax(i) == faces.label(i) ? 1 : 0;
    }
    return n;
  }

  /** Share of faces predicted as labelled. */
  public double accuracy(FaceDataset faces) {
    return size() == 0 ? Double.NaN : correct(faces) / (double) size();
  }

  /** Faces where both batches predict the same class. */
  public int agreement(Scores other) {
    checkSize(other.size());
    int n = 0;
    for (int i = 0; i < size(); i++) {
      n += argmax(i) == other.argmax(i) ? 1 : 0;
    }
    return n;
  }

  private void checkSize(int n) {
    if (n != size()) {
      throw new IllegalArgumentException(size() + " scored faces, but " + n + " to compare with");
    }
  }
}

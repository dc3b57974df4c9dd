package org.fertk.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScoresTest {
  private static final float[] TWO = {
    0.1f, 0.2f, 0.4f, 0.1f, 0.1f, 0.05f, 0.05f, // row 0: fear
    0.3f, 0.0f, 0.0f, 0.3f, 0.2f, 0.1f, 0.1f};  // row 1: tie angry/happy -> angry, as numpy's argmax

  @Test
  void argmaxRankingAndProbabilities() {
    Scores s = new Scores(TWO);
    assertEquals(2, s.size());
    assertEquals(2, s.argmax(0));
    assertEquals(0, s.argmax(1));
    assertArrayEquals(new int[] {2, 1, 0, 3, 4, 5, 6}, s.ranking(0));
    assertArrayEquals(new int[] {0, 3, 4, 5, 6, 1, 2}, s.ranking(1));
    assertEquals(0.4f, s.probability(0, 2));
  }

  @Test
  void accuracyAgainstLabelsAndAgreementBetweenBatches() {
    Scores s = new Scores(TWO);
    FaceDataset faces = new FaceDataset("t", new byte[2 * FaceDataset.PIXELS], new byte[] {2, 3}, new byte[] {-1, -1},
        new int[] {2, 3}, null);
    assertEquals(1, s.correct(faces));
    assertEquals(0.5, s.accuracy(faces));
    float[] other = TWO.clone();
    other[7 + 3] = 0.9f; // row 1 now happy
    assertEquals(1, s.agreement(new Scores(other)));
    assertEquals(2, s.agreement(s));
    assertThrows(IllegalArgumentException.class, () -> new Scores(new float[8]));
    assertThrows(IllegalArgumentException.class, () -> s.agreement(new Scores(new float[7])));
  }
}

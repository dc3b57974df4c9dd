package org.fertk.data;

import org.fertk.Emotion;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.fertk.FerException;
import org.junit.jupiter.api.Test;

class SplitsTest {
  private final FaceDataset data = new SyntheticFaces(3).generate(700, 0.2);

  @Test
  void stratifiedSplitKeepsClassProportionsAndCoversEverything() {
    Splits.Parts p = Splits.stratified(data, Splits.all(data), 0.2, 11);
    assertEquals(700, p.kept().length + p.heldOut().length);
    Set<Integer> seen = new HashSet<>();
    Arrays.stream(p.kept()).forEach(seen::add);
    Arrays.stream(p.heldOut()).forEach(i -> assertTrue(seen.add(i), "disjoint"));
    assertEquals(700, seen.size());
    int[] held = data.select(p.heldOut()).classCounts();
    int[] all = data.classCounts();
    for (int c = 0; c < Emotion.COUNT; c++) {
      assertEquals(Math.round(0.2 * all[c]), held[c], "class " + c);
    }
  }

  @Test
  void sameSeedSameSplitOtherSeedOtherSplit() {
    Splits.Parts a = Splits.stratified(data, Splits.all(data), 0.3, 5);
    Splits.Parts b = Splits.stratified(data, Splits.all(data), 0.3, 5);
    Splits.Parts c = Splits.stratified(data, Splits.all(data), 0.3, 6);
    assertArrayEquals(a.heldOut(), b.heldOut());
    assertFalse(Arrays.equals(a.heldOut(), c.heldOut()));
  }

  @Test
  void usageSplitUsesTrainingAndPublicTest() {
    SplitSpec.DataSplit s = new SplitSpec("usage", 0.2, 0.0, 1).apply(data);
    assertEquals(data.indicesOf(Usage.TRAINING).length, s.train().size());
    assertEquals(data.indicesOf(Usage.PUBLIC_TEST).length, s.test().size());
    assertTrue(s.valIsTest());
  }

  @Test
  void validationIsCarvedOutOfTraining() {
    SplitSpec.DataSplit s = new SplitSpec("random", 0.2, 0.1, 1).apply(data);
    assertEquals(140, s.test().size());
    assertEquals(56, s.val().size());
    assertEquals(504, s.train().size());
    assertFalse(s.valIsTest());
  }

  @Test
  void badFractionsAreUserErrors() {
    FerException e = assertThrows(FerException.class, () -> new SplitSpec("random", 1.5, 0, 1));
    assertEquals("test_fraction must be between 0 and 1 (exclusive), got 1.5", e.getMessage()); // the key; fer train shows the flag
    assertThrows(FerException.class, () -> new SplitSpec("kfold", 0.2, 0, 1));
  }
}

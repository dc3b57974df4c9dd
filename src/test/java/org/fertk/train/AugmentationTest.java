package org.fertk.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.fertk.data.FaceDataset;
import org.fertk.FerException;
import org.junit.jupiter.api.Test;

class AugmentationTest {
  private static final int SIDE = FaceDataset.SIDE;

  /** One black face with a bright 4x4 block in the middle (rows and columns 22-25). */
  private static FaceDataset blockFace() {
    byte[] pixels = new byte[FaceDataset.PIXELS];
    for (int y = 22; y < 26; y++) {
      for (int x = 22; x < 26; x++) {
        pixels[y * SIDE + x] = (byte) 255;
      }
    }
    return new FaceDataset("block", pixels, new byte[] {0}, new byte[] {0}, new int[] {1}, null);
  }

  /** Largest distance of the bright block's centre from the image centre over many draws. */
  private static double largestShift(Augmentation aug) {
    FaceDataset face = blockFace();
    SplittableRandom rng = new SplittableRandom(7);
    float[] out = new float[FaceDataset.PIXELS];
    double largest = 0;
    for (int draw = 0; draw < 400; draw++) {
      aug.apply(face, 0, rng, out, 0);
      double sum = 0;
      double sx = 0;
      double sy = 0;
      for (int y = 0; y < SIDE; y++) {
        for (int x = 0; x < SIDE; x++) {
          sum += out[y * SIDE + x];
          sx += out[y * SIDE + x] * x;
          sy += out[y * SIDE + x] * y;
        }
      }
      largest = Math.max(largest, Math.max(Math.abs(sx / sum - 23.5), Math.abs(sy / sum - 23.5)));
    }
    return largest;
  }

  @Test
  void strongPresetDoublesTheShiftAndZoomOfStandard() {
    Augmentation standard = Augmentation.preset("standard");
    Augmentation strong = Augmentation.preset("STRONG");
    assertEquals(new Augmentation(true, 10, 0.1, 0.1, 0), standard);
    assertEquals(new Augmentation(true, 10, 0.2, 0.2, 0), strong);
  }

  @Test
  void shiftMovesTheFaceWithinItsRangeAndUsesIt() {
    // Shift of 10% = at most 4.8 pixels, 20% = at most 9.6 pixels on a 48-pixel side.
    double standard = largestShift(new Augmentation(false, 0, 0.1, 0, 0));
    double strong = largestShift(new Augmentation(false, 0, 0.2, 0, 0));
    assertTrue(standard <= 4.8 + 1e-6 && standard > 4.0, "standard shift " + standard);
    assertTrue(strong <= 9.6 + 1e-6 && strong > 8.5, "strong shift " + strong);
  }

  @Test
  void unknownPresetNamesTheChoices() {
    FerException e = assertThrows(FerException.class, () -> Augmentation.preset("heavy"));
    assertEquals("augment must be none, minimal, standard or strong, got 'heavy'", e.getMessage());
  }
}

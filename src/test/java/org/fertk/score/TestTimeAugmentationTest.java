package org.fertk.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.HashSet;
import java.util.List;
import org.fertk.data.FaceDataset;
import org.fertk.FerException;
import org.junit.jupiter.api.Test;

class TestTimeAugmentationTest {
  private static final int S = FaceDataset.SIDE;

  /** Two faces: pixel (x, y) of face k holds 10000 k + 100 y + x. */
  private static FloatBuffer twoFaces() {
    FloatBuffer b = FloatBuffer.allocate(2 * FaceDataset.PIXELS);
    for (int k = 0; k < 2; k++) {
      for (int y = 0; y < S; y++) {
        for (int x = 0; x < S; x++) {
          b.put(k * FaceDataset.PIXELS + y * S + x, 10000 * k + 100 * y + x);
        }
      }
    }
    return b;
  }

  private static float at(FloatBuffer b, int k, int x, int y) {
    return b.get(k * FaceDataset.PIXELS + y * S + x);
  }

  @Test
  void shiftedViewsMoveTheFaceAndRepeatTheEdge() {
    FloatBuffer src = twoFaces();
    FloatBuffer dst = FloatBuffer.allocate(src.capacity());
    // shift right by 4 and up by 4: output (x, y) shows source (x - 4, y + 4)
    TestTimeAugmentation.render(new TestTimeAugmentation.View(4, -4, false), src, 2, dst);
    assertEquals(10000 + 100 * 14 + 6, at(dst, 1, 10, 10));
    assertEquals(100 * 4 + 0, at(dst, 0, 0, 0), "uncovered left border repeats column 0");
    assertEquals(100 * 47 + 20, at(dst, 0, 24, 45), "uncovered bottom rows repeat row 47");
    assertEquals(100 * 47 + 43, at(dst, 0, 47, 47));
  }

  @Test
  void mirroredViewsReadRowsBackwards() {
    FloatBuffer src = twoFaces();
    FloatBuffer dst = FloatBuffer.allocate(src.capacity());
    TestTimeAugmentation.render(new TestTimeAugmentation.View(0, 0, true), src, 2, dst);
    assertEquals(100 * 3 + 47, at(dst, 0, 0, 3));
    assertEquals(10000 + 100 * 9 + 40, at(dst, 1, 7, 9));
    // a mirrored corner view: shift the mirrored face left by 4
    TestTimeAugmentation.render(new TestTimeAugmentation.View(-4, 0, true), src, 1, dst);
    assertEquals(100 * 5 + 47 - 4, at(dst, 0, 0, 5));
    assertEquals(100 * 5 + 0, at(dst, 0, 47, 5), "uncovered right border repeats the mirrored edge");
  }

  @Test
  void presets() {
    assertTrue(TestTimeAugmentation.parse(null).isNone());
    assertEquals(2, TestTimeAugmentation.parse("flip").views().size());
    List<TestTimeAugmentation.View> crops = TestTimeAugmentation.parse("CROPS").views();
    assertEquals(10, crops.size());
    assertEquals(10, new HashSet<>(crops).size(), "ten distinct views");
    assertTrue(crops.get(0).isIdentity(), "the face itself comes first");
    assertTrue(crops.stream().allMatch(v -> Math.abs(v.dx()) == Math.abs(v.dy())
        && (v.dx() == 0 || Math.abs(v.dx()) == TestTimeAugmentation.CROP_SHIFT)));
    FerException e = assertThrows(FerException.class, () -> TestTimeAugmentation.parse("rotate"));
    assertEquals("tta must be none, flip or crops, got 'rotate'", e.getMessage());
    assertEquals("--tta must be none, flip or crops, got 'rotate'", e.message(k -> "--" + k));
  }
}

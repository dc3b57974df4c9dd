package org.fertk.score;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fertk.data.FaceDataset;
import org.fertk.FerException;

/**
 * Views of each face whose predicted probabilities are averaged at scoring time. 'flip' is the
 * face and its mirror; 'crops' is the classic ten-crop: the face and the face shifted by
 * {@value #CROP_SHIFT} pixels towards each corner, each also mirrored. For a model that crops the
 * central 40x40 of its 48x48 input, a shift of 4 pixels moves that window exactly onto a corner
 * crop; for uncropped models the uncovered border repeats the nearest edge pixel.
 */
public final class TestTimeAugmentation {
  /** Pixels a corner view is shifted by. */
  public static final int CROP_SHIFT = 4;

  /** One view: optionally mirror the face, then shift it by (dx, dy) pixels. */
  public record View(int dx, int dy, boolean mirror) {
    boolean isIdentity() {
      return dx == 0 && dy == 0 && !mirror;
    }
  }

  public static final TestTimeAugmentation NONE = new TestTimeAugmentation("none", List.of(new View(0, 0, false)));

  private final String name;
  private final List<View> views;

  private TestTimeAugmentation(String name, List<View> views) {
    if (!views.get(0).isIdentity()) {
      throw new IllegalArgumentException("the first view must be the face itself (the scorer derives the others from it)");
    }
    this.name = name;
    this.views = List.copyOf(views);
  }

  /** none, flip or crops; null means none. */
  public static TestTimeAugmentation parse(String s) {
    if (s == null) {
      return NONE;
    }
    switch (s.toLowerCase(Locale.ROOT)) {
      case "none":
        return NONE;
      case "flip":
        return new TestTimeAugmentation("flip", List.of(new View(0, 0, false), new View(0, 0, true)));
      case "crops": {
        List<View> v = new ArrayList<>();
        int k = CROP_SHIFT;
        for (boolean mirror : new boolean[] {false, true}) {
          v.add(new View(0, 0, mirror));
          v.add(new View(-k, -k, mirror));
          v.add(new View(k, -k, mirror));
          v.add(new View(-k, k, mirror));
          v.add(new View(k, k, mirror));
        }
        return new TestTimeAugmentation("crops", v);
      }
      default:
        throw new FerException(FerException.setting("tta") + " must be none, flip or crops, got '" + s + "'");
    }
  }

  public String name() {
    return name;
  }

  public List<View> views() {
    return views;
  }

  public boolean isNone() {
    return views.size() == 1;
  }

  /**
   * Writes view v of the first count faces of src (48x48 each, from position 0) into dst. Output
   * pixel (x, y) takes pixel (x - dx, y - dy), clamped to the image, of the (mirrored) face.
   */
  public static void render(View v, FloatBuffer src, int count, FloatBuffer dst) {
    final int side = FaceDataset.SIDE;
    final int max = side - 1;
    dst.clear();
    for (int k = 0; k < count; k++) {
      int base = k * FaceDataset.PIXELS;
      for (int y = 0; y < side; y++) {
        int sy = Math.max(0, Math.min(max, y - v.dy()));
        for (int x = 0; x < side; x++) {
          int sx = Math.max(0, Math.min(max, x - v.dx()));
          sx = v.mirror() ? max - sx : sx;
          dst.put(base + y * side + x, src.get(base + sy * side + sx));
        }
      }
    }
  }
}

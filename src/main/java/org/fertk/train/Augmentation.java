package org.fertk.train;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Locale;
import java.util.SplittableRandom;
import org.fertk.data.FaceDataset;
import org.fertk.FerException;
import org.fertk.util.SettingException;

/**
 * Random image transforms for training batches only: horizontal flip, rotation, shift and zoom
 * (one affine map, bilinear sampling, edges extended as Keras's fill_mode="nearest"), and random
 * erasing. Presets: none; minimal = flip + shift of up to 5%; standard = flip + rotation 10 degrees
 * + shift 10% + zoom 10%; strong = flip + rotation 10 degrees + shift 20% + zoom 20% (the ranges
 * of the VGG recipes that reach 72-73% on FER2013, for models that overfit the standard ones).
 */
public record Augmentation(boolean flip, double rotationDegrees, double shift, double zoom,
    double erasing) {
  public static final Augmentation NONE = new Augmentation(false, 0, 0, 0, 0);

  public Augmentation {
    if (rotationDegrees < 0 || rotationDegrees > 180 || shift < 0 || shift > 0.5 || zoom < 0
        || zoom >= 1 || erasing < 0 || erasing > 1) {
      throw new FerException("augmentation out of range: rotation 0..180, shift 0..0.5, zoom 0..1, erasing 0..1");
    }
  }

  public static Augmentation preset(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "none":
        return NONE;
      case "minimal":
        return new Augmentation(true, 0, 0.05, 0, 0);
      case "standard":
        return new Augmentation(true, 10, 0.1, 0.1, 0);
      case "strong":
        return new Augmentation(true, 10, 0.2, 0.2, 0);
      default:
        throw new SettingException("augment must be none, minimal, standard or strong, got '" + name + "'", "augment");
    }
  }

  @JsonIgnore
  public boolean isNone() {
    return !flip && rotationDegrees == 0 && shift == 0 && zoom == 0 && erasing == 0;
  }

  /** Writes face i of data, transformed, as floats in [0,1] at dst[offset]. */
  public void apply(FaceDataset data, int i, SplittableRandom rng, float[] dst, int offset) {
    if (isNone()) {
      data.toUnitFloats(i, dst, offset);
      return;
    }
    final int side = FaceDataset.SIDE;
    boolean mirror = flip && rng.nextBoolean();
    double angle = Math.toRadians((rng.nextDouble() * 2 - 1) * rotationDegrees);
    double scale = 1 + (rng.nextDouble() * 2 - 1) * zoom;
    double tx = (rng.nextDouble() * 2 - 1) * shift * side;
    double ty = (rng.nextDouble() * 2 - 1) * shift * side;
    // Inverse map: output pixel -> source position, about the image centre.
    double cos = Math.cos(angle) / scale;
    double sin = Math.sin(angle) / scale;
    double c = (side - 1) / 2.0;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        double ox = x - c - tx;
        double oy = y - c - ty;
        double sx = cos * ox + sin * oy + c;
        double sy = -sin * ox + cos * oy + c;
        if (mirror) {
          sx = side - 1 - sx;
        }
        dst[offset + y * side + x] = sample(data, i, sx, sy);
      }
    }
    if (erasing > 0 && rng.nextDouble() < erasing) {
      erase(rng, dst, offset);
    }
  }

  private static float sample(FaceDataset data, int i, double sx, double sy) {
    final int max = FaceDataset.SIDE - 1;
    sx = Math.max(0, Math.min(max, sx));
    sy = Math.max(0, Math.min(max, sy));
    int x0 = (int) sx;
    int y0 = (int) sy;
    int x1 = Math.min(max, x0 + 1);
    int y1 = Math.min(max, y0 + 1);
    double fx = sx - x0;
    double fy = sy - y0;
    double v = (data.pixel(i, y0, x0) * (1 - fx) + data.pixel(i, y0, x1) * fx) * (1 - fy)
        + (data.pixel(i, y1, x0) * (1 - fx) + data.pixel(i, y1, x1) * fx) * fy;
    return (float) (v / 255.0);
  }

  /** Random erasing (Zhong et al.): a rectangle of 2-20% of the area, aspect 0.3-3.3, random fill. */
  private static void erase(SplittableRandom rng, float[] dst, int offset) {
    final int side = FaceDataset.SIDE;
    for (int attempt = 0; attempt < 10; attempt++) {
      double area = (0.02 + rng.nextDouble() * 0.18) * side * side;
      double aspect = Math.exp(Math.log(0.3) + rng.nextDouble() * (Math.log(3.3) - Math.log(0.3)));
      int h = (int) Math.round(Math.sqrt(area * aspect));
      int w = (int) Math.round(Math.sqrt(area / aspect));
      if (h < side && w < side && h > 0 && w > 0) {
        int y0 = rng.nextInt(side - h + 1);
        int x0 = rng.nextInt(side - w + 1);
        for (int y = y0; y < y0 + h; y++) {
          for (int x = x0; x < x0 + w; x++) {
            dst[offset + y * side + x] = (float) rng.nextDouble();
          }
        }
        return;
      }
    }
  }
}

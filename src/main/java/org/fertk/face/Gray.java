package org.fertk.face;

import java.awt.image.BufferedImage;
import org.fertk.data.FaceImages;

/** 8-bit luma of a picture (ITU-R 601, as FER2013's faces and PIL's "L" mode). */
final class Gray {
  private Gray() {}

  static byte[] of(BufferedImage img) {
    return bytes(FaceImages.grayOf(img));
  }

  /** Luma values (0..255) rounded to bytes. */
  static byte[] bytes(float[] gray) {
    byte[] g = new byte[gray.length];
    for (int i = 0; i < g.length; i++) {
      g[i] = (byte) Math.min(255, Math.round(gray[i]));
    }
    return g;
  }
}

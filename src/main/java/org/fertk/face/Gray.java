package org.fertk.face;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** 8-bit luma of a picture (ITU-R 601, as FER2013's faces and PIL's "L" mode). */
final class Gray {
  private Gray() {}

  static byte[] of(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY && img.getRaster().getDataBuffer() instanceof DataBufferByte d
        && d.getData().length == w * h) {
      return d.getData().clone();
    }
    int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
    byte[] g = new byte[w * h];
    for (int i = 0; i < g.length; i++) {
      int p = rgb[i];
      double y = 0.299 * ((p >> 16) & 0xff) + 0.587 * ((p >> 8) & 0xff) + 0.114 * (p & 0xff);
      g[i] = (byte) Math.min(255, (int) Math.round(y));
    }
    return g;
  }
}

package org.fertk.data;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a decoded photo the way its EXIF orientation tag says it is to be shown: cameras and
 * phones store a portrait picture sideways and let the viewer rotate it, which ImageIO does not
 * do (a face lying on its side is not found, a sideways face is misread).
 */
final class ExifOrientation {
  private ExifOrientation() {}

  /** The tag's value, 1 (as stored) to 8; 1 when the file has none or it cannot be read. */
  static int of(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return of(in);
    } catch (IOException e) {
      return 1;
    }
  }

  /** {@link #of(Path)} for a picture's bytes. */
  static int of(InputStream picture) {
    try {
      Metadata m = ImageMetadataReader.readMetadata(picture);
      ExifIFD0Directory d = m.getFirstDirectoryOfType(ExifIFD0Directory.class);
      if (d != null && d.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
        int o = d.getInt(ExifIFD0Directory.TAG_ORIENTATION);
        return o >= 1 && o <= 8 ? o : 1;
      }
    } catch (Exception e) {
      // no readable metadata: the picture is shown as stored, as every viewer would
    }
    return 1;
  }

  /**
   * The picture as shown for an orientation (EXIF 2.3: 2 mirrored, 3 turned 180 degrees, 4 flipped,
   * 5 transposed, 6 turned 90 degrees clockwise, 7 transversed, 8 turned 90 degrees anticlockwise);
   * samples are moved, never converted, so grey and colour pictures keep their exact values.
   */
  static BufferedImage apply(BufferedImage img, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return img;
    }
    int w = img.getWidth();
    int h = img.getHeight();
    boolean swap = orientation >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    WritableRaster src = img.getRaster();
    WritableRaster dst = img.getColorModel().createCompatibleWritableRaster(ow, oh);
    Object pixel = null;
    for (int v = 0; v < oh; v++) {
      for (int u = 0; u < ow; u++) {
        int x;
        int y;
        switch (orientation) {
          case 2 -> { x = w - 1 - u; y = v; }
          case 3 -> { x = w - 1 - u; y = h - 1 - v; }
          case 4 -> { x = u; y = h - 1 - v; }
          case 5 -> { x = v; y = u; }
          case 6 -> { x = v; y = h - 1 - u; }
          case 7 -> { x = w - 1 - v; y = h - 1 - u; }
          default -> { x = w - 1 - v; y = u; } // 8
        }
        pixel = src.getDataElements(x, y, pixel);
        dst.setDataElements(u, v, pixel);
      }
    }
    return new BufferedImage(img.getColorModel(), dst, img.isAlphaPremultiplied(), null);
  }
}

package org.fertk.face;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.fertk.FaceBox;

/** The committed public-domain photos (data/photos, see its README) and pictures composed from them. */
public final class Photos {
  public static final Path HOPPER = Path.of("data/photos/grace-hopper.jpg");
  public static final Path ASTRONAUT = Path.of("data/photos/astronaut.jpg");
  /** Where the faces are, marked by hand on the committed files. */
  public static final FaceBox HOPPER_FACE = new FaceBox(100, 66, 136, 140, 0);
  public static final FaceBox ASTRONAUT_FACE = new FaceBox(110, 40, 62, 66, 0);

  private Photos() {}

  public static BufferedImage read(Path p) {
    try {
      return ImageIO.read(p.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pictures side by side on one canvas, each scaled by its factor: a group photo. */
  public static BufferedImage group(BufferedImage[] pictures, double[] scale) {
    int w = 0;
    int h = 0;
    for (int i = 0; i < pictures.length; i++) {
      w += (int) (pictures[i].getWidth() * scale[i]);
      h = Math.max(h, (int) (pictures[i].getHeight() * scale[i]));
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    int x = 0;
    for (int i = 0; i < pictures.length; i++) {
      int pw = (int) (pictures[i].getWidth() * scale[i]);
      g.drawImage(pictures[i], x, 0, pw, (int) (pictures[i].getHeight() * scale[i]), null);
      x += pw;
    }
    g.dispose();
    return out;
  }
}

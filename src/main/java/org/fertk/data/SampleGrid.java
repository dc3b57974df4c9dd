package org.fertk.data;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.fertk.Emotion;
import org.fertk.util.AtomicOutput;

/** A PNG grid of sample faces, one row per class (the study's Table 2). */
public final class SampleGrid {
  private static final int LABEL_WIDTH = 90;

  private SampleGrid() {}

  public static BufferedImage render(FaceDataset data, int perClass, int scale, long seed) {
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < Emotion.COUNT; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < data.size(); i++) {
      if (data.label(i) >= 0) {
        byClass.get(data.label(i)).add(i);
      }
    }
    int cell = FaceDataset.SIDE * scale;
    int gap = 4;
    BufferedImage out = new BufferedImage(LABEL_WIDTH + perClass * (cell + gap) + gap,
        Emotion.COUNT * (cell + gap) + gap, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(11, 6 * scale)));
    SplittableRandom rng = new SplittableRandom(seed);
    for (int c = 0; c < Emotion.COUNT; c++) {
      int y = gap + c * (cell + gap);
      g.setColor(Color.BLACK);
      g.drawString(Emotion.of(c).title(), 6, y + cell / 2 + 5);
      List<Integer> members = byClass.get(c);
      int[] pick = members.stream().mapToInt(Integer::intValue).toArray();
      Splits.shuffle(pick, rng);
      for (int k = 0; k < Math.min(perClass, pick.length); k++) {
        int x = LABEL_WIDTH + gap + k * (cell + gap);
        g.drawImage(FaceImages.toImage(data, pick[k]), x, y, cell, cell, null);
      }
    }
    g.dispose();
    return out;
  }

  /**
   * Writes the grid in the format its name says: PNG (.png), JPEG (.jpg, .jpeg) or BMP (.bmp);
   * any other name is refused rather than given bytes its extension does not promise.
   */
  public static void write(BufferedImage img, Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    String format = name.endsWith(".png") ? "png" : name.endsWith(".jpg") || name.endsWith(".jpeg") ? "jpg"
        : name.endsWith(".bmp") ? "bmp" : null;
    if (format == null) {
      throw new org.fertk.FerException(file + ": give a picture name ending in .png, .jpg or .bmp");
    }
    BufferedImage rgb = img;
    if (!format.equals("png") && img.getColorModel().hasAlpha()) { // JPEG and BMP hold no alpha
      rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
      rgb.getGraphics().drawImage(img, 0, 0, null);
    }
    BufferedImage picture = rgb;
    AtomicOutput.write(file, out -> {
      if (!ImageIO.write(picture, format, out)) {
        throw new IOException("no " + format + " writer");
      }
    });
  }
}

package org.fertk.face;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import org.fertk.DetectedFace;
import org.fertk.Emotion;
import org.fertk.FaceBox;

/** Draws faces' boxes and their top emotion on a copy of a picture. */
public final class Annotations {
  private Annotations() {}

  /** One colour per emotion, readable on photos. */
  private static final Color[] COLOURS = {new Color(0xE53935), new Color(0x43A047), new Color(0x8E24AA),
      new Color(0xFDD835), new Color(0x1E88E5), new Color(0xFB8C00), new Color(0xBDBDBD)};

  /** A copy of the picture with each face's box and "face N: emotion p%" drawn on it. */
  public static BufferedImage draw(BufferedImage image, List<DetectedFace> faces) {
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(image, 0, 0, null);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      int stroke = Math.max(2, Math.min(image.getWidth(), image.getHeight()) / 200);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(11, Math.min(image.getWidth(), image.getHeight()) / 30)));
      FontMetrics fm = g.getFontMetrics();
      for (int i = 0; i < faces.size(); i++) {
        FaceBox b = faces.get(i).box();
        Emotion e = faces.get(i).prediction().emotion();
        Color c = COLOURS[e.ordinal()];
        g.setColor(c);
        g.setStroke(new BasicStroke(stroke));
        g.drawRect(b.x(), b.y(), b.width(), b.height());
        String label = String.format(Locale.ROOT, "%d: %s %.0f%%", i + 1, e.key(),
            100 * faces.get(i).prediction().probability(e));
        int tw = fm.stringWidth(label) + 6;
        int th = fm.getHeight();
        int ty = b.y() - th >= 0 ? b.y() - th : Math.min(image.getHeight() - th, b.y() + b.height());
        g.fillRect(b.x(), ty, tw, th);
        g.setColor(e == Emotion.HAPPY || e == Emotion.NEUTRAL ? Color.BLACK : Color.WHITE);
        g.drawString(label, b.x() + 3, ty + fm.getAscent());
      }
    } finally {
      g.dispose();
    }
    return out;
  }
}

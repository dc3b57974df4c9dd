package org.fertk.face;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Colours survive a write and a read (issue 35, item 13: the demo clip was written with red and
 * blue swapped), and the shipped clip is the one {@link #frame} describes. Remake it with
 * {@code mvn test -Dtest=DemoClipTest -Dfer.remakeClip=true}.
 */
class DemoClipTest {
  @TempDir
  Path dir;

  /** The demo background: a cool grey (more blue than red). */
  static final Color BACKGROUND = new Color(0x606a74);

  /** Frame i of data/videos/two-faces.mp4: the astronaut moves 3 px a frame to the right, Grace Hopper stays. */
  static BufferedImage frame(int i) {
    BufferedImage f = new BufferedImage(640, 360, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = f.createGraphics();
    g.setColor(BACKGROUND);
    g.fillRect(0, 0, 640, 360);
    g.drawImage(Photos.read(Photos.ASTRONAUT), i * 3, 20, 320, 320, null);
    g.drawImage(Photos.read(Photos.HOPPER), 470, 40, 160, 187, null);
    g.dispose();
    return f;
  }

  private static int[] meanRgb(BufferedImage img, int x0, int y0, int side) {
    long r = 0;
    long g = 0;
    long b = 0;
    for (int y = y0; y < y0 + side; y++) {
      for (int x = x0; x < x0 + side; x++) {
        int p = img.getRGB(x, y);
        r += (p >> 16) & 0xff;
        g += (p >> 8) & 0xff;
        b += p & 0xff;
      }
    }
    int n = side * side;
    return new int[] {(int) (r / n), (int) (g / n), (int) (b / n)};
  }

  private static void assertColour(Color want, int[] got, String what) {
    assertEquals(want.getRed(), got[0], 6, what + " red");
    assertEquals(want.getGreen(), got[1], 6, what + " green");
    assertEquals(want.getBlue(), got[2], 6, what + " blue");
  }

  @Test
  void aKnownColourSurvivesAWriteAndARead() {
    Color[] colours = {new Color(200, 40, 30), new Color(30, 60, 210), BACKGROUND};
    for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_ARGB}) {
      Path file = dir.resolve("c" + type + ".mp4");
      try (VideoWriter w = VideoWriter.open(file, 64, 48, 10)) {
        for (Color c : colours) {
          BufferedImage img = new BufferedImage(64, 48, type);
          Graphics2D g = img.createGraphics();
          g.setColor(c);
          g.fillRect(0, 0, 64, 48);
          g.dispose();
          w.write(img);
        }
      }
      try (VideoSource src = VideoSource.open(file, 25, Long.MAX_VALUE)) {
        for (Color c : colours) {
          assertColour(c, meanRgb(src.next().image(), 16, 16, 16), "type " + type + " " + c);
        }
      }
    }
  }

  @Test
  void theShippedClipHasItsGreyBackground() {
    try (VideoSource src = VideoSource.open(Path.of("data/videos/two-faces.mp4"), 25, Long.MAX_VALUE)) {
      BufferedImage first = src.next().image();
      assertColour(BACKGROUND, meanRgb(first, 600, 300, 24), "background");
      assertEquals(10, src.frameRate(), 0.01);
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "fer.remakeClip", matches = "true")
  void remakeTheShippedClip() {
    try (VideoWriter w = VideoWriter.open(Path.of("data/videos/two-faces.mp4"), 640, 360, 10)) {
      for (int i = 0; i < 40; i++) {
        w.write(frame(i));
      }
    }
  }
}

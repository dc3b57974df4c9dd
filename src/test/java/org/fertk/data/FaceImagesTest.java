package org.fertk.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resampler against independent references: the JDK's own area-averaging filter when an
 * image shrinks along both axes, and the pixel-centre bilinear formula written out per pixel
 * when it grows; a sweep of sizes from 1 to 1,000 with odd sizes and extreme aspect ratios.
 */
public class FaceImagesTest {
  @TempDir
  Path dir;

  /** A gray image stored as RGB with r = g = b, so luma is the value itself. */
  private static BufferedImage noise(int w, int h, long seed) {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int v = r.nextInt(256);
        img.setRGB(x, y, v << 16 | v << 8 | v);
      }
    }
    return img;
  }

  /** The JDK's AreaAveragingScaleFilter, an independent implementation of area averaging. */
  private static int[] jdkAreaAverage(BufferedImage img, int ow, int oh) {
    Image scaled = img.getScaledInstance(ow, oh, Image.SCALE_AREA_AVERAGING);
    BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
    out.getGraphics().drawImage(scaled, 0, 0, null);
    int[] v = new int[ow * oh];
    for (int i = 0; i < v.length; i++) {
      v[i] = out.getRGB(i % ow, i / ow) & 0xff;
    }
    return v;
  }

  /** Pixel-centre bilinear sampling, written directly from its definition. */
  private static double bilinearAt(BufferedImage img, double x, double y) {
    int w = img.getWidth();
    int h = img.getHeight();
    x = Math.max(0, Math.min(w - 1, x));
    y = Math.max(0, Math.min(h - 1, y));
    int xa = (int) x;
    int ya = (int) y;
    int xb = Math.min(w - 1, xa + 1);
    int yb = Math.min(h - 1, ya + 1);
    double fx = x - xa;
    double fy = y - ya;
    return (1 - fy) * ((1 - fx) * gray(img, xa, ya) + fx * gray(img, xb, ya))
        + fy * ((1 - fx) * gray(img, xa, yb) + fx * gray(img, xb, yb));
  }

  private static int gray(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xff;
  }

  private static void assertMatchesReference(int w, int h) {
    BufferedImage img = noise(w, h, 31L * w + h);
    byte[] got = FaceImages.to48(img, false);
    int n = FaceDataset.SIDE;
    if (w >= n && h >= n) {
      int[] want = jdkAreaAverage(img, n, n);
      for (int i = 0; i < want.length; i++) {
        // both round to bytes; the JDK accumulates in float
        assertEquals(want[i], got[i] & 0xff, 1, () -> w + "x" + h + " differs from the JDK's area average");
      }
    } else if (w <= n && h <= n) {
      for (int oy = 0; oy < n; oy++) {
        for (int ox = 0; ox < n; ox++) {
          double want = bilinearAt(img, (ox + 0.5) * w / n - 0.5, (oy + 0.5) * h / n - 0.5);
          assertEquals(Math.round(want), got[oy * n + ox] & 0xff, 1, w + "x" + h + " at " + ox + "," + oy);
        }
      }
    }
  }

  @Test
  void sweepOfSizesMatchesIndependentReferences() {
    List<int[]> sizes = new ArrayList<>();
    for (int w = 1; w <= 1000; w += 61) {
      for (int h = 1; h <= 1000; h += 67) {
        sizes.add(new int[] {w, h});
      }
    }
    int[][] named = {{640, 480}, {640, 640}, {1200, 700}, {47, 47}, {49, 49}, {48, 48}, {96, 96}, {97, 53},
        {1, 1}, {2, 3}, {999, 997}, {1000, 1000}, {480, 640}};
    sizes.addAll(List.of(named));
    for (int[] s : sizes) {
      assertMatchesReference(s[0], s[1]);
    }
  }

  @Test
  void extremeAspectRatiosKeepTheMeanAndNeverReadOutside() {
    int[][] sizes = {{1, 1000}, {1000, 1}, {3, 2000}, {2000, 3}, {48, 5000}, {5000, 47}, {49, 1}};
    for (int[] s : sizes) {
      BufferedImage img = noise(s[0], s[1], 7);
      byte[] px = FaceImages.to48(img, false);
      assertEquals(FaceDataset.PIXELS, px.length);
      if (s[0] >= 48 && s[1] >= 48) {
        // area averaging preserves the mean exactly (up to rounding each output to a byte)
        double mean = 0;
        for (int y = 0; y < s[1]; y++) {
          for (int x = 0; x < s[0]; x++) {
            mean += gray(img, x, y);
          }
        }
        mean /= (double) s[0] * s[1];
        double got = 0;
        for (byte b : px) {
          got += b & 0xff;
        }
        assertEquals(mean, got / px.length, 0.5, s[0] + "x" + s[1]);
      }
    }
  }

  @Test
  void areaWeightsOfEachOutputSumToOne() {
    for (int in = 1; in <= 1500; in += 7) {
      FaceImages.AxisWeights a = FaceImages.AxisWeights.of(in, 48);
      for (int o = 0; o < 48; o++) {
        double s = 0;
        for (double k : a.weights[o]) {
          s += k;
        }
        assertEquals(1.0, s, 1e-12, in + " -> 48 at " + o);
        assertTrue(a.first[o] >= 0 && a.first[o] + a.weights[o].length <= in, in + " -> 48 reads outside at " + o);
      }
    }
  }

  @Test
  void ordinaryPhotoFilesAreRead() throws IOException {
    for (int[] s : new int[][] {{640, 480}, {640, 640}, {1200, 700}}) {
      Path f = dir.resolve(s[0] + "x" + s[1] + ".png");
      ImageIO.write(noise(s[0], s[1], 1), "png", f.toFile());
      assertEquals(FaceDataset.PIXELS, FaceImages.read48(f, false).length);
      assertEquals(FaceDataset.PIXELS, FaceImages.read48(f, true).length);
    }
  }

  /** A valid PNG header declaring w x h pixels, followed by a little compressed data. */
  public static byte[] pngDeclaring(int w, int h) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0)
        .put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (OutputStream d = new DeflaterOutputStream(z, new Deflater(9))) {
      d.write(new byte[1 << 16]);
    }
    chunk(out, "IDAT", z.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  @Test
  void decompressionBombIsRefusedBeforeDecoding() throws IOException {
    Path bomb = dir.resolve("bomb.png");
    Files.write(bomb, pngDeclaring(40000, 40000));
    DataException e = assertThrows(DataException.class, () -> FaceImages.read48(bomb, false));
    assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("40000x40000")
        && e.getMessage().contains("(max_image_pixels raises it)"), e.getMessage());
    assertEquals(List.of("max_image_pixels"), e.settings(), "the setting is named, for the CLI to say its flag");
    // a lower limit refuses ordinary images too, and a higher one lets them through
    Path small = dir.resolve("small.png");
    ImageIO.write(noise(100, 100, 3), "png", small.toFile());
    assertThrows(DataException.class, () -> FaceImages.read48(small, false, 9_999));
    assertEquals(FaceDataset.PIXELS, FaceImages.read48(small, false, 10_000).length);
  }

  @Test
  void bombInAFolderIsSkippedWithSkipBadRows() throws IOException {
    Files.createDirectories(dir.resolve("happy"));
    Files.write(dir.resolve("happy/bomb.png"), pngDeclaring(40000, 40000));
    ImageIO.write(noise(60, 60, 3), "png", dir.resolve("happy/ok.png").toFile());
    assertThrows(DataException.class, () -> ImageFolderReader.readFolder(dir, ReadOptions.STRICT, false));
    LoadedData d = ImageFolderReader.readFolder(dir, ReadOptions.STRICT.withSkipBadRows(true), false);
    assertEquals(1, d.dataset().size());
    assertEquals(1, d.skipped().size());
  }

  @Test
  void truncatedFileIsADataException() throws IOException {
    Path f = dir.resolve("cut.png");
    ImageIO.write(noise(300, 200, 3), "png", f.toFile());
    byte[] all = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(all, all.length / 3));
    DataException e = assertThrows(DataException.class, () -> FaceImages.read48(f, false));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
  }

  @Test
  void lumaReadsEveryPixelLayoutAsTheColourModelDoes() {
    Random r = new Random(3);
    for (int type : new int[] {java.awt.image.BufferedImage.TYPE_INT_RGB, java.awt.image.BufferedImage.TYPE_INT_ARGB,
        java.awt.image.BufferedImage.TYPE_3BYTE_BGR, java.awt.image.BufferedImage.TYPE_INT_BGR}) {
      java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(37, 23, type);
      for (int y = 0; y < 23; y++) {
        for (int x = 0; x < 37; x++) {
          img.setRGB(x, y, 0xff000000 | r.nextInt(1 << 24));
        }
      }
      for (java.awt.image.BufferedImage im : new java.awt.image.BufferedImage[] {img, img.getSubimage(5, 3, 20, 11)}) {
        float[] g = FaceImages.grayOf(im);
        for (int y = 0; y < im.getHeight(); y++) {
          for (int x = 0; x < im.getWidth(); x++) {
            int rgb = im.getRGB(x, y);
            float expected = 0.299f * ((rgb >> 16) & 0xff) + 0.587f * ((rgb >> 8) & 0xff) + 0.114f * (rgb & 0xff);
            Assertions.assertEquals(expected, g[y * im.getWidth() + x], 0f,
                "type " + type + " " + im.getWidth() + "x" + im.getHeight() + " at " + x + "," + y);
          }
        }
      }
    }
  }
}

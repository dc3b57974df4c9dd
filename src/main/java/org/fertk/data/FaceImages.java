package org.fertk.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntSupplier;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.fertk.FerException;
import org.fertk.util.MemoryBudget;

/** Decoding image files and turning any size or colour into a 48x48 grayscale face. */
public final class FaceImages {
  public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

  private FaceImages() {}

  public static boolean isImageFile(Path p) {
    return hasImageExtension(p.getFileName().toString()) && Files.isRegularFile(p);
  }

  /** Whether a file name ends in one of the picture extensions read (any case). */
  public static boolean hasImageExtension(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1));
  }

  /** Reads an image file as 2,304 gray bytes; a clear DataException when it cannot be decoded. */
  public static byte[] read48(Path file, boolean centerCrop) {
    return read48(file, centerCrop, ReadOptions.DEFAULT_MAX_IMAGE_PIXELS);
  }

  /**
   * Reads an image file as 2,304 gray bytes, refusing images that declare more than
   * {@code maxPixels} pixels before any pixel is decoded (a small file can declare a huge image).
   */
  public static byte[] read48(Path file, boolean centerCrop, long maxPixels) {
    BufferedImage img = decode(file, maxPixels);
    try {
      return to48(img, centerCrop);
    } catch (OutOfMemoryError e) {
      throw new DataException(file.toString(), "not enough memory to convert this "
          + img.getWidth() + "x" + img.getHeight() + " image (raise the heap with JAVA_OPTS=-Xmx8g)");
    }
  }

  /**
   * Decodes an image file after checking its declared size against {@code maxPixels}. Every failure,
   * including an {@link Error} thrown inside the decoder (out of memory on a huge image, a decoder
   * bug), becomes a DataException naming the file.
   */
  public static BufferedImage decode(Path file, long maxPixels) {
    if (!Files.exists(file)) {
      throw new DataException(file.toString(), "file not found");
    }
    if (Files.isDirectory(file)) {
      throw new DataException(file.toString(), "is a folder, expected an image file");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      return decode(in, file.toString(), maxPixels, () -> ExifOrientation.of(file));
    } catch (IOException e) {
      throw new DataException(file.toString(), "cannot decode image (" + e.getMessage() + ")");
    }
  }

  /**
   * The same decoding for a picture's bytes (a Spark binary file, a Parquet cell): the same
   * checks, messages and orientation as a file gets.
   *
   * @param name the picture's file, for messages
   */
  public static BufferedImage decode(byte[] bytes, String name, long maxPixels) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      return decode(in, name, maxPixels, () -> ExifOrientation.of(new ByteArrayInputStream(bytes)));
    } catch (IOException e) {
      throw new DataException(name, "cannot decode image (" + e.getMessage() + ")");
    }
  }

  private static BufferedImage decode(ImageInputStream in, String name, long maxPixels, IntSupplier orientation) {
    try {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new DataException(name, "cannot decode image (not a PNG, JPEG, BMP or GIF file)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w < 1 || h < 1) {
          throw new DataException(name, "image declares an empty size " + w + "x" + h);
        }
        if (w * h > maxPixels) {
          throw new DataException(name, String.format(Locale.ROOT,
              "image declares %dx%d = %,d pixels, over the limit of %,d (" + FerException.setting("max_image_pixels") + " raises it)",
              w, h, w * h, maxPixels));
        }
        // decoded (up to 4 bytes a pixel) plus the grey copy that face finding makes: refused up
        // front when the heap cannot hold them, so that the next picture still gets its turn
        MemoryBudget.check("a " + w + "x" + h + " picture", w * h * 5);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage img = reader.read(0);
        if (img == null) {
          throw new DataException(name, "cannot decode image");
        }
        if (!warnings.isEmpty()) { // a cut-short file decodes with grey where its end was: no answer to trust
          throw new DataException(name, "the picture is damaged or cut short (" + warnings.get(0)
              + "); only part of it decodes");
        }
        // orientation tags are a camera's (JPEG); PNG folders of faces skip the second read
        boolean jpeg = reader.getFormatName().equalsIgnoreCase("jpeg");
        return jpeg ? ExifOrientation.apply(img, orientation.getAsInt()) : img;
      } finally {
        reader.dispose();
      }
    } catch (DataException e) {
      throw e;
    } catch (FerException e) { // the memory budget's refusal, said of this picture
      throw new DataException(name, e.getMessage());
    } catch (OutOfMemoryError e) {
      throw new DataException(name, "not enough memory to decode this image "
          + "(raise the heap with JAVA_OPTS=-Xmx8g or lower " + FerException.setting("max_image_pixels") + ")");
    } catch (IOException | RuntimeException | Error e) {
      // ImageIO's decoders throw unchecked exceptions and even Errors on corrupt files.
      throw new DataException(name, "cannot decode image (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
  }

  /** Pictures up to this side on both axes are taken as pre-cut faces (FER2013's 48, or twice it). */
  public static final int FACE_SIZED = 96;

  /**
   * Converts to luma (ITU-R 601, as PIL's "L" mode), optionally crops the central square, and
   * resamples to 48x48: per axis, area averaging when shrinking, bilinear when enlarging.
   */
  public static byte[] to48(BufferedImage img, boolean centerCrop) {
    int w = img.getWidth();
    int h = img.getHeight();
    float[] gray = luma(img);
    int x0 = 0;
    int y0 = 0;
    int cw = w;
    int ch = h;
    if (centerCrop && w != h) {
      int s = Math.min(w, h);
      x0 = (w - s) / 2;
      y0 = (h - s) / 2;
      cw = s;
      ch = s;
    }
    float[] out = resample(gray, w, x0, y0, cw, ch, FaceDataset.SIDE, FaceDataset.SIDE);
    byte[] px = new byte[FaceDataset.PIXELS];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) Math.max(0, Math.min(255, Math.round(out[i])));
    }
    return px;
  }

  /**
   * A square region of a picture as a FER2013 face: luma, then resampled to 48x48 as
   * {@link #to48} does. Parts of the square outside the picture repeat its edge pixels.
   */
  public static byte[] crop48(float[] gray, int w, int h, int x, int y, int side) {
    float[] src = gray;
    int sw = w;
    int x0 = x;
    int y0 = y;
    if (x < 0 || y < 0 || x + side > w || y + side > h) {
      src = new float[side * side];
      for (int r = 0; r < side; r++) {
        int yy = Math.max(0, Math.min(h - 1, y + r));
        for (int c = 0; c < side; c++) {
          src[r * side + c] = gray[yy * w + Math.max(0, Math.min(w - 1, x + c))];
        }
      }
      sw = side;
      x0 = 0;
      y0 = 0;
    }
    return toBytes(resample(src, sw, x0, y0, side, side, FaceDataset.SIDE, FaceDataset.SIDE));
  }

  /** A gray picture resampled to another size (area averaging down, bilinear up). */
  public static byte[] scale(byte[] gray, int w, int h, int ow, int oh) {
    float[] f = new float[gray.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = gray[i] & 0xff;
    }
    return toBytes(resample(f, w, 0, 0, w, h, ow, oh));
  }

  private static byte[] toBytes(float[] v) {
    byte[] px = new byte[v.length];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) Math.max(0, Math.min(255, Math.round(v[i])));
    }
    return px;
  }

  /** ITU-R 601 luma of every pixel, as floats (0..255), row by row. */
  public static float[] grayOf(BufferedImage img) {
    return luma(img);
  }

  /** A raster that starts at its buffer's first element (not a sub-image of a larger one). */
  private static boolean plainRaster(BufferedImage img, int w, int h) {
    java.awt.image.WritableRaster r = img.getRaster();
    return r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0 && r.getWidth() == w
        && r.getHeight() == h && r.getDataBuffer().getNumBanks() == 1 && r.getDataBuffer().getOffset() == 0;
  }

  static float[] luma(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    checkFloatSamples(img);
    float[] g = new float[w * h];
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      byte[] d = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
      for (int i = 0; i < g.length; i++) {
        g[i] = d[i] & 0xff;
      }
      return g;
    }
    if (plainRaster(img, w, h)) {
      // the common decoded layouts read directly (getRGB goes through the colour model per pixel)
      if ((img.getType() == BufferedImage.TYPE_INT_RGB || img.getType() == BufferedImage.TYPE_INT_ARGB)
          && img.getRaster().getDataBuffer() instanceof java.awt.image.DataBufferInt ints
          && ints.getData().length == w * h) {
        int[] d = ints.getData();
        for (int i = 0; i < g.length; i++) {
          int rgb = d[i];
          g[i] = 0.299f * ((rgb >> 16) & 0xff) + 0.587f * ((rgb >> 8) & 0xff) + 0.114f * (rgb & 0xff);
        }
        return g;
      }
      if (img.getType() == BufferedImage.TYPE_3BYTE_BGR && img.getRaster().getDataBuffer() instanceof DataBufferByte b
          && b.getData().length == 3 * w * h) {
        byte[] d = b.getData();
        for (int i = 0, j = 0; i < g.length; i++, j += 3) {
          g[i] = 0.299f * (d[j + 2] & 0xff) + 0.587f * (d[j + 1] & 0xff) + 0.114f * (d[j] & 0xff);
        }
        return g;
      }
    }
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int rgb = row[x];
        g[y * w + x] = 0.299f * ((rgb >> 16) & 0xff) + 0.587f * ((rgb >> 8) & 0xff)
            + 0.114f * (rgb & 0xff);
      }
    }
    return g;
  }

  /**
   * Pictures with float or double samples hold values in [0, 1] by Java 2D's convention; a NaN
   * would be read as black and a value of 1000 ended in an ArrayIndexOutOfBoundsException inside
   * the colour conversion, so either is refused, naming the value and where it is.
   */
  static void checkFloatSamples(BufferedImage img) {
    java.awt.image.Raster r = img.getRaster();
    int type = r.getDataBuffer().getDataType();
    if (type != java.awt.image.DataBuffer.TYPE_FLOAT && type != java.awt.image.DataBuffer.TYPE_DOUBLE) {
      return;
    }
    double[] px = null;
    for (int y = 0; y < r.getHeight(); y++) {
      for (int x = 0; x < r.getWidth(); x++) {
        px = r.getPixel(r.getMinX() + x, r.getMinY() + y, px);
        for (int b = 0; b < px.length; b++) {
          if (!(px[b] >= 0 && px[b] <= 1)) {
            throw new FerException(String.format(Locale.ROOT, "a picture with float samples must hold values in "
                + "[0, 1]; pixel (%d, %d) band %d holds %s", x, y, b, px[b]));
          }
        }
      }
    }
  }

  /**
   * Resamples the window (x0,y0,cw,ch) of a w-wide gray image to ow x oh, one axis at a time:
   * rows first, then columns. Each axis has its own weights, so an image shrunk along one axis
   * and enlarged along the other is averaged along the first and interpolated along the second.
   */
  static float[] resample(float[] src, int w, int x0, int y0, int cw, int ch, int ow, int oh) {
    AxisWeights wy = AxisWeights.of(ch, oh);
    AxisWeights wx = AxisWeights.of(cw, ow);
    double[] rows = new double[oh * cw];
    for (int oy = 0; oy < oh; oy++) {
      double[] k = wy.weights[oy];
      for (int j = 0; j < k.length; j++) {
        int base = (y0 + wy.first[oy] + j) * w + x0;
        double kj = k[j];
        for (int x = 0; x < cw; x++) {
          rows[oy * cw + x] += kj * src[base + x];
        }
      }
    }
    float[] out = new float[ow * oh];
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        double[] k = wx.weights[ox];
        double v = 0;
        for (int j = 0; j < k.length; j++) {
          v += k[j] * rows[oy * cw + wx.first[ox] + j];
        }
        out[oy * ow + ox] = (float) v;
      }
    }
    return out;
  }

  /**
   * One axis of a resampling: output sample o is the weighted sum of input samples first[o],
   * first[o]+1, ... with weights[o]. Shrinking (in >= out) averages the area each output pixel
   * covers, computed in integers scaled by out so no window edge is rounded past the last
   * pixel; enlarging interpolates linearly between pixel centres (the convention of PIL and
   * OpenCV's INTER_LINEAR).
   */
  static final class AxisWeights {
    final int[] first;
    final double[][] weights;

    private AxisWeights(int n) {
      first = new int[n];
      weights = new double[n][];
    }

    static AxisWeights of(int in, int out) {
      if (in < 1 || out < 1) {
        throw new IllegalArgumentException("sizes must be positive: " + in + " -> " + out);
      }
      AxisWeights a = new AxisWeights(out);
      for (int o = 0; o < out; o++) {
        if (in >= out) {
          // Output pixel o covers [o*in, (o+1)*in) and input pixel i covers [i*out, (i+1)*out),
          // both in units of 1/out of an input pixel.
          long lo = (long) o * in;
          long hi = lo + in;
          int i0 = (int) (lo / out);
          int i1 = (int) ((hi - 1) / out);
          double[] k = new double[i1 - i0 + 1];
          for (int i = i0; i <= i1; i++) {
            long overlap = Math.min(hi, (long) (i + 1) * out) - Math.max(lo, (long) i * out);
            k[i - i0] = (double) overlap / in;
          }
          a.first[o] = i0;
          a.weights[o] = k;
        } else {
          double x = Math.max(0, Math.min(in - 1, (o + 0.5) * in / out - 0.5));
          int i0 = Math.min(in - 1, (int) Math.floor(x));
          double t = x - i0;
          if (i0 + 1 < in && t > 0) {
            a.first[o] = i0;
            a.weights[o] = new double[] {1 - t, t};
          } else {
            a.first[o] = i0;
            a.weights[o] = new double[] {1};
          }
        }
      }
      return a;
    }
  }

  /** A face as a gray image, for grids and reports. */
  public static BufferedImage toImage(FaceDataset data, int i) {
    BufferedImage img = new BufferedImage(FaceDataset.SIDE, FaceDataset.SIDE, BufferedImage.TYPE_BYTE_GRAY);
    byte[] d = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    data.copyPixels(i, d, 0);
    return img;
  }

  public static BufferedImage toImage(byte[] pixels) {
    BufferedImage img = new BufferedImage(FaceDataset.SIDE, FaceDataset.SIDE, BufferedImage.TYPE_BYTE_GRAY);
    byte[] d = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    System.arraycopy(pixels, 0, d, 0, FaceDataset.PIXELS);
    return img;
  }
}

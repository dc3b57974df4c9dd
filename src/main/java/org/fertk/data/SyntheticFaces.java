package org.fertk.data;

import org.fertk.Emotion;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.GeneralPath;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.fertk.util.MemoryBudget;

/**
 * Procedural 48x48 grayscale faces whose seven classes differ the way the expressions do: mouth
 * curvature and openness, eyebrow height and angle, eye openness. Each face also gets a random pose
 * (rotation, shift, scale), lighting gradient, skin and background tone, sensor noise and, for
 * some, a partial occlusion, so a classifier must find the parts rather than memorise pixels.
 *
 * <p>Face {@code i} depends only on (seed, i), so any subset is reproducible and generation runs in
 * parallel. Classes are exactly balanced (n/7 each, the remainder spread over the first classes).
 */
public final class SyntheticFaces {
  /** Per-class expression parameters: the mean of each feature. */
  private record Expression(double browRaise, double browTilt, double eyeOpen, double mouthCurve,
      double mouthOpen, double mouthWidth) {}

  // browTilt > 0 lowers the inner brow ends (a frown); < 0 raises them (worry).
  private static final Expression[] EXPRESSIONS = {
    new Expression(-1.2, 2.6, 0.65, -0.6, 0.0, 8.0),  // angry
    new Expression(-0.6, 1.4, 0.45, -1.6, 0.35, 7.0), // disgust
    new Expression(2.0, -1.6, 1.45, -0.4, 0.8, 9.5),  // fear
    new Expression(0.3, 0.0, 0.8, 2.6, 0.45, 10.0),   // happy
    new Expression(0.6, -2.2, 0.75, -2.2, 0.0, 8.0),  // sad
    new Expression(3.0, 0.0, 1.55, 0.0, 2.0, 5.0),    // surprise
    new Expression(0.0, 0.0, 1.0, 0.0, 0.0, 8.5),     // neutral
  };

  private final long seed;

  public SyntheticFaces(long seed) {
    this.seed = seed;
  }

  /**
   * Generates n faces; a stratified {@code testFraction} of them is marked PublicTest and the rest
   * Training, so the result looks like a FER2013 file.
   */
  public FaceDataset generate(int n, double testFraction) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be positive");
    }
    String what = String.format(Locale.ROOT, "%,d synthetic faces", n);
    MemoryBudget.checkArray(what, (long) n * FaceDataset.PIXELS);
    MemoryBudget.check(what, (long) n * (FaceDataset.PIXELS + 16));
    byte[] pixels = new byte[n * FaceDataset.PIXELS];
    byte[] labels = new byte[n];
    int[] perm = IntStream.range(0, n).toArray();
    Splits.shuffle(perm, new SplittableRandom(seed ^ 0x5DEECE66DL));
    for (int i = 0; i < n; i++) {
      labels[perm[i]] = (byte) (i % Emotion.COUNT);
    }
    IntStream.range(0, n).parallel().forEach(i -> render(i, labels[i], pixels, i * FaceDataset.PIXELS));
    byte[] usages = new byte[n];
    int[] origins = new int[n];
    for (int i = 0; i < n; i++) {
      origins[i] = i;
    }
    FaceDataset all = new FaceDataset("synthetic(seed=" + seed + ",n=" + n + ")", pixels, labels,
        usages, origins, null);
    if (testFraction <= 0) {
      return all;
    }
    Splits.Parts parts = Splits.stratified(all, Splits.all(all), testFraction, seed + 7);
    for (int i : parts.heldOut()) {
      usages[i] = (byte) Usage.PUBLIC_TEST.ordinal();
    }
    return all;
  }

  /** Draws face i of class label into dst at offset. */
  void render(int i, int label, byte[] dst, int offset) {
    SplittableRandom r = new SplittableRandom(mix(seed, i));
    Expression e = EXPRESSIONS[label];
    BufferedImage img = new BufferedImage(FaceDataset.SIDE, FaceDataset.SIDE, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);

    int background = (int) uniform(r, 40, 215);
    g.setColor(gray(background));
    g.fillRect(0, 0, 48, 48);

    // Pose: the face is drawn in a canonical frame centred at the origin, then placed.
    double angle = Math.toRadians(clamp(gaussian(r) * 6, -14, 14));
    double scale = uniform(r, 0.95, 1.15);
    AffineTransform pose = new AffineTransform();
    pose.translate(24 + uniform(r, -2.5, 2.5), 25 + uniform(r, -2, 2));
    pose.rotate(angle);
    pose.scale(scale, scale);
    g.transform(pose);

    int skin = (int) uniform(r, 125, 215);
    int dark = Math.max(0, skin - (int) uniform(r, 85, 125));
    if (r.nextDouble() < 0.5) { // hair
      g.setColor(gray((int) uniform(r, 10, 90)));
      g.fill(new Ellipse2D.Double(-17, -24, 34, 24));
    }
    g.setColor(gray(skin));
    g.fill(new Ellipse2D.Double(-15.5, -20, 31, 40));

    // Expression features, jittered so neighbouring classes overlap a little.
    double browRaise = e.browRaise() + gaussian(r) * 0.6;
    double browTilt = e.browTilt() + gaussian(r) * 0.6;
    double eyeOpen = Math.max(0.15, e.eyeOpen() + gaussian(r) * 0.15);
    double curve = e.mouthCurve() + gaussian(r) * 0.55;
    double open = Math.max(0, e.mouthOpen() + gaussian(r) * 0.25);
    double width = e.mouthWidth() + gaussian(r) * 0.8;
    double asym = label == Emotion.DISGUST.ordinal() ? uniform(r, 0.8, 1.8) : gaussian(r) * 0.3;

    g.setColor(gray(dark));
    g.setStroke(new BasicStroke((float) uniform(r, 1.5, 2.3), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (int side = -1; side <= 1; side += 2) {
      double browY = -9.5 - browRaise;
      g.draw(new Line2D.Double(side * 2.8, browY + browTilt, side * 10.5, browY - browTilt * 0.3));
      // eye: white of the eye, then the iris scaled by openness
      double eh = 2.6 * eyeOpen;
      g.setColor(gray(Math.min(255, skin + 35)));
      g.fill(new Ellipse2D.Double(side * 6.5 - 3.4, -4.5 - eh / 2, 6.8, eh));
      g.setColor(gray(dark / 2));
      double ih = Math.min(eh, 2.6);
      g.fill(new Ellipse2D.Double(side * 6.5 - 1.4, -4.5 - ih / 2, 2.8, ih));
      g.setColor(gray(dark));
    }
    // nose
    g.setStroke(new BasicStroke(1.0f));
    g.setColor(gray((skin + dark) / 2));
    g.draw(new Line2D.Double(0, -2, -1, 4));
    g.draw(new Line2D.Double(-1.8, 4.5, 1.8, 4.5));

    // mouth: a quadratic curve whose corners rise with curvature; openness adds a dark interior
    double my = 10.5;
    double hw = width * 0.65;
    GeneralPath upper = new GeneralPath();
    upper.moveTo(-hw, my - 1.4 * curve - asym * 0.5);
    upper.quadTo(0, my + curve * 1.3 - open * 0.8, hw, my - 1.4 * curve + asym * 0.5);
    if (open > 0.25) {
      GeneralPath hole = (GeneralPath) upper.clone();
      hole.quadTo(0, my + curve * 1.3 + open * 3.2, -hw, my - 1.4 * curve - asym * 0.5);
      hole.closePath();
      g.setColor(gray(dark / 3));
      g.fill(hole);
    }
    g.setColor(gray(dark));
    g.setStroke(new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(upper);
    g.dispose();

    if (r.nextDouble() < 0.2) { // occlusion: a hand, a scarf or a shadowed band
      Graphics2D o = img.createGraphics();
      o.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      o.setColor(gray((int) uniform(r, 0, 255)));
      double ow = uniform(r, 7, 16);
      double oh = uniform(r, 7, 16);
      o.rotate(uniform(r, -0.6, 0.6), 24, 24);
      o.fill(new Rectangle2D.Double(uniform(r, -4, 44 - ow / 2), uniform(r, -4, 44 - oh / 2), ow, oh));
      o.dispose();
    }

    // Lighting gradient and sensor noise, applied to the rendered pixels.
    byte[] d = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    double lightAngle = uniform(r, 0, 2 * Math.PI);
    double strength = uniform(r, 0, 35);
    double gx = Math.cos(lightAngle) * strength / 24;
    double gy = Math.sin(lightAngle) * strength / 24;
    double contrast = uniform(r, 0.85, 1.1);
    double sigma = uniform(r, 2, 7);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 48; x++) {
        int p = y * 48 + x;
        double v = 128 + ((d[p] & 0xff) - 128) * contrast + gx * (x - 24) + gy * (y - 24)
            + gaussian(r) * sigma;
        dst[offset + p] = (byte) Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }

  private static Color gray(int v) {
    int c = Math.max(0, Math.min(255, v));
    return new Color(c, c, c);
  }

  private static double uniform(SplittableRandom r, double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** Box-Muller from the face's own generator (deterministic, unlike Random#nextGaussian caches). */
  private static double gaussian(SplittableRandom r) {
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
  }

  private static long mix(long seed, long i) {
    long z = seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

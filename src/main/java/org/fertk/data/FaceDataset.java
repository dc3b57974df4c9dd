package org.fertk.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.fertk.Emotion;
import org.fertk.util.Hashing;

/**
 * An immutable set of 48x48 grayscale faces, stored compactly: one byte per pixel in one array,
 * one byte per label and per usage. Pixels become [0,1] floats only when a batch is requested.
 */
public final class FaceDataset {
  public static final int SIDE = 48;
  public static final int PIXELS = SIDE * SIDE;
  /** Label of a face whose class is not known (e.g. a folder of unlabelled images). */
  public static final int UNKNOWN = -1;

  private static final float[] TO_UNIT = new float[256];

  static {
    for (int i = 0; i < 256; i++) {
      TO_UNIT[i] = i / 255f;
    }
  }

  private final String source;
  private final byte[] pixels;
  private final byte[] labels;
  private final byte[] usages;
  private final int[] origins;
  private final String[] names;

  /**
   * @param source where the data came from (for messages and manifests)
   * @param pixels size*2304 bytes, row-major, top row first
   * @param labels 0..6 or {@link #UNKNOWN}
   * @param usages {@link Usage} ordinal or -1 when the file has no split column
   * @param origins the source line (CSV) or position of each face, for messages
   * @param names optional per-face names (image files); may be null
   */
  public FaceDataset(String source, byte[] pixels, byte[] labels, byte[] usages, int[] origins,
      String[] names) {
    int n = labels.length;
    if (pixels.length != (long) n * PIXELS || usages.length != n || origins.length != n
        || (names != null && names.length != n)) {
      throw new IllegalArgumentException("inconsistent dataset arrays");
    }
    this.source = source;
    this.pixels = pixels;
    this.labels = labels;
    this.usages = usages;
    this.origins = origins;
    this.names = names;
  }

  public String source() {
    return source;
  }

  public int size() {
    return labels.length;
  }

  public int label(int i) {
    return labels[i];
  }

  /** The split of face i, or null when the source had none. */
  public Usage usage(int i) {
    return usages[i] < 0 ? null : Usage.values()[usages[i]];
  }

  public int origin(int i) {
    return origins[i];
  }

  /** Image file of face i, or null for CSV data. */
  public String name(int i) {
    return names == null ? null : names[i];
  }

  public int pixel(int i, int y, int x) {
    return pixels[i * PIXELS + y * SIDE + x] & 0xff;
  }

  /** Copies the 2,304 raw bytes of face i into dst at offset. */
  public void copyPixels(int i, byte[] dst, int offset) {
    System.arraycopy(pixels, i * PIXELS, dst, offset, PIXELS);
  }

  public byte[] pixelsOf(int i) {
    return Arrays.copyOfRange(pixels, i * PIXELS, (i + 1) * PIXELS);
  }

  /** Writes face i as 2,304 floats in [0,1] into dst at offset. */
  public void toUnitFloats(int i, float[] dst, int offset) {
    int base = i * PIXELS;
    for (int p = 0; p < PIXELS; p++) {
      dst[offset + p] = TO_UNIT[pixels[base + p] & 0xff];
    }
  }

  private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[PIXELS]);

  /** Writes face i as floats in [0,1] into a float buffer (e.g. a direct buffer for ORT). */
  public void toUnitFloats(int i, FloatBuffer dst) {
    float[] tmp = SCRATCH.get();
    toUnitFloats(i, tmp, 0);
    dst.put(tmp); // one bulk copy instead of 2,304 single puts
  }

  /** All faces as one native-order direct buffer of floats in [0,1], the batch layout ORT and TF read. */
  public FloatBuffer toDirectUnitFloats() {
    FloatBuffer buf = ByteBuffer.allocateDirect(size() * PIXELS * Float.BYTES)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < size(); i++) {
      toUnitFloats(i, buf);
    }
    return buf;
  }

  public boolean hasUsage() {
    for (byte u : usages) {
      if (u >= 0) {
        return true;
      }
    }
    return false;
  }

  public boolean allLabelled() {
    for (byte l : labels) {
      if (l < 0) {
        return false;
      }
    }
    return true;
  }

  public int[] classCounts() {
    int[] c = new int[Emotion.COUNT];
    for (byte l : labels) {
      if (l >= 0) {
        c[l]++;
      }
    }
    return c;
  }

  /** A new dataset holding the given faces in the given order. */
  public FaceDataset select(int[] idx) {
    int n = idx.length;
    byte[] px = new byte[n * PIXELS];
    byte[] lb = new byte[n];
    byte[] us = new byte[n];
    int[] or = new int[n];
    String[] nm = names == null ? null : new String[n];
    for (int k = 0; k < n; k++) {
      int i = idx[k];
      System.arraycopy(pixels, i * PIXELS, px, k * PIXELS, PIXELS);
      lb[k] = labels[i];
      us[k] = usages[i];
      or[k] = origins[i];
      if (nm != null) {
        nm[k] = names[i];
      }
    }
    return new FaceDataset(source, px, lb, us, or, nm);
  }

  /** Indices of the faces of one split. */
  public int[] indicesOf(Usage u) {
    int[] out = new int[size()];
    int n = 0;
    for (int i = 0; i < size(); i++) {
      if (usages[i] == u.ordinal()) {
        out[n++] = i;
      }
    }
    return Arrays.copyOf(out, n);
  }

  public FaceDataset only(Usage u) {
    return select(indicesOf(u));
  }

  /** Same faces with every usage replaced (used when a split is made by sampling). */
  public FaceDataset withUsage(Usage u) {
    byte[] us = new byte[size()];
    Arrays.fill(us, (byte) (u == null ? -1 : u.ordinal()));
    return new FaceDataset(source, pixels, labels, us, origins, names);
  }

  /** Digest of the content (pixels, labels, usages), independent of the file it came from. */
  public String contentHash() {
    return Hashing.sha256(pixels, labels, usages);
  }

  /** Bytes held by this dataset's arrays (what it costs on the heap). */
  public long footprintBytes() {
    long b = pixels.length + labels.length + usages.length + 4L * origins.length;
    if (names != null) {
      for (String s : names) {
        b += 40 + 2L * s.length();
      }
    }
    return b;
  }

  /** Incrementally collects faces; grows its arrays geometrically. */
  public static final class Builder {
    private final String source;
    private byte[] pixels;
    private byte[] labels;
    private byte[] usages;
    private int[] origins;
    private String[] names;
    private int size;

    public Builder(String source, int capacity) {
      this.source = source;
      int c = Math.max(capacity, 16);
      pixels = new byte[c * PIXELS];
      labels = new byte[c];
      usages = new byte[c];
      origins = new int[c];
    }

    public int size() {
      return size;
    }

    public Builder add(byte[] src, int offset, int label, Usage usage, int origin, String name) {
      if (size == labels.length) {
        int c = labels.length * 2;
        pixels = Arrays.copyOf(pixels, c * PIXELS);
        labels = Arrays.copyOf(labels, c);
        usages = Arrays.copyOf(usages, c);
        origins = Arrays.copyOf(origins, c);
        if (names != null) {
          names = Arrays.copyOf(names, c);
        }
      }
      if (name != null && names == null) {
        names = new String[labels.length];
      }
      System.arraycopy(src, offset, pixels, size * PIXELS, PIXELS);
      labels[size] = (byte) label;
      usages[size] = (byte) (usage == null ? -1 : usage.ordinal());
      origins[size] = origin;
      if (names != null) {
        names[size] = name;
      }
      size++;
      return this;
    }

    public FaceDataset build() {
      return new FaceDataset(source, Arrays.copyOf(pixels, size * PIXELS),
          Arrays.copyOf(labels, size), Arrays.copyOf(usages, size), Arrays.copyOf(origins, size),
          names == null ? null : Arrays.copyOf(names, size));
    }
  }
}

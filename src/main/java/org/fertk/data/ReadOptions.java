package org.fertk.data;

/**
 * How strictly to read a dataset.
 *
 * @param skipBadRows skip malformed rows or images (and report them) instead of failing
 * @param requireLabels fail when the file has no emotion column (scoring may allow it)
 * @param threads parser threads (0 = one per core)
 * @param maxImagePixels images declaring more pixels than this are refused before decoding
 */
public record ReadOptions(boolean skipBadRows, boolean requireLabels, int threads, long maxImagePixels) {
  /**
   * 100 megapixels: above any camera photo people hand us (a 108 MP phone sensor aside), and a
   * decoded image that size already takes 400 MB as RGB plus 400 MB as gray floats.
   */
  public static final long DEFAULT_MAX_IMAGE_PIXELS = 100_000_000L;

  public static final ReadOptions STRICT = new ReadOptions(false, true, 0, DEFAULT_MAX_IMAGE_PIXELS);

  public ReadOptions {
    if (maxImagePixels < 1) {
      throw new IllegalArgumentException("maxImagePixels must be positive, got " + maxImagePixels);
    }
  }

  public ReadOptions withSkipBadRows(boolean skip) {
    return new ReadOptions(skip, requireLabels, threads, maxImagePixels);
  }

  public ReadOptions withRequireLabels(boolean require) {
    return new ReadOptions(skipBadRows, require, threads, maxImagePixels);
  }

  public ReadOptions withThreads(int n) {
    return new ReadOptions(skipBadRows, requireLabels, n, maxImagePixels);
  }

  public ReadOptions withMaxImagePixels(long n) {
    return new ReadOptions(skipBadRows, requireLabels, threads, n);
  }

  int effectiveThreads() {
    return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
  }
}

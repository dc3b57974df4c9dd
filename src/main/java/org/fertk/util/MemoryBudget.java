package org.fertk.util;

import org.fertk.FerException;
import java.util.Locale;

/**
 * One rule for inputs that would not fit in memory (a huge picture, a zip entry inflating to
 * gigabytes, millions of generated faces): refuse them up front with one message that names what
 * asked for the memory and this JVM's heap, instead of an OutOfMemoryError that ends the whole run.
 */
public final class MemoryBudget {
  /** The largest Java array the JVM allocates (a little under Integer.MAX_VALUE). */
  public static final long MAX_ARRAY = Integer.MAX_VALUE - 8L;

  private MemoryBudget() {}

  /** Bytes the heap can still give: its limit less what live objects hold now. */
  public static long available() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  /**
   * Throws a user error when {@code bytes} more would not fit in the heap.
   *
   * @param what the input and what it needs the memory for, e.g. "x.png: a 9999x9999 picture"
   */
  public static void check(String what, long bytes) {
    long free = available();
    if (bytes > free) {
      // a collection may free more: ask once before refusing
      System.gc();
      free = available();
    }
    if (bytes > free) {
      throw new FerException(String.format(Locale.ROOT, "%s would need about %s, more than this JVM's heap can give "
          + "(%s free of its %s limit; raise the limit with JAVA_OPTS=-Xmx...)", what, mb(bytes), mb(free),
          mb(Runtime.getRuntime().maxMemory())));
    }
  }

  /** Throws a user error when one array of {@code bytes} bytes cannot exist, whatever the heap. */
  public static void checkArray(String what, long bytes) {
    if (bytes > MAX_ARRAY) {
      throw new FerException(String.format(Locale.ROOT, "%s would need one block of %s, more than a Java array holds "
          + "(%s)", what, mb(bytes), mb(MAX_ARRAY)));
    }
  }

  static String mb(long bytes) {
    return bytes >= 10L << 30 ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%,d MB", (bytes + (1 << 20) - 1) >> 20);
  }
}

package org.fertk.train;

/** Independent random streams keyed by (seed, epoch, batch), so a resumed run draws what an uninterrupted one would. */
final class Seeds {
  private Seeds() {}

  /** A well-mixed 64-bit key for (seed, epoch, batch). */
  static long mix(long seed, long epoch, long batch) {
    long z = seed * 0x9E3779B97F4A7C15L ^ (epoch + 1) * 0xC2B2AE3D27D4EB4FL ^ (batch + 2) * 0x165667B19E3779F9L;
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }
}

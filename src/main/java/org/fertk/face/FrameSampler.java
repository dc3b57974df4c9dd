package org.fertk.face;

/**
 * Which frames of a video to analyse for a wanted rate: one per 1/fps slot of time, the first
 * frame of each slot. Frame times are rounded (to the millisecond in many files), so a frame may
 * fall a hair before its slot: half a frame's duration is allowed, which makes --fps 5 on a 10
 * frames/s video take every second frame and --fps 30 on a 30 frames/s video take every frame.
 */
public final class FrameSampler {
  private final double fps;
  private final double tolerance;
  private final double effective;
  private long lastSlot = -1;

  /**
   * @param fps the wanted rate, above 0
   * @param videoFps the video's own rate; NaN when unknown
   */
  public FrameSampler(double fps, double videoFps) {
    boolean known = videoFps > 0 && Double.isFinite(videoFps);
    this.fps = fps;
    this.effective = known ? Math.min(fps, videoFps) : fps;
    this.tolerance = known ? 0.5 * Math.min(1, fps / videoFps) : 1e-6;
  }

  /** Whether the frame at this time (never going back) is one to analyse. */
  public boolean take(double timeSeconds) {
    long slot = (long) Math.floor(timeSeconds * fps + tolerance);
    if (slot > lastSlot) {
      lastSlot = slot;
      return true;
    }
    return false;
  }

  /** The rate the frames are really sampled at: the wanted one, or the video's own when lower. */
  public double effectiveRate() {
    return effective;
  }
}

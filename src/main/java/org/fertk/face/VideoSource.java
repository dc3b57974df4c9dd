package org.fertk.face;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.fertk.data.FaceImages;
import org.fertk.FerException;
import org.fertk.util.ProtectedInputs;

/** The frames of a video file (FFmpeg) or of a folder of images, in time order. */
public interface VideoSource extends AutoCloseable {

  /** Video file extensions read with FFmpeg. */
  Set<String> EXTENSIONS = Set.of("mp4", "avi", "webm", "mkv", "mov", "m4v");

  /** A decoded frame and its time in seconds from the start. */
  record TimedFrame(double time, BufferedImage image) {}

  /** The next frame, or null at the end. */
  TimedFrame next();

  /** Frames per second as the file declares it (a folder's given rate); NaN when unknown. */
  double frameRate();

  /** How many frames there are, as far as known before reading them; -1 when unknown. */
  default long frameCount() {
    return -1;
  }

  /** The frames skipped because they could not be read (a folder opened with skipBad), one message each. */
  default List<String> skipped() {
    return List.of();
  }

  @Override
  void close();

  static boolean isVideo(Path p) {
    if (Files.isDirectory(p)) {
      return true;
    }
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1));
  }

  /**
   * Opens a video file, or a folder of frames (image files in name order, {@code folderFps} apart).
   *
   * @throws FerException naming the file when it cannot be opened or holds no video stream
   */
  static VideoSource open(Path p, double folderFps, long maxPixels) {
    return open(p, folderFps, maxPixels, false);
  }

  /**
   * As {@link #open(Path, double, long)}; with {@code skipBad}, a frame of a folder that cannot be
   * read is skipped (and listed in {@link #skipped()}) instead of ending the video.
   */
  static VideoSource open(Path p, double folderFps, long maxPixels, boolean skipBad) {
    if (!Files.exists(p)) {
      throw new FerException(p + ": file not found");
    }
    if (Files.isDirectory(p)) {
      List<Path> frames;
      try (Stream<Path> s = Files.list(p)) {
        frames = s.filter(FaceImages::isImageFile).sorted().toList();
      } catch (IOException e) {
        throw new FerException(p + ": cannot list the folder (" + e.getMessage() + ")");
      }
      if (frames.isEmpty()) {
        throw new FerException(p + ": a folder of frames without any image file (PNG, JPEG, BMP or GIF)");
      }
      ProtectedInputs.reading(frames.toArray(Path[]::new));
      return new VideoSource() {
        int i;
        final List<String> skipped = new ArrayList<>();

        @Override
        public TimedFrame next() {
          while (i < frames.size()) {
            Path f = frames.get(i);
            double t = i++ / folderFps; // a skipped frame keeps its place in time
            try {
              return new TimedFrame(t, FaceImages.decode(f, maxPixels));
            } catch (FerException e) {
              if (!skipBad) {
                throw e;
              }
              skipped.add(e.getMessage());
            }
          }
          return null;
        }

        @Override
        public double frameRate() {
          return folderFps;
        }

        @Override
        public long frameCount() {
          return frames.size();
        }

        @Override
        public List<String> skipped() {
          return skipped;
        }

        @Override
        public void close() {}
      };
    }
    // fatal only: FFmpeg otherwise prints stream details and, for a damaged file, its own error
    // lines beside ours; its reason comes back in the exception's error code (see ffmpegReason)
    avutil.av_log_set_level(avutil.AV_LOG_FATAL);
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(p.toFile());
    // FFmpeg converts every frame to packed BGR, which is TYPE_3BYTE_BGR's own layout: rows are
    // copied as they are (JavaCV's Java2DFrameConverter failed on frames of 16x16 and smaller)
    g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    try {
      g.start();
    } catch (Exception | Error e) {
      closeQuietly(g);
      throw new FerException(p + ": cannot open the video: " + ffmpegReason(e.getMessage()));
    }
    if (g.hasVideo() && g.getImageWidth() > 0 && (long) g.getImageWidth() * g.getImageHeight() > maxPixels) {
      closeQuietly(g);
      throw new FerException(p + ": frames of " + g.getImageWidth() + "x" + g.getImageHeight()
          + " exceed " + FerException.setting("max_image_pixels"));
    }
    if (!g.hasVideo()) {
      closeQuietly(g);
      throw new FerException(p + ": holds no video stream");
    }
    double rate = g.getFrameRate();
    return new VideoSource() {
      @Override
      public double frameRate() {
        return rate > 0 && Double.isFinite(rate) ? rate : Double.NaN;
      }

      @Override
      public long frameCount() {
        int n = g.getLengthInFrames();
        return n > 0 ? n : -1;
      }

      @Override
      public TimedFrame next() {
        try {
          Frame f = g.grabImage();
          if (f == null) {
            return null;
          }
          if (f.image == null || f.imageWidth < 1 || f.imageHeight < 1) {
            return next();
          }
          return new TimedFrame(f.timestamp / 1e6, bgrImage(f));
        } catch (Exception e) {
          throw new FerException(p + ": cannot decode a frame (" + e.getMessage() + ")");
        }
      }

      @Override
      public void close() {
        closeQuietly(g);
      }
    };
  }

  /** A packed BGR24 frame as a picture of its own (the grabber reuses the frame's buffer). */
  private static BufferedImage bgrImage(Frame f) {
    int w = f.imageWidth;
    int h = f.imageHeight;
    ByteBuffer src = ((ByteBuffer) f.image[0]).duplicate();
    int stride = f.imageStride > 0 ? f.imageStride : w * 3;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    for (int y = 0; y < h; y++) {
      src.position(y * stride);
      src.get(dst, y * w * 3, w * 3);
    }
    return img;
  }

  /**
   * FFmpeg's own words for the error code JavaCV puts in its message ("... error -1094995529: ..."
   * becomes "Invalid data found when processing input"); JavaCV's message as it is otherwise.
   */
  private static String ffmpegReason(String javacvMessage) {
    if (javacvMessage == null) {
      return "unknown error";
    }
    Matcher m = Pattern.compile("\\(\\) error (-?\\d+)").matcher(javacvMessage);
    if (!m.find()) {
      return javacvMessage;
    }
    try (BytePointer text = new BytePointer(256)) {
      return avutil.av_strerror(Integer.parseInt(m.group(1)), text, 256) < 0 ? "FFmpeg error " + m.group(1)
          : cString(text.getString(StandardCharsets.UTF_8));
    }
  }

  /** The text before the first NUL: the buffer holds whatever followed FFmpeg's message in memory. */
  private static String cString(String buffer) {
    int nul = buffer.indexOf('\0');
    return nul < 0 ? buffer : buffer.substring(0, nul);
  }

  /** Closes a grabber whose video is refused or done: nothing is left to save if that fails. */
  private static void closeQuietly(FFmpegFrameGrabber g) {
    try {
      g.close();
    } catch (Exception e) {
      // nothing to report beyond the reason the video is being closed
    }
  }
}

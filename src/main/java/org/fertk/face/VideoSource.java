package org.fertk.face;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.fertk.data.FaceImages;
import org.fertk.util.FerException;

/** The frames of a video file (FFmpeg) or of a folder of images, in time order. */
public interface VideoSource extends AutoCloseable {
  /** Video file extensions read with FFmpeg. */
  Set<String> EXTENSIONS = Set.of("mp4", "avi", "webm", "mkv", "mov", "m4v");

  /** A decoded frame and its time in seconds from the start. */
  record TimedFrame(double time, BufferedImage image) {}

  /** The next frame, or null at the end. */
  TimedFrame next();

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
    if (!Files.exists(p)) {
      throw new FerException(p + ": file not found");
    }
    if (Files.isDirectory(p)) {
      List<Path> frames;
      try (Stream<Path> s = Files.list(p)) {
        frames = s.filter(FaceImages::isImageFile).sorted().toList();
      } catch (java.io.IOException e) {
        throw new FerException(p + ": cannot list the folder (" + e.getMessage() + ")");
      }
      if (frames.isEmpty()) {
        throw new FerException(p + ": a folder of frames without any image file (PNG, JPEG, BMP or GIF)");
      }
      return new VideoSource() {
        int i;

        @Override
        public TimedFrame next() {
          if (i >= frames.size()) {
            return null;
          }
          Path f = frames.get(i);
          return new TimedFrame(i++ / folderFps, FaceImages.decode(f, maxPixels));
        }

        @Override
        public void close() {}
      };
    }
    // errors only: FFmpeg otherwise prints every stream's details on stderr
    org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(p.toFile());
    try {
      g.start();
    } catch (Exception | Error e) {
      closeQuietly(g);
      throw new FerException(p + ": cannot open the video (" + e.getMessage() + ")");
    }
    if (g.hasVideo() && g.getImageWidth() > 0 && (long) g.getImageWidth() * g.getImageHeight() > maxPixels) {
      closeQuietly(g);
      throw new FerException(p + ": frames of " + g.getImageWidth() + "x" + g.getImageHeight()
          + " exceed --max-image-pixels");
    }
    if (!g.hasVideo()) {
      closeQuietly(g);
      throw new FerException(p + ": holds no video stream");
    }
    Java2DFrameConverter convert = new Java2DFrameConverter();
    return new VideoSource() {
      @Override
      public TimedFrame next() {
        try {
          Frame f = g.grabImage();
          if (f == null) {
            return null;
          }
          BufferedImage img = convert.convert(f);
          if (img == null) {
            return next();
          }
          // the converter reuses its image: copy it
          BufferedImage copy = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
          copy.getGraphics().drawImage(img, 0, 0, null);
          return new TimedFrame(f.timestamp / 1e6, copy);
        } catch (Exception e) {
          throw new FerException(p + ": cannot decode a frame (" + e.getMessage() + ")");
        }
      }

      @Override
      public void close() {
        closeQuietly(g);
        convert.close();
      }
    };
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

package org.fertk.face;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.fertk.FerException;

/**
 * Writes pictures as an MPEG-4 video (FFmpeg through JavaCV). Every picture is handed to FFmpeg as
 * packed BGR with that pixel format named, so colours survive whatever the picture's own type:
 * JavaCV's converter passed TYPE_INT_RGB pictures as 4-channel frames that the encoder read with
 * red and blue swapped (a grey-blue background came out salmon).
 */
public final class VideoWriter implements AutoCloseable {
  private final FFmpegFrameRecorder recorder;
  private final int width;
  private final int height;
  private final Path file;

  private VideoWriter(FFmpegFrameRecorder recorder, Path file, int width, int height) {
    this.recorder = recorder;
    this.file = file;
    this.width = width;
    this.height = height;
  }

  /**
   * Opens an mp4 file for frames of one size.
   *
   * @param fps frames per second
   * @throws FerException when FFmpeg cannot create the file
   */
  public static VideoWriter open(Path file, int width, int height, double fps) {
    FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
    r.setFormat("mp4");
    r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
    r.setFrameRate(fps);
    r.setVideoQuality(2);
    try {
      r.start();
    } catch (Exception e) {
      throw new FerException(file + ": cannot write the video (" + e.getMessage() + ")");
    }
    return new VideoWriter(r, file, width, height);
  }

  /** Appends a picture of the video's size. */
  public void write(BufferedImage picture) {
    if (picture.getWidth() != width || picture.getHeight() != height) {
      throw new IllegalArgumentException("a " + picture.getWidth() + "x" + picture.getHeight() + " picture in a "
          + width + "x" + height + " video");
    }
    BufferedImage bgr = picture;
    if (picture.getType() != BufferedImage.TYPE_3BYTE_BGR) {
      bgr = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      bgr.getGraphics().drawImage(picture, 0, 0, null);
    }
    Frame f = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
    ByteBuffer buf = (ByteBuffer) f.image[0];
    byte[] px = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    for (int y = 0; y < height; y++) {
      buf.position(y * f.imageStride);
      buf.put(px, y * width * 3, width * 3);
    }
    buf.rewind();
    try {
      recorder.record(f, avutil.AV_PIX_FMT_BGR24);
    } catch (Exception e) {
      throw new FerException(file + ": cannot write a frame (" + e.getMessage() + ")");
    }
  }

  @Override
  public void close() {
    try {
      recorder.close();
    } catch (Exception e) {
      throw new FerException(file + ": cannot finish the video (" + e.getMessage() + ")");
    }
  }
}

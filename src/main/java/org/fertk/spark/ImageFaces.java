package org.fertk.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fertk.Emotion;
import org.fertk.data.FaceImages;
import org.fertk.data.ReadOptions;
import org.fertk.data.Usage;
import org.fertk.util.FerException;

/**
 * Faces stored as encoded pictures: an image folder ({@code <root>/<class>/*} or
 * {@code <root>/<split>/<class>/*}, read with Spark's binaryFile source) or Parquet files with a
 * column of image bytes. Each picture becomes 48x48 gray as `fer score` makes it (luma, area
 * averaging); one that cannot be decoded, or declares more than 100 million pixels, is a bad row
 * named by its file (and Parquet row).
 */
final class ImageFaces {
  private ImageFaces() {}

  static JavaRDD<FaceRow> folder(SparkSession spark, String dir, Usage only) {
    Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "*.{png,jpg,jpeg,bmp,gif,PNG,JPG,JPEG,BMP,GIF}").load(dir).select("path", "content");
    int usage = only == null ? -1 : only.ordinal();
    return files.javaRDD().map(r -> {
      String path = r.getString(0);
      String[] parts = path.split("/");
      Emotion e = parts.length >= 2 ? Emotion.fromName(parts[parts.length - 2]) : null;
      Usage u = parts.length >= 3 ? Usage.fromAlias(parts[parts.length - 3]) : null;
      FaceRow f = decode(path, 0, e == null ? -1 : e.ordinal(), (byte[]) r.get(1));
      return usage >= 0 && (u == null || u.ordinal() != usage) ? null : f;
    }).filter(f -> f != null);
  }

  static JavaRDD<FaceRow> parquet(SparkSession spark, String path, String imageColumn, String labelColumn) {
    Dataset<Row> d = spark.read().parquet(path);
    java.util.List<String> cols = java.util.Arrays.asList(d.columns());
    if (!cols.contains(imageColumn)) {
      throw new FerException(path + ": no column '" + imageColumn + "' of image bytes (columns: " + String.join(", ", cols)
          + "); say which with --image-column");
    }
    boolean labels = cols.contains(labelColumn);
    Dataset<Row> sel = d.select(d.col("_metadata.file_path"), d.col("_metadata.row_index"), d.col(imageColumn),
        labels ? d.col(labelColumn) : org.apache.spark.sql.functions.lit(null));
    return sel.javaRDD().map(r -> {
      String file = r.getString(0);
      long row = r.getLong(1) + 1;
      int label = r.isNullAt(3) ? -1 : ((Number) r.get(3)).intValue();
      if (label < -1 || label >= Emotion.COUNT) {
        return new FaceRow(file, row, -1, "row " + row + ": label " + label + " outside 0..6", null);
      }
      return r.isNullAt(2) ? new FaceRow(file, row, -1, "row " + row + ": no image bytes", null)
          : decode(file, row, label, (byte[]) r.get(2));
    });
  }

  static FaceRow decode(String file, long row, int label, byte[] bytes) {
    String where = row > 0 ? "row " + row + ": " : "";
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        return new FaceRow(file, row, -1, where + "not a picture in a known format", null);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > ReadOptions.DEFAULT_MAX_IMAGE_PIXELS) {
          return new FaceRow(file, row, -1, where + "declares " + pixels + " pixels, more than "
              + ReadOptions.DEFAULT_MAX_IMAGE_PIXELS, null);
        }
        BufferedImage img = reader.read(0);
        return new FaceRow(file, row, label, null, FaceImages.to48(img, false));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return new FaceRow(file, row, -1, where + "cannot decode the picture (" + e.getMessage() + ")", null);
    }
  }
}

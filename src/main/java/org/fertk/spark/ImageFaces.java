package org.fertk.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fertk.Emotion;
import org.fertk.FaceBox;
import org.fertk.data.FaceImages;
import org.fertk.data.ReadOptions;
import org.fertk.data.Usage;
import org.fertk.face.FaceCrops;
import org.fertk.face.FaceDetector;
import org.fertk.FerException;

/**
 * Faces stored as encoded pictures: an image folder ({@code <root>/<class>/*} or
 * {@code <root>/<split>/<class>/*}, read with Spark's binaryFile source) or Parquet files with a
 * column of image bytes. Each picture becomes 48x48 gray as `fer score` makes it (luma, area
 * averaging), or, with face detection, yields the faces the detector finds in it, cropped as
 * `fer score` crops them; one that cannot be decoded, or declares more than 100 million pixels, is
 * a bad row named by its file (and Parquet row).
 */
final class ImageFaces {
  private ImageFaces() {}

  /**
   * How pictures become faces, as `fer score --faces` says: whole (each picture is one face), auto
   * (the faces found in pictures larger than 96x96; smaller ones are one face), detect (the faces
   * found in every picture).
   */
  record Framing(String mode, FaceDetector.Options detection) implements Serializable {
    static final Framing WHOLE = new Framing("whole", FaceDetector.Options.DEFAULTS);

    Framing {
      if (!mode.equals("whole") && !mode.equals("auto") && !mode.equals("detect")) {
        throw new FerException("faces must be auto, detect or whole, got '" + mode + "'");
      }
    }

    /** True when rows carry a face number and box (the photo layout of `fer score`). */
    boolean detects() {
      return !mode.equals("whole");
    }

    /** Every picture is searched for faces (--faces detect). */
    boolean always() {
      return mode.equals("detect");
    }

    boolean detectIn(int width, int height) {
      return mode.equals("detect")
          || mode.equals("auto") && (width > FaceImages.FACE_SIZED || height > FaceImages.FACE_SIZED);
    }
  }

  static JavaRDD<FaceRow> folder(SparkSession spark, String dir, Usage only, Framing framing) {
    Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "*.{png,jpg,jpeg,bmp,gif,PNG,JPG,JPEG,BMP,GIF}").load(dir).select("path", "content");
    int usage = only == null ? -1 : only.ordinal();
    JavaRDD<FaceRow> rows = files.javaRDD().flatMap(r -> picture(r.getString(0), (byte[]) r.get(1), usage, framing)
        .iterator());
    // Spark's binaryFile source leaves out empty files; fer score names them as unreadable, so must this
    List<String> empty = emptyPictures(spark, dir);
    if (empty.isEmpty()) {
      return rows;
    }
    return rows.union(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(empty, 1)
        .flatMap(path -> picture(path, new byte[0], usage, framing).iterator()));
  }

  /** The rows of one picture of a folder: its class and split from its folders, then its faces. */
  private static List<FaceRow> picture(String path, byte[] content, int usage, Framing framing) {
    String[] parts = path.split("/");
    Emotion e = parts.length >= 2 ? Emotion.fromName(parts[parts.length - 2]) : null;
    Usage u = parts.length >= 3 ? Usage.fromAlias(parts[parts.length - 3]) : null;
    if (usage >= 0 && (u == null || u.ordinal() != usage)) {
      return List.of();
    }
    return decode(path, 0, e == null ? -1 : e.ordinal(), content, framing);
  }

  /** The picture files of a folder (any depth) that hold no byte, as the binaryFile source names files. */
  private static List<String> emptyPictures(SparkSession spark, String dir) {
    List<String> out = new ArrayList<>();
    try {
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir);
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        if (f.getLen() == 0 && FaceImages.hasImageExtension(f.getPath().getName())) {
          out.add(f.getPath().toString());
        }
      }
    } catch (IOException e) {
      throw new FerException(dir + ": cannot list the folder (" + e.getMessage() + ")");
    }
    return out;
  }

  static JavaRDD<FaceRow> parquet(SparkSession spark, String path, String imageColumn, String labelColumn,
      Framing framing) {
    Dataset<Row> d = spark.read().parquet(path);
    List<String> cols = Arrays.asList(d.columns());
    if (!cols.contains(imageColumn)) {
      throw new FerException(path + ": no column '" + imageColumn + "' of image bytes (columns: " + String.join(", ", cols)
          + "); say which with " + FerException.setting("image_column"));
    }
    org.apache.spark.sql.types.DataType type = d.schema().apply(imageColumn).dataType();
    if (!(type instanceof org.apache.spark.sql.types.BinaryType)) {
      throw new FerException(path + ": column '" + imageColumn + "' holds " + type.simpleString() + " values, not "
          + "image bytes (binary); say which column holds the pictures with " + FerException.setting("image_column"));
    }
    boolean labels = cols.contains(labelColumn);
    Dataset<Row> sel = d.select(d.col("_metadata.file_path"), d.col("_metadata.row_index"), d.col(imageColumn),
        labels ? d.col(labelColumn) : org.apache.spark.sql.functions.lit(null));
    return sel.javaRDD().flatMap(r -> {
      String file = r.getString(0);
      long row = r.getLong(1) + 1;
      int label = r.isNullAt(3) ? -1 : ((Number) r.get(3)).intValue();
      if (label < -1 || label >= Emotion.COUNT) {
        return List.of(new FaceRow(file, row, -1, "row " + row + ": label " + label + " outside 0..6", null)).iterator();
      }
      return (r.isNullAt(2) ? List.of(new FaceRow(file, row, -1, "row " + row + ": no image bytes", null))
          : decode(file, row, label, (byte[]) r.get(2), framing)).iterator();
    });
  }

  /** The faces of one picture: itself as one face, the faces found in it, or a no-face / bad row. */
  static List<FaceRow> decode(String file, long row, int label, byte[] bytes, Framing framing) {
    String where = row > 0 ? "row " + row + ": " : "";
    BufferedImage img;
    try { // fer score's decoding, so that a picture gets the same answer (and message) on both
      img = FaceImages.decode(bytes, file, ReadOptions.DEFAULT_MAX_IMAGE_PIXELS);
    } catch (FerException e) {
      String m = e.getMessage();
      return List.of(new FaceRow(file, row, -1, where + (m.startsWith(file + ": ") ? m.substring(file.length() + 2) : m),
          null));
    }
    int w = img.getWidth();
    int h = img.getHeight();
    if (!framing.detectIn(w, h)) {
      return List.of(framing.detects() ? new FaceRow(file, row, label, null, FaceImages.to48(img, false), 1,
          new int[] {0, 0, w, h}) : new FaceRow(file, row, label, null, FaceImages.to48(img, false)));
    }
    float[] gray = FaceImages.grayOf(img); // once, for the detector and the crops
    FaceDetector detector = ExecutorModels.detector(framing.detection());
    List<FaceBox> boxes = detector.detectLuma(gray, w, h);
    if (boxes.isEmpty()) {
      return List.of(new FaceRow(file, row, label, null, null, 0, null));
    }
    List<FaceRow> faces = new ArrayList<>(boxes.size());
    for (int i = 0; i < boxes.size(); i++) {
      FaceBox b = boxes.get(i);
      faces.add(new FaceRow(file, row, label, null, FaceCrops.crop(gray, w, h, b, framing.detection().cascade()), i + 1,
          new int[] {b.x(), b.y(), b.width(), b.height()}));
    }
    return faces;
  }
}

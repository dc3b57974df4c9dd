package org.fertk.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.fertk.DetectedFace;
import org.fertk.Emotion;
import org.fertk.FaceBox;
import org.fertk.FerModel;
import org.fertk.Prediction;
import org.fertk.data.FaceImages;
import org.fertk.data.ImageFolderReader;
import org.fertk.score.Predictions;
import org.fertk.util.AtomicOutput;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.fertk.util.Printable;

/**
 * `fer score` on photos: one row per face found (the predictions file with the face's number and
 * box added), the images without a face listed; a picture no larger than 96x96 is one face.
 */
final class PhotoScoring {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean quiet;

  PhotoScoring(PrintWriter out, PrintWriter err, boolean quiet) {
    this.out = out;
    this.err = err;
    this.quiet = quiet;
  }

  /** The image files of the inputs (files as given, folders walked in name order); empty for a CSV. */
  static List<Path> imageFiles(List<Path> data) {
    List<Path> files = new ArrayList<>();
    for (Path p : data) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(Files::isRegularFile).filter(FaceImages::isImageFile).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new FerException(p + ": cannot list the folder (" + e.getMessage() + ")");
        }
      } else if (FaceImages.isImageFile(p)) {
        files.add(p);
      }
    }
    return files;
  }

  /** True when the inputs are images and (unless always) one of them is larger than a pre-cut face. */
  /** The closing line after the unreadable pictures were named: how many, and what became of the rest. */
  static String skippedImages(int n, String othersWere) {
    return "skipped " + n + (n == 1 ? " image that" : " images that") + " could not be read; the others were "
        + othersWere;
  }

  static boolean holdsPhotos(List<Path> data, boolean always) {
    List<Path> files = imageFiles(data);
    if (files.isEmpty()) {
      return false;
    }
    if (always) {
      return true;
    }
    for (Path f : files) {
      int[] size = size(f);
      if (size != null && (size[0] > FaceImages.FACE_SIZED || size[1] > FaceImages.FACE_SIZED)) {
        return true;
      }
    }
    return false;
  }

  /** Width and height from the header, or null when unreadable (the scoring then names the file). */
  private static int[] size(Path f) {
    try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        return null;
      }
      ImageReader r = readers.next();
      try {
        r.setInput(in, true, true);
        return new int[] {r.getWidth(0), r.getHeight(0)};
      } finally {
        r.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private record Row(Path image, int label, int face, FaceBox box, Prediction p) {}

  int run(Path model, List<Path> data, Path predictions, FerModel.Options o, String tta, int batchSize,
      boolean always, long maxPixels) {
    data.forEach(ImageFolderReader::checkLabelledLayout); // a misspelled class folder is named, not unlabelled
    List<Path> files = imageFiles(data);
    Predictions.checkSidecarFree(predictions);
    List<Row> rows = new ArrayList<>();
    List<String> noFace = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    long t0 = System.nanoTime();
    try (FerModel m = FerModel.load(model, o)) {
      for (Path f : files) {
        BufferedImage img;
        try {
          img = FaceImages.decode(f, maxPixels);
        } catch (FerException e) {
          failed.add(CliText.of(e, null));
          continue;
        }
        Emotion label = f.getParent() == null ? null : Emotion.fromName(f.getParent().getFileName().toString());
        int y = label == null ? -1 : label.ordinal();
        if (!always && img.getWidth() <= FaceImages.FACE_SIZED && img.getHeight() <= FaceImages.FACE_SIZED) {
          rows.add(new Row(f, y, 1, new FaceBox(0, 0, img.getWidth(), img.getHeight(), 0), m.predict(img)));
          continue;
        }
        List<DetectedFace> faces = m.predictFaces(img);
        if (faces.isEmpty()) {
          noFace.add(f.toString());
        }
        for (int i = 0; i < faces.size(); i++) {
          rows.add(new Row(f, y, i + 1, faces.get(i).box(), faces.get(i).prediction()));
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    for (String f : failed) {
      err.println("fer: error: " + Printable.message(f));
    }
    if (rows.isEmpty() && noFace.isEmpty()) {
      err.flush();
      return 1;
    }
    write(predictions, rows);
    ObjectNode side = Json.MAPPER.createObjectNode();
    side.putArray("models").add(model.toString());
    side.put("engine", "ort");
    data.forEach(d -> side.withArray("data").add(d.toString()));
    side.putNull("split");
    side.put("tta", tta);
    side.put("faces", rows.size());
    side.put("images", files.size() - failed.size());
    noFace.forEach(side.putArray("images_without_face")::add);
    side.put("batch_size", batchSize);
    side.put("seconds", seconds);
    side.put("images_per_second", (files.size() - failed.size()) / seconds);
    side.putNull("latency_p50_ms");
    side.putNull("latency_p95_ms");
    Json.writeFile(Predictions.sidecar(predictions), side);
    if (!quiet) {
      out.printf(Locale.ROOT, "scored %,d faces in %,d images (%,d without a face found) in %.2f s%n", rows.size(),
          files.size() - failed.size(), noFace.size(), seconds);
    }
    if (!quiet) {
      noFace.forEach(f -> out.println("no face found: " + f));
    }
    if (!failed.isEmpty()) {
      err.println(skippedImages(failed.size(), "scored"));
    }
    out.println("wrote " + predictions + " and " + Predictions.sidecar(predictions));
    out.flush();
    err.flush();
    return 0;
  }

  /** The predictions file of fer score, one row per face, with the face's number and box after the source. */
  private static void write(Path file, List<Row> rows) {
    StringBuilder sb = new StringBuilder(Predictions.HEADER).append(',').append(Predictions.SOURCE_COLUMN)
        .append(",face,x,y,width,height\n");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(i).append(',').append(r.label() >= 0 ? Integer.toString(r.label()) : "").append(',')
          .append(r.p().emotion().ordinal());
      for (float v : r.p().probabilities()) {
        sb.append(',').append(v);
      }
      sb.append(',').append(Predictions.csvField(r.image().toString()));
      sb.append(',').append(r.face()).append(',').append(r.box().x()).append(',').append(r.box().y()).append(',')
          .append(r.box().width()).append(',').append(r.box().height()).append('\n');
    }
    AtomicOutput.writeString(file, sb.toString());
  }
}

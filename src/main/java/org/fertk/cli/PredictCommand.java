package org.fertk.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.fertk.DetectedFace;
import org.fertk.Emotion;
import org.fertk.FaceBox;
import org.fertk.FerModel;
import org.fertk.Prediction;
import org.fertk.data.FaceImages;
import org.fertk.face.Annotations;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.util.AtomicOutput;
import org.fertk.util.FerException;
import org.fertk.util.Json;
import org.fertk.util.Printable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `fer predict`: finds the faces in photos and classifies each (or takes a small picture as one
 * face), one line per face; an unreadable image is reported and the others go on.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Find the faces in photos and classify each (top 3 emotions per face); pictures no larger than "
        + "96x96 are taken as one face.")
final class PredictCommand extends BaseCommand {
  /** Shipped models, best first; the first that exists is the default. */
  static final List<String> DEFAULT_MODELS = List.of("models/best/model.onnx", "models/paper-cnn/model.onnx");

  /** Pictures up to this side on both axes are taken as pre-cut faces (FER2013's 48, or twice it). */
  static final int FACE_SIZED = 96;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "PNG, JPEG, BMP or GIF files.")
  List<Path> images;

  @Option(names = "--model", description = "ONNX model (default: the shipped best model, models/best/model.onnx).")
  Path model;

  @Option(names = "--no-detect", description = "Classify each whole picture as one face (no face detection).")
  boolean noDetect;

  @Option(names = "--fast-detector",
      description = "OpenCV's LBP face cascade instead of its Haar cascade: about twice as fast with several faces, "
          + "finds slightly fewer.")
  boolean fastDetector;

  @Option(names = "--annotate", paramLabel = "DIR",
      description = "Write a copy of each picture with the faces' boxes and top emotion drawn into DIR.")
  Path annotate;

  @Option(names = "--center-crop", description = "With whole pictures: crop to the central square before resizing.")
  boolean centerCrop;

  @Option(names = "--json", description = "JSON output: one object per face (image, face, box, score, top).")
  boolean json;

  @Option(names = "--logits",
      description = "The model ends without a softmax: apply one to its outputs (without this, outputs that are "
          + "not probabilities are refused).")
  boolean logits;

  @Option(names = "--tta", defaultValue = "none", converter = TtaConverter.class,
      description = "Test-time augmentation as in fer score: none (default), flip or crops.")
  TestTimeAugmentation views;

  @Option(names = "--top", defaultValue = "3", description = "How many emotions to list (default ${DEFAULT-VALUE}).")
  int top;

  @Mixin
  DataInputOptions input;

  @Override
  public Integer call() {
    Path m = model != null ? model : defaultModel();
    FerModel.Options options = FerModel.Options.defaults().testTimeAugmentation(views.name()).logits(logits)
        .runtime(FerModel.Runtime.ONNX_RUNTIME).fastFaceDetector(fastDetector);
    long maxPixels = input.readOptions().maxImagePixels();
    int k = Math.max(1, Math.min(Emotion.COUNT, top));
    ArrayNode all = Json.MAPPER.createArrayNode();
    List<String> failed = new ArrayList<>();
    int read = 0;
    try (FerModel fer = FerModel.load(m, options)) {
      for (Path file : images) {
        BufferedImage img;
        try {
          img = FaceImages.decode(file, maxPixels);
        } catch (FerException e) {
          failed.add(e.getMessage());
          continue;
        }
        read++;
        boolean whole = noDetect || (img.getWidth() <= FACE_SIZED && img.getHeight() <= FACE_SIZED);
        List<DetectedFace> faces = whole ? List.of() : fer.predictFaces(img);
        if (whole) {
          Prediction p = fer.predict(List.of(FaceImages.toImage(FaceImages.to48(img, centerCrop)))).get(0);
          print(all, file, 0, null, p, k);
        } else if (faces.isEmpty()) {
          if (json) {
            ObjectNode o = all.addObject();
            o.put("image", file.toString());
            o.putNull("face");
            o.putArray("top");
            o.put("note", "no face found");
          } else {
            out().println(file + ": no face found");
          }
        } else {
          for (int i = 0; i < faces.size(); i++) {
            print(all, file, i + 1, faces.get(i).box(), faces.get(i).prediction(), k);
          }
        }
        if (annotate != null) {
          writeAnnotated(file, img, faces);
        }
      }
    }
    if (json) {
      out().println(Json.write(all));
    }
    out().flush();
    for (String f : failed) {
      err().println("fer: error: " + Printable.message(f));
    }
    if (read == 0) {
      return 1;
    }
    if (!failed.isEmpty()) {
      err().println("skipped " + failed.size() + (failed.size() == 1 ? " bad row" : " bad rows")
          + " (images that could not be read); the others were classified");
    }
    err().flush();
    return 0;
  }

  private void print(ArrayNode all, Path file, int face, FaceBox box, Prediction p, int k) {
    List<Map.Entry<Emotion, Float>> t = p.top(k);
    if (json) {
      ObjectNode o = all.addObject();
      o.put("image", file.toString());
      if (face > 0) {
        o.put("face", face);
        o.putObject("box").put("x", box.x()).put("y", box.y()).put("width", box.width()).put("height", box.height());
        o.put("score", box.score());
      }
      ArrayNode arr = o.putArray("top");
      t.forEach(e -> arr.addObject().put("emotion", e.getKey().key()).put("probability", e.getValue()));
      return;
    }
    StringBuilder sb = new StringBuilder(file.toString()).append(':');
    if (face > 0) {
      sb.append(String.format(Locale.ROOT, " face %d at %d,%d %dx%d:", face, box.x(), box.y(), box.width(),
          box.height()));
    }
    for (int j = 0; j < t.size(); j++) {
      sb.append(String.format(Locale.ROOT, " %s %.1f%%", t.get(j).getKey().key(), 100 * t.get(j).getValue()));
      sb.append(j + 1 < t.size() ? "," : "");
    }
    out().println(sb);
  }

  /** DIR/NAME: the picture with boxes, in its own format (PNG for formats ImageIO cannot write). */
  private void writeAnnotated(Path file, BufferedImage img, List<DetectedFace> faces) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "png";
    String format = ext.equals("jpg") || ext.equals("jpeg") ? "jpg" : ext.equals("bmp") ? "bmp" : "png";
    Path target = annotate.resolve(dot > 0 && format.equals(ext.replace("jpeg", "jpg")) ? name
        : (dot > 0 ? name.substring(0, dot) : name) + "." + format);
    try {
      Files.createDirectories(annotate);
      if (Files.exists(target) && Files.isSameFile(target, file)) {
        throw new FerException(target + ": is the input; choose another --annotate folder");
      }
    } catch (java.io.IOException e) {
      throw new FerException(annotate + ": cannot create the folder (" + e.getMessage() + ")");
    }
    BufferedImage drawn = Annotations.draw(img, faces);
    AtomicOutput.write(target, out -> {
      if (!ImageIO.write(drawn, format, out)) {
        throw new java.io.IOException("no " + format + " writer");
      }
    });
  }

  static Path defaultModel() {
    String home = System.getenv("FER_HOME");
    for (String s : DEFAULT_MODELS) {
      Path p = home == null ? Path.of(s) : Path.of(home).resolve(s);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new FerException("no shipped model found (" + String.join(", ", DEFAULT_MODELS) + "); pass --model FILE.onnx");
  }
}

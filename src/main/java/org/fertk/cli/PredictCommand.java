package org.fertk.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.fertk.DetectedFace;
import org.fertk.Emotion;
import org.fertk.FaceBox;
import org.fertk.FaceTracker;
import org.fertk.FerModel;
import org.fertk.Prediction;
import org.fertk.TrackedFace;
import org.fertk.data.FaceImages;
import org.fertk.face.Annotations;
import org.fertk.face.FrameSampler;
import org.fertk.face.Timeline;
import org.fertk.face.VideoSource;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.util.AtomicOutput;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.fertk.util.Printable;
import org.fertk.util.Progress;
import org.fertk.util.ProtectedInputs;
import org.fertk.util.UsageException;
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

  static final int FACE_SIZED = FaceImages.FACE_SIZED;

  @Parameters(paramLabel = "INPUT", arity = "1..*",
      description = "Photos (PNG, JPEG, BMP or GIF), folders of photos, videos (mp4, avi, webm, mkv, mov), or "
          + "folders of video frames with --frames-fps.")
  List<Path> images;

  @Option(names = "--fps", paramLabel = "FPS", defaultValue = "5", description = "Video: frames sampled per second (default ${DEFAULT-VALUE}).")
  double fps;

  @Option(names = "--smooth", defaultValue = "1", paramLabel = "SECONDS",
      description = "Video: time constant of each face's smoothed probabilities, 0 for none (default ${DEFAULT-VALUE}).")
  double smooth;

  @Option(names = "--frames-fps", paramLabel = "FPS",
      description = "Folders are the frames of a video at this rate, in name order (without it, a folder is a set "
          + "of photos and every one is classified).")
  Double framesFps;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Video: folder for frames.csv and timeline.png (default out/NAME-faces).")
  Path videoOut;

  @Option(names = "--model", paramLabel = "MODEL", description = "ONNX model (default: the shipped best model, models/best/model.onnx).")
  Path model;

  @Option(names = "--no-detect", description = "Classify each whole picture as one face (no face detection).")
  boolean noDetect;

  @Mixin
  FaceDetectionOptions detection;

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

  @Option(names = "--tta", paramLabel = "VIEWS", defaultValue = "none", converter = TtaConverter.class,
      description = "Test-time augmentation as in fer score: none (default), flip or crops.")
  TestTimeAugmentation views;

  @Option(names = "--top", paramLabel = "TOP", defaultValue = "3", description = "How many emotions to list (default ${DEFAULT-VALUE}).")
  int top;

  @Mixin
  DataInputOptions input;

  @Override
  public Integer call() {
    if (!(fps > 0) || Double.isInfinite(fps)) {
      throw badValue("--fps", "must be a number of frames per second above 0");
    }
    if (framesFps != null && (!(framesFps > 0) || Double.isInfinite(framesFps))) {
      throw badValue("--frames-fps", "must be above 0");
    }
    if (!(smooth >= 0) || Double.isInfinite(smooth)) {
      throw badValue("--smooth", "must be 0 (none) or more seconds");
    }
    Path m = model != null ? model : defaultModel();
    FerModel.Options options = FerModel.Options.defaults().testTimeAugmentation(views.name()).logits(logits)
        .runtime(FerModel.Runtime.ONNX_RUNTIME);
    options = detection.apply(options);
    long maxPixels = input.readOptions().maxImagePixels();
    int k = Math.max(1, Math.min(Emotion.COUNT, top));
    ArrayNode all = Json.MAPPER.createArrayNode();
    List<String> failed = new ArrayList<>();
    int read = 0;
    List<Path> inputs = inputs();
    Map<Path, Path> videoDirs = videoOutputs(inputs);
    checkAnnotatedNames(inputs);
    try (FerModel fer = FerModel.load(m, options)) {
      for (Path file : inputs) {
        if (isVideo(file)) {
          try {
            video(fer, file, videoDirs.get(file), maxPixels, all);
            read++;
          } catch (FerException e) {
            failed.add(CliText.of(e, this));
          }
          continue;
        }
        BufferedImage img;
        try {
          img = FaceImages.decode(file, maxPixels);
        } catch (FerException e) {
          failed.add(CliText.of(e, this));
          continue;
        }
        read++;
        boolean whole = noDetect || (img.getWidth() <= FACE_SIZED && img.getHeight() <= FACE_SIZED);
        List<DetectedFace> faces = whole ? List.of() : fer.predictFaces(img);
        if (whole) {
          Prediction p = centerCrop ? fer.predict(FaceImages.toImage(FaceImages.to48(img, true))) : fer.predict(img);
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
      err().println(PhotoScoring.skippedImages(failed.size(), "classified"));
    }
    err().flush();
    return 0;
  }

  /**
   * A video: frames sampled at --fps, faces found (or each whole frame, --no-detect), followed and
   * smoothed; frames.csv (a row per face per sampled frame, one with empty face columns for a
   * sampled frame without a face) and timeline.png written once the whole video is read (nothing
   * half-written on a bad frame).
   */
  private void video(FerModel fer, Path file, Path dir, long maxPixels, ArrayNode all) {
    String name = baseName(file);
    FaceTracker tracker = new FaceTracker(fer, smooth, noDetect);
    Timeline timeline = new Timeline();
    StringBuilder csv = new StringBuilder("time_s,frame,face_id,x,y,width,height,score,emotion");
    for (String k : Emotion.keys()) {
      csv.append(",p_").append(k);
    }
    for (String k : Emotion.keys()) {
      csv.append(",raw_").append(k);
    }
    csv.append('\n');
    ArrayNode results = json ? Json.MAPPER.createArrayNode() : null;
    int sampled = 0;
    int frame = -1;
    double last = 0;
    FrameSampler sampler;
    List<String> skipped;
    try (VideoSource src = VideoSource.open(file, framesFps == null ? 25 : framesFps, maxPixels,
        input.readOptions().skipBadRows());
        Progress bar = Progress.create(quiet() || json, file.getFileName().toString(), src.frameCount(), "frame")) {
      sampler = new FrameSampler(fps, src.frameRate());
      for (VideoSource.TimedFrame f = src.next(); f != null; f = src.next(), bar.step(1, null)) {
        frame++;
        last = f.time();
        if (!sampler.take(f.time())) {
          continue;
        }
        sampled++;
        List<TrackedFace> faces = tracker.next(f.time(), f.image());
        timeline.add(f.time(), faces);
        if (faces.isEmpty()) { // the frame was looked at: say so rather than leave a gap
          csv.append(String.format(Locale.ROOT, "%.3f,%d,,,,,,,", f.time(), frame)).append(",".repeat(2 * Emotion.COUNT))
              .append('\n');
        }
        for (TrackedFace t : faces) {
          FaceBox b = t.box();
          csv.append(String.format(Locale.ROOT, "%.3f,%d,%d,%d,%d,%d,%d,%.0f,%s", f.time(), frame, t.id(), b.x(), b.y(),
              b.width(), b.height(), b.score(), t.smoothed().emotion().key()));
          for (float v : t.smoothed().probabilities()) {
            csv.append(',').append(v);
          }
          for (float v : t.prediction().probabilities()) {
            csv.append(',').append(v);
          }
          csv.append('\n');
        }
        if (results != null) {
          ObjectNode o = results.addObject();
          o.put("time_s", f.time());
          o.put("frame", frame);
          ArrayNode fs = o.putArray("faces");
          for (TrackedFace t : faces) {
            ObjectNode fo = fs.addObject();
            fo.put("face_id", t.id());
            fo.putObject("box").put("x", t.box().x()).put("y", t.box().y()).put("width", t.box().width())
                .put("height", t.box().height());
            fo.put("emotion", t.smoothed().emotion().key());
            ObjectNode ps = fo.putObject("smoothed");
            ObjectNode raw = fo.putObject("raw");
            for (int c = 0; c < Emotion.COUNT; c++) {
              ps.put(Emotion.keys()[c], t.smoothed().probabilities()[c]);
              raw.put(Emotion.keys()[c], t.prediction().probabilities()[c]);
            }
          }
        }
        if (annotate != null) {
          List<DetectedFace> drawn = faces.stream().map(t -> new DetectedFace(t.box(), t.smoothed())).toList();
          Path target = annotate.resolve(name).resolve(String.format(Locale.ROOT, "frame-%06d.png", frame));
          try {
            Files.createDirectories(target.getParent());
          } catch (IOException e) {
            throw new FerException(target.getParent() + ": cannot create the folder (" + e.getMessage() + ")");
          }
          BufferedImage img = Annotations.draw(f.image(), drawn);
          AtomicOutput.write(target, o -> ImageIO.write(img, "png", o));
        }
      }
      skipped = src.skipped();
    }
    if (frame < 0) {
      throw new FerException(file + ": the video holds no " + (skipped.isEmpty() ? "frame" : "readable frame"));
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new FerException(dir + ": cannot create the folder (" + e.getMessage() + ")");
    }
    AtomicOutput.writeString(dir.resolve("frames.csv"), csv.toString());
    timeline.write(dir.resolve("timeline.png"), file.getFileName() + ": emotions of each face over time");
    for (String s : skipped) {
      err().println("fer: skipped a frame: " + Printable.message(s));
    }
    double er = sampler.effectiveRate();
    String rate = (er == Math.rint(er) ? String.valueOf((long) er) : String.format(Locale.ROOT, "%.3g", er)) + "/s"
        + (sampler.effectiveRate() < fps ? " (every frame: the video has no more)" : "");
    if (results != null) {
      ObjectNode o = all.addObject();
      o.put("video", file.toString());
      o.put("frames", frame + 1);
      o.put("duration_s", last);
      o.put("sampled", sampled);
      o.put("sampled_per_second", sampler.effectiveRate());
      o.put("faces_followed", timeline.faces());
      o.put("frames_skipped", skipped.size());
      o.put("frames_csv", dir.resolve("frames.csv").toString());
      o.put("timeline", dir.resolve("timeline.png").toString());
      o.set("results", results);
      return;
    }
    out().printf(Locale.ROOT, "%s: %d %s over %.1f s, %d sampled at %s, %d face%s followed%s; wrote %s and %s%n",
        file, frame + 1, frame == 0 ? "frame" : "frames", last, sampled, rate, timeline.faces(),
        timeline.faces() == 1 ? "" : "s", skipped.isEmpty() ? "" : ", " + skipped.size() + " unreadable frames skipped",
        dir.resolve("frames.csv"), dir.resolve("timeline.png"));
  }

  /** A video file, or a folder when --frames-fps says folders are frames. */
  private boolean isVideo(Path p) {
    return Files.isDirectory(p) ? framesFps != null : VideoSource.isVideo(p);
  }

  /** The inputs with folders of photos expanded into their pictures (walked in name order). */
  private List<Path> inputs() {
    List<Path> all = new ArrayList<>();
    for (Path p : images) {
      if (Files.isDirectory(p) && framesFps == null) {
        List<Path> pictures = PhotoScoring.imageFiles(List.of(p));
        if (pictures.isEmpty()) {
          throw new FerException(p + ": a folder without any picture (PNG, JPEG, BMP or GIF); for the frames of a "
              + "video give --frames-fps");
        }
        all.addAll(pictures);
        ProtectedInputs.reading(pictures.toArray(Path[]::new));
      } else {
        all.add(p);
      }
    }
    return all;
  }

  private static String baseName(Path file) {
    return file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
  }

  /**
   * Each video's output folder, decided before anything is read: two videos may not share one
   * (va/clip.mp4 and vb/clip.mp4), and none may be a frame folder being read.
   */
  private Map<Path, Path> videoOutputs(List<Path> inputs) {
    List<Path> videos = inputs.stream().filter(this::isVideo).toList();
    Map<Path, Path> dirs = new LinkedHashMap<>();
    Map<Path, Path> byTarget = new HashMap<>();
    for (Path v : videos) {
      String name = baseName(v);
      Path dir = videoOut != null ? (videos.size() > 1 ? videoOut.resolve(name) : videoOut)
          : Path.of("out", name + "-faces");
      Path key = dir.toAbsolutePath().normalize();
      Path other = byTarget.put(key, v);
      if (other != null) {
        throw new UsageException(other + " and " + v + " would both write their results to " + dir
            + "; give the videos different names or analyse them one at a time");
      }
      for (Path in : videos) {
        if (Files.isDirectory(in) && key.equals(in.toAbsolutePath().normalize())) {
          throw new UsageException(dir + " is the frame folder " + in + " being read; write the results elsewhere "
              + "(--out)");
        }
      }
      dirs.put(v, dir);
    }
    return dirs;
  }

  /** Two pictures may not be annotated under one name (a/x.jpg and b/x.jpg with --annotate A). */
  private void checkAnnotatedNames(List<Path> inputs) {
    if (annotate == null) {
      return;
    }
    Map<Path, Path> byTarget = new HashMap<>();
    for (Path p : inputs) {
      Path target = isVideo(p) ? annotate.resolve(baseName(p)) : annotatedFile(p);
      Path other = byTarget.put(target.toAbsolutePath().normalize(), p);
      if (other != null) {
        throw new UsageException(other + " and " + p + " would both be annotated as " + target
            + "; give the pictures different names or annotate them one at a time");
      }
    }
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
  /** DIR/NAME of a picture's annotated copy: its own name where ImageIO writes its format, else NAME.png. */
  private Path annotatedFile(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    return annotate.resolve(Set.of("png", "jpg", "jpeg", "bmp").contains(ext) ? name
        : (dot > 0 ? name.substring(0, dot) : name) + ".png");
  }

  /** The ImageIO format an annotated copy is written in, from its name. */
  private static String formatOf(Path target) {
    String n = target.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") ? "jpg" : n.endsWith(".bmp") ? "bmp" : "png";
  }

  private void writeAnnotated(Path file, BufferedImage img, List<DetectedFace> faces) {
    Path target = annotatedFile(file);
    String format = formatOf(target);
    try {
      Files.createDirectories(annotate);
      if (Files.exists(target) && Files.isSameFile(target, file)) {
        throw new FerException(target + ": is the input; choose another --annotate folder");
      }
    } catch (IOException e) {
      throw new FerException(annotate + ": cannot create the folder (" + e.getMessage() + ")");
    }
    BufferedImage drawn = Annotations.draw(img, faces);
    AtomicOutput.write(target, out -> {
      if (!ImageIO.write(drawn, format, out)) {
        throw new IOException("no " + format + " writer");
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

package org.fertk;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.fertk.data.DatasetLoader;
import org.fertk.data.FaceDataset;
import org.fertk.data.FaceImages;
import org.fertk.data.ReadOptions;
import org.fertk.data.Usage;
import org.fertk.face.FaceCrops;
import org.fertk.face.FaceDetector;
import org.fertk.score.Engine;
import org.fertk.score.OrtEngine;
import org.fertk.score.Predictions;
import org.fertk.score.Scorer;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.score.TfEngine;
import org.fertk.util.Progress;
import org.fertk.util.ProtectedInputs;

/**
 * A trained facial-expression model ready to classify faces: an ONNX file scored with ONNX
 * Runtime, or a TensorFlow SavedModel scored with TensorFlow Java.
 *
 * <pre>{@code
 * try (FerModel model = FerModel.load(Path.of("models/best"))) {
 *   Prediction p = model.predict(Path.of("face.jpg"));
 *   System.out.println(p.emotion() + " " + p.probability(p.emotion()));
 * }
 * }</pre>
 *
 * <p>{@code predict} takes a picture as one face, converted as FER2013 faces are: to grey (ITU-R
 * 601 luma) and resampled to 48x48 (area averaging when shrinking, bilinear when enlarging).
 * {@code predictFaces} first finds the faces in a photo and classifies each. One model may serve concurrent {@code predict} and {@code score} calls
 * from many threads; close it when done to free the native session.
 *
 * <p>Errors in the inputs (missing files, unreadable images, a model that is not a FER model)
 * are thrown as {@link FerException} with a message naming the file.
 */
public final class FerModel implements AutoCloseable {
  /** Which runtime scores the model. */
  public enum Runtime {
    /** ONNX Runtime for {@code .onnx} files and folders holding {@code model.onnx}, else TensorFlow. */
    AUTO,
    /** ONNX Runtime: the model must be an ONNX file or a folder holding {@code model.onnx}. */
    ONNX_RUNTIME,
    /**
     * TensorFlow Java: a run folder (its {@code saved_model}) or a SavedModel folder. Needs the
     * TensorFlow dependencies on the class path (see the README).
     */
    TENSORFLOW
  }

  /**
   * How a model is loaded and run; immutable, each setter returns a changed copy.
   *
   * <pre>{@code FerModel.Options.defaults().threads(2).testTimeAugmentation("flip")}</pre>
   */
  public static final class Options {
    private final Runtime runtime;
    private final int threads;
    private final String tta;
    private final int batchSize;
    private final boolean logits;
    private final boolean fastDetector;
    private final FaceDetector.Options detection;

    private Options(Runtime runtime, int threads, String tta, int batchSize, boolean logits) {
      this(runtime, threads, tta, batchSize, logits, false, FaceDetector.Options.DEFAULTS);
    }

    private Options(Runtime runtime, int threads, String tta, int batchSize, boolean logits, boolean fastDetector,
        FaceDetector.Options detection) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
      }
      if (batchSize < 1 || batchSize > 65536) {
        throw new IllegalArgumentException("batch size must be between 1 and 65536, got " + batchSize);
      }
      TestTimeAugmentation.parse(tta); // the name, now
      this.threads = threads;
      this.tta = tta.toLowerCase(Locale.ROOT);
      this.batchSize = batchSize;
      this.logits = logits;
      this.fastDetector = fastDetector;
      this.detection = detection;
    }

    /**
     * @param minFace smallest face side looked for, in pixels (default 48)
     * @param scaleStep factor between the detector's window sizes, in (1, 2] (default 1.1; larger
     *     is faster and misses more)
     * @param minNeighbors overlapping detections needed to keep a face (default 7; fewer finds
     *     more faces and more false ones)
     * @return a copy with these face-detection settings
     * @throws IllegalArgumentException for values out of range
     */
    public Options faceDetection(int minFace, double scaleStep, int minNeighbors) {
      return new Options(runtime, threads, tta, batchSize, logits, fastDetector,
          new FaceDetector.Options(minFace, scaleStep, minNeighbors));
    }

    /**
     * @param fast true for OpenCV's LBP face cascade (about twice as fast with several faces in a
     *     frame, for video), false for its Haar cascade (the default: finds slightly more faces)
     * @return a copy with this face detector
     */
    public Options fastFaceDetector(boolean fast) {
      return new Options(runtime, threads, tta, batchSize, logits, fast, detection);
    }

    /**
     * The defaults: runtime chosen from the path, all cores, no test-time augmentation, batches
     * of 64, the model ends with a softmax.
     *
     * @return the default options
     */
    public static Options defaults() {
      return new Options(Runtime.AUTO, 0, "none", 64, false);
    }

    /**
     * @param r the runtime to score with
     * @return a copy with this runtime
     */
    public Options runtime(Runtime r) {
      return new Options(r, threads, tta, batchSize, logits, fastDetector, detection);
    }

    /**
     * @param n intra-op threads of the runtime; 0 means one per core
     * @return a copy with this thread count
     */
    public Options threads(int n) {
      return new Options(runtime, n, tta, batchSize, logits, fastDetector, detection);
    }

    /**
     * @param views {@code "none"}, {@code "flip"} (each face averaged with its mirror image) or
     *     {@code "crops"} (ten views: centre and four 4-pixel shifts, each mirrored)
     * @return a copy with this test-time augmentation
     * @throws FerException for another name
     */
    public Options testTimeAugmentation(String views) {
      return new Options(runtime, threads, views, batchSize, logits, fastDetector, detection);
    }

    /**
     * @param n faces per call of the runtime when scoring many
     * @return a copy with this batch size
     */
    public Options batchSize(int n) {
      return new Options(runtime, threads, tta, n, logits, fastDetector, detection);
    }

    /**
     * @param emitsLogits true when the model ends without a softmax: one is applied to its
     *     outputs (otherwise outputs that are not probabilities are refused)
     * @return a copy with this setting
     */
    public Options logits(boolean emitsLogits) {
      return new Options(runtime, threads, tta, batchSize, emitsLogits, fastDetector, detection);
    }
  }

  /**
   * What {@link #score(Path, Path)} measured.
   *
   * @param faces how many faces were scored
   * @param seconds wall time of the scoring loop
   * @param imagesPerSecond faces per second
   * @param accuracy fraction of faces whose predicted class is their label; NaN when some faces
   *     have no label
   */
  public record ScoreSummary(int faces, double seconds, double imagesPerSecond, double accuracy) {}

  private final Path source;
  private final Options options;
  private final Engine engine;
  private final Scorer scorer;
  private final TestTimeAugmentation views;
  private FaceDetector detector; // opened on first use: scoring pre-cut faces never loads OpenCV

  private FerModel(Path source, Options options, Engine engine) {
    this.source = source;
    this.options = options;
    this.engine = engine;
    this.views = TestTimeAugmentation.parse(options.tta);
    this.scorer = new Scorer(List.of(engine), options.batchSize, views).withLogits(options.logits);
  }

  /**
   * Loads a model with the default options.
   *
   * @param path an {@code .onnx} file, a shipped model folder ({@code models/best}) or a run
   *     folder of {@code fer train} / {@link Training#fit}
   * @return the model, to be closed after use
   * @throws FerException when the path holds no loadable model
   */
  public static FerModel load(Path path) {
    return load(path, Options.defaults());
  }

  /**
   * Loads a model.
   *
   * @param path an {@code .onnx} file, a shipped model folder or a run folder
   * @param options runtime, threads, test-time augmentation and batch size
   * @return the model, to be closed after use
   * @throws FerException when the path holds no loadable model
   */
  public static FerModel load(Path path, Options options) {
    Objects.requireNonNull(path, "path");
    Runtime r = options.runtime;
    if (r == Runtime.AUTO) {
      boolean onnx = Files.isRegularFile(path) || Files.isRegularFile(path.resolve("model.onnx"))
          || !Files.exists(path);
      r = onnx ? Runtime.ONNX_RUNTIME : Runtime.TENSORFLOW;
    }
    // no spinning threads: a FerModel's runs are small and interleaved with other work (detection)
    Engine e = r == Runtime.ONNX_RUNTIME ? OrtEngine.open(path, options.threads, false)
        : TensorFlowRuntime.open(path, options.threads);
    return new FerModel(path, options, e);
  }

  /**
   * Classifies one picture of a face.
   *
   * @param image any size, colour or grey
   * @return the probabilities of the seven emotions
   */
  public Prediction predict(BufferedImage image) {
    Objects.requireNonNull(image, "image must not be null");
    return predict(List.of(image)).get(0);
  }

  /**
   * Classifies one image file (PNG, JPEG, BMP or GIF) as one face: the whole picture, as
   * {@code fer predict --no-detect} does. For a photo, where the faces are to be found first,
   * use {@link #predictFaces(Path)}, as {@code fer predict} does for pictures larger than 96x96.
   *
   * @param image the file
   * @return the probabilities of the seven emotions
   * @throws FerException when the file is missing or not a readable image
   */
  public Prediction predict(Path image) {
    Objects.requireNonNull(image, "image must not be null");
    return predict(FaceImages.decode(image, ReadOptions.DEFAULT_MAX_IMAGE_PIXELS));
  }

  /**
   * Finds the faces in an image file and classifies each, as {@code fer predict} does for a photo
   * (the picture decoded as every command decodes it: size limits, EXIF orientation, damaged
   * files refused).
   *
   * @param image the file
   * @return each face's box and prediction, largest face first; empty when no face is found
   * @throws FerException when the file is missing or not a readable image
   */
  public List<DetectedFace> predictFaces(Path image) {
    Objects.requireNonNull(image, "image must not be null");
    return predictFaces(FaceImages.decode(image, ReadOptions.DEFAULT_MAX_IMAGE_PIXELS));
  }

  /**
   * Classifies several pictures in batches.
   *
   * @param images pictures of faces, any size or colour
   * @return one prediction per picture, in the same order
   */
  public List<Prediction> predict(List<BufferedImage> images) {
    Objects.requireNonNull(images, "images must not be null");
    if (images.isEmpty()) {
      return List.of();
    }
    Lock using = use();
    try {
      FaceDataset.Builder b = new FaceDataset.Builder("images", images.size());
      for (int i = 0; i < images.size(); i++) {
        byte[] px = FaceImages.to48(Objects.requireNonNull(images.get(i), "image " + i + " must not be null"), false);
        b.add(px, 0, FaceDataset.UNKNOWN, null, i, "image " + i);
      }
      return predictions(scorer.score(b.build(), Progress.NONE).probs(), images.size());
    } finally {
      using.unlock();
    }
  }

  /**
   * Scores a dataset and writes the predictions file {@code fer score} writes (one row per face:
   * index, true label, predicted label, the seven probabilities and where the face came from),
   * with its side file of provenance and speed ({@code NAME.json} beside {@code NAME.csv}). The
   * file appears complete or not at all.
   *
   * @param data a FER2013 CSV ({@code .csv} or {@code .csv.gz}) or a folder of images (one
   *     sub-folder per emotion, or unlabelled)
   * @param predictions the CSV file to write; must not be the input
   * @return how many faces, how fast, and the accuracy when every face has a label
   * @throws FerException on unreadable input or an unwritable output
   */
  public ScoreSummary score(Path data, Path predictions) {
    return score(data, null, predictions);
  }

  /**
   * Scores one split of a dataset, as {@code fer score --split} does.
   *
   * @param data a FER2013 CSV or an image folder with split folders
   * @param split "Training", "PublicTest" or "PrivateTest"; null for every face
   * @param predictions the CSV file to write; must not be the input
   * @return how many faces, how fast, and the accuracy when every face has a label
   * @throws FerException on unreadable input, an unknown split or one without faces
   */
  public ScoreSummary score(Path data, String split, Path predictions) {
    Objects.requireNonNull(data, "data must not be null");
    Objects.requireNonNull(predictions, "predictions must not be null");
    Lock using = use();
    try {
      return scoreOpen(data, split, predictions);
    } finally {
      using.unlock();
    }
  }

  private ScoreSummary scoreOpen(Path data, String split, Path predictions) {
    if (data.toAbsolutePath().normalize().equals(predictions.toAbsolutePath().normalize())) {
      throw new FerException(predictions + ": is the input; choose another file for the predictions");
    }
    // the data and the model's own files are inputs: the predictions (and their side file) may
    // replace neither, whatever their names
    try (ProtectedInputs.Scope inputs = ProtectedInputs.protect(List.of(data))) {
      if (engine instanceof OrtEngine) {
        ProtectedInputs.reading(OrtEngine.modelFile(source));
      } else {
        TfEngine.readingModel(source);
      }
      return scoreProtected(data, split, predictions);
    }
  }

  private ScoreSummary scoreProtected(Path data, String split, Path predictions) {
    FaceDataset faces = DatasetLoader.load(List.of(data), ReadOptions.STRICT.withRequireLabels(false), false)
        .dataset();
    if (split != null) {
      Usage u = Usage.fromAlias(split);
      if (u == null) {
        throw new FerException("unknown split '" + split + "' (expected Training, PublicTest or PrivateTest)");
      }
      faces = faces.only(u);
      if (faces.size() == 0) {
        throw new FerException(data + ": no " + u.label() + " faces");
      }
    }
    Scorer.Result r = scorer.score(faces, Progress.NONE);
    Predictions.write(predictions, faces, r.probs());
    Predictions.writeSidecar(predictions, List.of(source.toString()), engine instanceof OrtEngine ? "ort" : "tf",
        List.of(data.toString()), split, views.name(), options.batchSize, r);
    double accuracy = faces.allLabelled() ? r.scores().correct(faces) / (double) faces.size() : Double.NaN;
    return new ScoreSummary(faces.size(), r.seconds(), r.imagesPerSecond(), accuracy);
  }

  /**
   * Finds the frontal faces in a picture with OpenCV's Haar cascade (shipped in the OpenCV jar):
   * faces of 48 pixels and more, upright and roughly frontal; profiles and small faces are missed.
   *
   * @param image a photo or video frame
   * @return the faces, largest first
   */
  public List<FaceBox> detect(BufferedImage image) {
    Objects.requireNonNull(image, "image must not be null");
    Lock using = use();
    try {
      return detector().detect(image);
    } finally {
      using.unlock();
    }
  }

  /**
   * Finds the faces in a picture and classifies each, cropped as FER2013 crops its faces (the
   * detector's box enlarged by 4%, grey, area-averaged to 48x48).
   *
   * @param image a photo or video frame
   * @return each face's box and prediction, largest face first; empty when no face is found
   */
  public List<DetectedFace> predictFaces(BufferedImage image) {
    Objects.requireNonNull(image, "image must not be null");
    Lock using = use();
    try {
      return predictFacesOpen(image);
    } finally {
      using.unlock();
    }
  }

  private List<DetectedFace> predictFacesOpen(BufferedImage image) {
    float[] gray = FaceImages.grayOf(image); // once, for the detector and the crops
    List<FaceBox> boxes = detector().detectLuma(gray, image.getWidth(), image.getHeight());
    if (boxes.isEmpty()) {
      return List.of();
    }
    FaceDataset.Builder b = new FaceDataset.Builder("faces", boxes.size());
    for (int i = 0; i < boxes.size(); i++) {
      b.add(FaceCrops.crop(gray, image.getWidth(), image.getHeight(), boxes.get(i), detector().options().cascade()),
          0, FaceDataset.UNKNOWN, null,
          i, "face " + (i + 1));
    }
    List<Prediction> p = predictions(scorer.score(b.build(), Progress.NONE).probs(), boxes.size());
    List<DetectedFace> out = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      out.add(new DetectedFace(boxes.get(i), p.get(i)));
    }
    return out;
  }

  private synchronized FaceDetector detector() {
    if (detector == null) {
      detector = FaceDetector.open(options.detection.with(
          options.fastDetector ? FaceDetector.Cascade.LBP : FaceDetector.Cascade.HAAR));
    }
    return detector;
  }

  private static List<Prediction> predictions(float[] p, int n) {
    List<Prediction> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] row = new float[Emotion.COUNT];
      System.arraycopy(p, i * Emotion.COUNT, row, 0, Emotion.COUNT);
      out.add(new Prediction(row));
    }
    return out;
  }

  /** @return the file or folder the model was loaded from */
  public Path source() {
    return source;
  }

  /** @return "onnxruntime" or "tensorflow" */
  public String runtimeName() {
    return engine.name();
  }

  /**
   * Frees the native session; the model cannot be used afterwards (calls then throw a
   * {@link FerException} saying it is closed). Calls running in other threads are let finish
   * first; closing again does nothing.
   */
  @Override
  public void close() {
    life.writeLock().lock(); // waits for the calls in flight
    try {
      if (closed) {
        return;
      }
      closed = true;
      engine.close();
      synchronized (this) {
        if (detector != null) {
          detector.close();
        }
      }
    } finally {
      life.writeLock().unlock();
    }
  }

  /**
   * Every call holds the read side while it runs, {@link #close} the write side: a session is
   * never freed under a running call, and a call after close is told so instead of crashing in
   * native code.
   */
  private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
  private boolean closed;

  private Lock use() {
    Lock l = life.readLock();
    l.lock();
    if (closed) {
      l.unlock();
      throw new FerException(source + ": the model is closed");
    }
    return l;
  }

  /**
   * Opens SavedModels through a class of its own, so that applications without TensorFlow on
   * their class path never load TensorFlow's classes.
   */
  private static final class TensorFlowRuntime {
    static Engine open(Path path, int threads) {
      try {
        Class.forName("org.tensorflow.SavedModelBundle", false, FerModel.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new FerException(path + ": scoring a SavedModel needs TensorFlow Java on the class path "
            + "(org.tensorflow:tensorflow-core-api); or load an ONNX file with ONNX Runtime");
      }
      return TfEngine.open(path, threads);
    }
  }
}

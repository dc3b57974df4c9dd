package org.fertk.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.ImageFolderReader;
import org.fertk.data.LoadedData;
import org.fertk.data.Scores;
import org.fertk.score.OrtEngine;
import org.fertk.score.Scorer;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.util.FerException;
import org.fertk.util.Json;
import org.fertk.util.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Classify face images of any size or colour (top 3 emotions).")
final class PredictCommand extends BaseCommand {
  /** Shipped models, best first; the first that exists is the default. */
  static final List<String> DEFAULT_MODELS = List.of("models/best/model.onnx", "models/paper-cnn/model.onnx");

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "PNG, JPEG, BMP or GIF files.")
  List<Path> images;

  @Option(names = "--model", description = "ONNX model (default: the shipped best model, " + "models/best/model.onnx).")
  Path model;

  @Option(names = "--center-crop", description = "Crop to the central square before resizing to 48x48.")
  boolean centerCrop;

  @Option(names = "--json", description = "JSON output.")
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
    LoadedData loaded = ImageFolderReader.readFiles(images, input.readOptions(), centerCrop);
    loaded.report(err());
    FaceDataset faces = loaded.dataset();
    Scores scores;
    try (OrtEngine engine = OrtEngine.open(m, 0)) {
      scores = new Scorer(List.of(engine), 64, views).withLogits(logits).score(faces, Progress.NONE).scores();
    }
    int k = Math.max(1, Math.min(Emotion.COUNT, top));
    ArrayNode all = Json.MAPPER.createArrayNode();
    for (int i = 0; i < faces.size(); i++) {
      int[] order = scores.ranking(i);
      if (json) {
        ObjectNode o = all.addObject();
        o.put("image", faces.name(i));
        ArrayNode t = o.putArray("top");
        for (int j = 0; j < k; j++) {
          t.addObject().put("emotion", Emotion.of(order[j]).key()).put("probability", scores.probability(i, order[j]));
        }
      } else {
        StringBuilder sb = new StringBuilder(faces.name(i)).append(':');
        for (int j = 0; j < k; j++) {
          sb.append(String.format(Locale.ROOT, " %s %.1f%%", Emotion.of(order[j]).key(),
              100 * scores.probability(i, order[j])));
          sb.append(j + 1 < k ? "," : "");
        }
        out().println(sb);
      }
    }
    if (json) {
      out().println(Json.write(all));
    }
    return 0;
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

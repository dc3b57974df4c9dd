package org.fertk.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.fertk.Emotion;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.fertk.model.ModelGraph;
import org.fertk.model.Network;
import org.fertk.model.SpecException;
import org.fertk.model.Weight;
import org.fertk.run.RunFolder;
import org.fertk.util.AtomicOutput;
import org.fertk.FerException;
import org.fertk.util.Hashing;
import org.fertk.util.Json;

/**
 * `fer import keras`: a Keras model file (architecture and weights) becomes a run folder
 * (spec.json, saved_model, manifest.json) that the other commands take. The model's own input
 * preprocessing is built into the graph in front of its first layer, so that the run folder takes
 * the toolkit's standard input (48x48 grayscale in [0, 1]) and computes what the original model
 * computes on its own input: a Resizing layer when the model's input is not 48x48, a Rescaling
 * layer when it expects another range than [0, 1].
 */
public final class KerasImport {
  static final String RESIZE_LAYER = "import_resizing";
  static final String RESCALE_LAYER = "import_rescaling";

  /**
   * The model's own preprocessing. {@code inputSize}: its input side when the file does not fix it
   * (null: take it from the file). {@code scale}: the range of the model's input for pixels 0..255:
   * "0..1" (also "1/255", the default), "-1..1", "0..255", or any "a..b".
   */
  public record Options(Integer inputSize, String scale) {
    public static Options defaults() {
      return new Options(null, "0..1");
    }
  }

  /** What was imported: the network as built (preprocessing included) and where it went. */
  public record Result(Network network, Path runFolder, String format, String kerasVersion, int inputSize,
      double rangeLow, double rangeHigh, int weightArrays) {}

  private KerasImport() {}

  public static Result run(Path modelFile, Path runFolder, Options options, int threads) {
    return run(modelFile, runFolder, options, threads, written -> { });
  }

  /**
   * As {@link #run(Path, Path, Options, int)}, with a last step on the written run folder before
   * it takes the target's place (an ONNX export with its parity check): if the step fails, the
   * target is as it was and nothing of the import is left.
   *
   * @param finish receives the folder as written, under its temporary name
   */
  public static Result run(Path modelFile, Path runFolder, Options options, int threads, Consumer<Path> finish) {
    double[] range = parseScale(options.scale());
    try (KerasModelFile file = KerasModelFile.open(modelFile)) {
      ObjectNode config = standardConfig(file);
      boolean functional = !config.path("class_name").asText().equals("Sequential");
      int[] shape = inputShape(config, functional, modelFile);
      int side = checkInput(shape, options.inputSize(), modelFile);
      List<ObjectNode> front = preprocessing(side, range);
      ObjectNode rewritten = functional ? rewriteFunctional(config, front) : rewriteSequential(config, front);
      Network network;
      try {
        network = Network.parse(rewritten, 0);
      } catch (SpecException e) {
        throw new FerException(modelFile + ": " + e.getMessage());
      }
      Map<String, float[]> weights = weights(file, config, network);
      write(runFolder, modelFile, file, network, weights, side, range, threads, finish);
      return new Result(network, runFolder, file.format(), file.kerasVersion(), side, range[0], range[1], weights.size());
    }
  }

  /** "a..b" (or the aliases 1/255 and 1) as {low, high}. */
  public static double[] parseScale(String s) {
    String v = s == null ? "0..1" : s.trim();
    if (v.equals("1/255")) {
      return new double[] {0, 1};
    }
    if (v.equals("1") || v.equals("none")) {
      return new double[] {0, 255};
    }
    String[] parts = v.split("\\.\\.");
    try {
      if (parts.length == 2) {
        double lo = Double.parseDouble(parts[0]);
        double hi = Double.parseDouble(parts[1]);
        if (Double.isFinite(lo) && Double.isFinite(hi) && lo != hi) {
          return new double[] {lo, hi};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new FerException(FerException.setting("scale") + ": expected the model's input range for black..white, e.g. 0..1 (or 1/255), "
        + "-1..1 or 0..255, got '" + s + "'");
  }

  /** The config as {"class_name", "config": {"layers": [...]}}; Keras 2.0's Sequential listed its layers bare. */
  private static ObjectNode standardConfig(KerasModelFile file) {
    JsonNode c = file.config();
    if (!c.isObject() || !c.has("class_name")) {
      throw new FerException(file.path() + ": the model config is not a Keras model ({\"class_name\": ..., \"config\": ...})");
    }
    ObjectNode out = c.deepCopy();
    String cls = out.path("class_name").asText();
    if (!Set.of("Sequential", "Functional", "Model").contains(cls)) {
      throw new FerException(file.path() + ": a " + cls + " model; only Sequential and functional models can be imported");
    }
    if (out.path("config").isArray()) {
      ObjectNode cfg = LayerConfig.object();
      cfg.put("name", "sequential");
      cfg.set("layers", out.get("config"));
      out.set("config", cfg);
    }
    out.remove(List.of("module", "registered_name", "build_config", "compile_config", "keras_version", "backend"));
    return out;
  }

  private static int[] inputShape(ObjectNode config, boolean functional, Path file) {
    for (JsonNode l : config.path("config").path("layers")) {
      JsonNode cfg = l.path("config");
      JsonNode s = cfg.has("batch_shape") ? cfg.get("batch_shape") : cfg.get("batch_input_shape");
      if (l.path("class_name").asText().equals("InputLayer") || (!functional && s != null)) {
        if (s == null || !s.isArray()) {
          break;
        }
        int[] d = new int[s.size() - 1];
        for (int i = 1; i < s.size(); i++) {
          d[i - 1] = s.get(i).isIntegralNumber() ? s.get(i).intValue() : -1;
        }
        return d;
      }
    }
    throw new FerException(file + ": the model does not say its input shape (no InputLayer or batch_input_shape)");
  }

  private static int checkInput(int[] shape, Integer inputSize, Path file) {
    if (shape.length != 3) {
      throw new FerException(file + ": the model's input is " + Arrays.toString(shape)
          + "; expected an image (height, width, channels)");
    }
    if (shape[2] != 1) {
      throw new FerException(file + ": the model reads " + shape[2] + "-channel images; the toolkit's faces are "
          + "grayscale (1 channel)");
    }
    if (shape[0] > 0 && shape[1] > 0 && shape[0] != shape[1]) {
      throw new FerException(file + ": the model's input is " + shape[0] + "x" + shape[1] + "; only square inputs are supported");
    }
    int fixed = Math.max(shape[0], shape[1]);
    if (inputSize != null && fixed > 0 && inputSize != fixed) {
      throw new FerException(FerException.setting("input_size") + " " + inputSize + " contradicts the model's own input, " + fixed + "x" + fixed)
          ;
    }
    int side = inputSize != null ? inputSize : fixed;
    if (side < 1) {
      throw new FerException(file + ": the model takes any image size; say which it was trained on with " + FerException.setting("input_size"))
          ;
    }
    return side;
  }

  /** The layers that bring a 48x48 face in [0, 1] to the model's input. */
  private static List<ObjectNode> preprocessing(int side, double[] range) {
    List<ObjectNode> out = new ArrayList<>();
    if (side != 48) {
      ObjectNode l = layer("Resizing", RESIZE_LAYER);
      ((ObjectNode) l.get("config")).put("height", side).put("width", side).put("interpolation", "bilinear");
      out.add(l);
    }
    if (range[0] != 0 || range[1] != 1) {
      ObjectNode l = layer("Rescaling", RESCALE_LAYER);
      ((ObjectNode) l.get("config")).put("scale", range[1] - range[0]).put("offset", range[0]);
      out.add(l);
    }
    return out;
  }

  private static ObjectNode layer(String cls, String name) {
    ObjectNode l = LayerConfig.object();
    l.put("class_name", cls);
    l.put("name", name);
    l.putObject("config").put("name", name);
    return l;
  }

  private static ArrayNode standardBatchShape() {
    ArrayNode a = LayerConfig.object().arrayNode();
    return a.addNull().add(48).add(48).add(1);
  }

  private static ObjectNode rewriteSequential(ObjectNode config, List<ObjectNode> front) {
    ArrayNode layers = (ArrayNode) config.path("config").path("layers");
    ArrayNode out = layers.arrayNode();
    ObjectNode input = layer("InputLayer", "input_layer");
    ((ObjectNode) input.get("config")).set("batch_shape", standardBatchShape());
    out.add(input);
    front.forEach(out::add);
    for (JsonNode l : layers) {
      if (l.path("class_name").asText().equals("InputLayer")) {
        continue;
      }
      ObjectNode copy = l.deepCopy();
      if (copy.get("config") instanceof ObjectNode cfg) {
        cfg.remove(List.of("batch_input_shape", "batch_shape", "input_shape", "input_dim"));
      }
      out.add(copy);
    }
    ((ObjectNode) config.get("config")).set("layers", out);
    return config;
  }

  private static ObjectNode rewriteFunctional(ObjectNode config, List<ObjectNode> front) {
    ArrayNode layers = (ArrayNode) config.path("config").path("layers");
    String inputName = null;
    for (JsonNode l : layers) {
      if (l.path("class_name").asText().equals("InputLayer")) {
        inputName = l.path("name").asText(l.path("config").path("name").asText());
        ObjectNode cfg = (ObjectNode) l.get("config");
        cfg.remove("batch_input_shape");
        cfg.set("batch_shape", standardBatchShape());
      }
    }
    if (inputName == null || front.isEmpty()) {
      return config;
    }
    String previous = inputName;
    for (ObjectNode f : front) {
      ArrayNode ref = f.putArray("inbound_nodes").addArray().addArray();
      ref.add(previous).add(0).add(0).addObject();
      previous = f.get("name").asText();
    }
    for (JsonNode l : layers) {
      if (l.has("inbound_nodes")) {
        redirect(l.get("inbound_nodes"), inputName, previous);
      }
    }
    ArrayNode out = layers.arrayNode();
    for (JsonNode l : layers) {
      out.add(l);
      if (l.path("class_name").asText().equals("InputLayer")) {
        front.forEach(out::add);
      }
    }
    ((ObjectNode) config.get("config")).set("layers", out);
    return config;
  }

  /** Points every reference to the model input (Keras 2 [name, 0, 0, {}], Keras 3 keras_history) at another layer. */
  private static void redirect(JsonNode n, String from, String to) {
    if (n instanceof ArrayNode a) {
      if (a.size() >= 3 && a.get(0).isTextual() && a.get(0).asText().equals(from) && a.get(1).isIntegralNumber()) {
        a.set(0, a.textNode(to));
      }
      a.forEach(v -> redirect(v, from, to));
    } else if (n instanceof ObjectNode o) {
      o.forEach(v -> redirect(v, from, to));
    }
  }

  /** Each layer's arrays from the file, checked against the weights the layer declares. */
  private static Map<String, float[]> weights(KerasModelFile file, ObjectNode config, Network network) {
    List<String[]> order = new ArrayList<>();
    Map<String, Integer> unnamed = new LinkedHashMap<>();
    for (JsonNode l : config.path("config").path("layers")) {
      String cls = l.path("class_name").asText();
      String name = l.hasNonNull("name") ? l.get("name").asText() : l.path("config").path("name").asText("");
      if (name.isEmpty()) {
        // as the spec parser names an unnamed layer of a Sequential model
        String stem = Network.defaultNameStem(cls);
        int k = unnamed.merge(stem, 1, Integer::sum) - 1;
        name = k == 0 ? stem : stem + "_" + k;
      }
      order.add(new String[] {name, cls});
    }
    Map<String, List<KerasModelFile.Array>> stored = file.weights(order);
    Map<String, float[]> out = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Layer layer : network.layers()) {
      List<Weight> want = layer.weights();
      List<KerasModelFile.Array> got = stored.getOrDefault(layer.name(), List.of());
      if (layer.name().equals(RESIZE_LAYER) || layer.name().equals(RESCALE_LAYER)) {
        continue;
      }
      if (got.size() != want.size()) {
        problems.add("layer '" + layer.name() + "' (" + layer.className() + ") needs " + want.size() + " weight arrays ("
            + String.join(", ", want.stream().map(Weight::name).toList()) + "), the file has " + got.size());
        continue;
      }
      for (int i = 0; i < want.size(); i++) {
        Weight w = want.get(i);
        KerasModelFile.Array a = got.get(i);
        if (!Arrays.equals(w.shape(), a.shape())) {
          problems.add("layer '" + layer.name() + "' weight " + w.name() + ": shape " + Arrays.toString(a.shape())
              + " in the file (" + a.name() + "), " + Arrays.toString(w.shape()) + " expected");
        } else {
          out.put(w.fullName(), a.values());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new FerException(file.path() + ": the weights do not fit the architecture:\n  " + String.join("\n  ", problems));
    }
    return out;
  }

  private static void write(Path runFolder, Path source, KerasModelFile file, Network network, Map<String, float[]> weights,
      int side, double[] range, int threads, Consumer<Path> finish) {
    RunFolder names = new RunFolder(Path.of(""));
    Set<String> ours = Set.of(names.spec().toString(), names.savedModel().toString(), names.manifest().toString(),
        names.onnx().toString());
    AtomicOutput.replaceFolder(runFolder, ours::contains, tmp -> {
      RunFolder run = new RunFolder(tmp);
      Json.writeFile(run.spec(), network.toJson());
      try (ModelGraph g = ModelGraph.inference(network, threads)) {
        g.initialize(0);
        g.context().assign(g.session(), weights);
        g.exportSavedModel(run.savedModel());
      }
      Json.writeFile(run.manifest(), manifest(source, file, network, side, range));
      finish.accept(tmp);
    });
  }

  private static ObjectNode manifest(Path source, KerasModelFile file, Network network, int side, double[] range) {
    ObjectNode m = LayerConfig.object();
    ObjectNode model = m.putObject("model");
    model.put("name", network.name());
    model.put("params", network.paramCount());
    model.put("graph_sha256", Hashing.sha256(Json.write(network.toJson()).getBytes(StandardCharsets.UTF_8)));
    ObjectNode imp = m.putObject("imported_from");
    imp.put("file", source.getFileName().toString());
    imp.put("sha256", Hashing.sha256(source));
    imp.put("format", file.format());
    imp.put("keras_version", file.kerasVersion());
    imp.put("backend", file.backend());
    imp.put("input_size", side);
    imp.put("input_range", range[0] + ".." + range[1]);
    m.putArray("classes").addAll(Arrays.stream(Emotion.keys()).map(imp::textNode).toList());
    m.putObject("metrics");
    return m;
  }
}

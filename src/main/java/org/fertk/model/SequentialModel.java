package org.fertk.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.util.Json;
import org.fertk.util.TextTable;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A Keras Sequential model read from (and written to) Keras-shaped JSON:
 * {@code {"class_name": "Sequential", "config": {"name": ..., "layers": [...]}}}. Input is always
 * a 48x48 grayscale face and the last layer a softmax over the seven emotions.
 */
public final class SequentialModel {
  public static final Dims INPUT = Dims.of(FaceDataset.SIDE, FaceDataset.SIDE, 1);

  private static final Set<String> TOP_KEYS = Set.of("class_name", "config", "description",
      "keras_version", "backend", "module", "registered_name", "build_config", "compile_config");
  private static final Set<String> CONFIG_KEYS = Set.of("name", "layers", "trainable", "dtype",
      "build_input_shape");
  private static final Set<String> LAYER_KEYS = Set.of("class_name", "config", "module",
      "registered_name", "build_config", "name", "inbound_nodes");

  private final String name;
  private final String description;
  private final List<Layer> layers;

  private SequentialModel(String name, String description, List<Layer> layers) {
    this.name = name;
    this.description = description;
    this.layers = List.copyOf(layers);
  }

  public static SequentialModel load(Path file, double defaultL2) {
    JsonNode root = Json.read(file);
    try {
      return parse(root, defaultL2);
    } catch (SpecException e) {
      throw new SpecException(file + ": " + e.getMessage());
    }
  }

  public static SequentialModel parse(JsonNode root, double defaultL2) {
    if (!root.isObject()) {
      throw new SpecException("expected a JSON object {\"class_name\": \"Sequential\", \"config\": ...}");
    }
    unknownKeys(root, TOP_KEYS, "the spec");
    String cls = root.path("class_name").asText("");
    if (!cls.equals("Sequential")) {
      throw new SpecException("`class_name` must be \"Sequential\", got "
          + (root.has("class_name") ? root.get("class_name") : "nothing")
          + " (only Sequential models are supported)");
    }
    JsonNode config = root.get("config");
    if (config == null || !config.isObject()) {
      throw new SpecException("missing `config` object");
    }
    unknownKeys(config, CONFIG_KEYS, "`config`");
    String name = config.path("name").asText("sequential");
    JsonNode layersNode = config.get("layers");
    if (layersNode == null || !layersNode.isArray() || layersNode.isEmpty()) {
      throw new SpecException("`config.layers` must be a non-empty list");
    }
    Dims input = INPUT;
    List<Layer> layers = new ArrayList<>();
    Map<String, Integer> counters = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < layersNode.size(); i++) {
      JsonNode l = layersNode.get(i);
      String where = "layer " + (i + 1);
      if (!l.isObject() || !l.has("class_name")) {
        throw new SpecException(where + ": expected {\"class_name\": ..., \"config\": {...}}");
      }
      unknownKeys(l, LAYER_KEYS, where);
      String lc = l.get("class_name").asText();
      JsonNode cfg = l.get("config");
      if (lc.equals("InputLayer")) {
        if (i != 0) {
          throw new SpecException(where + ": InputLayer must come first");
        }
        input = inputShape(cfg, where);
        continue;
      }
      if (i == 0 && cfg != null && (cfg.has("batch_input_shape") || cfg.has("batch_shape"))) {
        input = inputShape(cfg, where);
      }
      LayerRegistry.Factory f = LayerRegistry.get(lc);
      if (f == null) {
        throw new SpecException(where + ": unknown layer class '" + lc + "' (supported: "
            + LayerRegistry.supported() + ")");
      }
      String layerName = cfg != null && cfg.hasNonNull("name") ? cfg.get("name").asText()
          : defaultName(lc, counters);
      if (!names.add(layerName)) {
        throw new SpecException(where + ": duplicate layer name '" + layerName + "'");
      }
      layers.add(f.create(new LayerConfig(lc, layerName, cfg), defaultL2));
    }
    if (!input.equals(INPUT)) {
      throw new SpecException("the model input must be " + INPUT + " (48x48 grayscale), got " + input);
    }
    if (layers.isEmpty()) {
      throw new SpecException("the model has no layers after its InputLayer");
    }
    SequentialModel m = new SequentialModel(name, root.path("description").asText(""), layers);
    m.buildShapes();
    return m;
  }

  private static String defaultName(String cls, Map<String, Integer> counters) {
    String stem = LayerRegistry.snakeCase(cls);
    int n = counters.merge(stem, 1, Integer::sum) - 1;
    return n == 0 ? stem : stem + "_" + n;
  }

  private static Dims inputShape(JsonNode cfg, String where) {
    JsonNode s = cfg == null ? null : cfg.has("batch_shape") ? cfg.get("batch_shape") : cfg.get("batch_input_shape");
    if (s == null || !s.isArray() || s.size() < 2) {
      throw new SpecException(where + ": InputLayer needs `batch_shape` such as [null, 48, 48, 1]");
    }
    int[] d = new int[s.size() - 1];
    for (int i = 1; i < s.size(); i++) {
      if (!s.get(i).isIntegralNumber()) {
        throw new SpecException(where + ": `batch_shape` must be [null, height, width, channels], got " + s);
      }
      d[i - 1] = s.get(i).intValue();
    }
    return Dims.of(d);
  }

  private static void unknownKeys(JsonNode node, Set<String> allowed, String where) {
    List<String> bad = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        bad.add(k);
      }
    }
    if (!bad.isEmpty()) {
      throw new SpecException("unknown key" + (bad.size() > 1 ? "s" : "") + " `" + String.join("`, `", bad)
          + "` in " + where);
    }
  }

  /** Propagates shapes through the layers and checks the softmax-over-7 output. */
  private void buildShapes() {
    Dims d = INPUT;
    for (Layer l : layers) {
      d = l.build(d);
    }
    Layer last = layers.get(layers.size() - 1);
    if (!d.equals(Dims.of(Emotion.COUNT)) || !last.endsInSoftmax()) {
      throw new SpecException("the last layer must be a softmax over the " + Emotion.COUNT
          + " emotions, with output (None, 7); '" + last.name() + "' gives " + d
          + (last.endsInSoftmax() ? "" : " without softmax"));
    }
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public List<Layer> layers() {
    return layers;
  }

  public long paramCount() {
    return layers.stream().mapToLong(Layer::paramCount).sum();
  }

  public long trainableCount() {
    return layers.stream().mapToLong(Layer::trainableCount).sum();
  }

  /** FLOPs of one image's forward pass (2 x multiply-adds of conv, dense and LSTM layers). */
  public long flops() {
    return layers.stream().mapToLong(Layer::flops).sum();
  }

  public List<Weight> weights() {
    List<Weight> w = new ArrayList<>();
    layers.forEach(l -> w.addAll(l.weights()));
    return w;
  }

  /** Output of the model: the probabilities, plus the logits of the final softmax. */
  public record Outputs(Operand<TFloat32> probs, Operand<TFloat32> logits) {}

  /** Adds the forward pass; weights are created in ctx on first use. */
  public Outputs forward(GraphContext ctx, Operand<TFloat32> input, boolean training) {
    Operand<TFloat32> x = input;
    for (int i = 0; i < layers.size() - 1; i++) {
      x = layers.get(i).call(ctx, x, training);
    }
    Layer last = layers.get(layers.size() - 1);
    Operand<TFloat32> logits = last.callLogits(ctx, x, training);
    Operand<TFloat32> probs = ctx.tf.withSubScope(last.name()).nn.softmax(logits);
    return new Outputs(probs, logits);
  }

  /** The Keras JSON of this model (what `model.to_json()` would write for it). */
  public ObjectNode toJson() {
    ObjectNode root = LayerConfig.object();
    root.put("class_name", "Sequential");
    if (!description.isEmpty()) {
      root.put("description", description);
    }
    ObjectNode cfg = root.putObject("config");
    cfg.put("name", name);
    ArrayNode arr = cfg.putArray("layers");
    ObjectNode in = arr.addObject();
    in.put("class_name", "InputLayer");
    ObjectNode inCfg = in.putObject("config");
    inCfg.putArray("batch_shape").addNull().add(INPUT.get(0)).add(INPUT.get(1)).add(INPUT.get(2));
    inCfg.put("name", "input_layer");
    for (Layer l : layers) {
      ObjectNode o = arr.addObject();
      o.put("class_name", l.className());
      o.set("config", l.config());
    }
    return root;
  }

  /** A Keras-style summary: layer (type), output shape, parameters, totals. */
  public String summary() {
    TextTable t = new TextTable("Layer (type)", "Output Shape", "Param #").leftAlign(1);
    for (Layer l : layers) {
      t.row(l.name() + " (" + l.className() + ")", l.outputDims(), String.format(Locale.ROOT, "%,d", l.paramCount()));
    }
    long total = paramCount();
    long trainable = trainableCount();
    return "Model: \"" + name + "\"\n" + t.toMarkdown()
        + String.format(Locale.ROOT, "Total params: %,d (%s)%nTrainable params: %,d (%s)%nNon-trainable params: %,d (%s)%n",
            total, mb(total), trainable, mb(trainable), total - trainable, mb(total - trainable));
  }

  private static String mb(long params) {
    double bytes = params * 4.0;
    if (bytes < 1024) {
      return String.format(Locale.ROOT, "%.2f B", bytes);
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.2f KB", bytes / 1024);
    }
    return String.format(Locale.ROOT, "%.2f MB", bytes / 1024 / 1024);
  }
}

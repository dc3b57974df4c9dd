package org.fertk.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fertk.FerException;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.model.layers.Dropout;
import org.fertk.util.Json;
import org.fertk.util.MemoryBudget;
import org.fertk.util.TextTable;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A model read from (and written to) Keras-shaped JSON: a {@code Sequential} stack
 * ({@code {"class_name": "Sequential", "config": {"name": ..., "layers": [...]}}}) or a functional
 * graph ({@code "Functional"} as Keras 3 writes it, {@code "Model"} as Keras 2 did: layers with
 * {@code inbound_nodes}, {@code input_layers}, {@code output_layers}). Both become the same thing:
 * layers in an order where each comes after the layers it reads, and for each layer the names of
 * those inputs. Input is always a 48x48 grayscale face and the output a softmax over the seven
 * emotions.
 */
public final class Network {
  public static final Dims INPUT = Dims.of(FaceDataset.SIDE, FaceDataset.SIDE, 1);
  static final String DEFAULT_INPUT_NAME = "input_layer";

  static final Set<String> TOP_KEYS = Set.of("class_name", "config", "description",
      "keras_version", "backend", "module", "registered_name", "build_config", "compile_config");
  private static final Set<String> CONFIG_KEYS = Set.of("name", "layers", "trainable", "dtype",
      "build_input_shape");
  static final Set<String> LAYER_KEYS = Set.of("class_name", "config", "module",
      "registered_name", "build_config", "name", "inbound_nodes", "shared_object_id");

  private final String name;
  private final String description;
  private final String inputName;
  private final List<Layer> layers;
  private final List<List<String>> inbound;
  private final boolean functional;

  Network(String name, String description, String inputName, List<Layer> layers,
      List<List<String>> inbound, boolean functional) {
    this.name = name;
    this.description = description;
    this.inputName = inputName;
    this.layers = List.copyOf(layers);
    List<List<String>> in = new ArrayList<>();
    inbound.forEach(l -> in.add(List.copyOf(l)));
    this.inbound = List.copyOf(in);
    this.functional = functional;
    buildShapes();
  }

  public static Network load(Path file, double defaultL2) {
    JsonNode root = Json.read(file);
    try {
      return parse(root, defaultL2);
    } catch (SpecException e) {
      throw new SpecException(file + ": " + e.getMessage());
    }
  }

  public static Network parse(JsonNode root, double defaultL2) {
    if (!root.isObject()) {
      throw new SpecException("expected a JSON object {\"class_name\": \"Sequential\", \"config\": ...}");
    }
    if (root.has("runs") && !root.has("class_name")) {
      throw new SpecException("a study plan (it has `runs`), not an architecture spec; run it as a study");
    }
    unknownKeys(root, TOP_KEYS, "the spec");
    String cls = root.path("class_name").asText("");
    JsonNode config = root.get("config");
    boolean sequential = cls.equals("Sequential");
    if (!sequential && !cls.equals("Functional") && !cls.equals("Model")) {
      throw new SpecException("`class_name` must be \"Sequential\", \"Functional\" or \"Model\", got "
          + (root.has("class_name") ? root.get("class_name") : "nothing"));
    }
    if (config == null || !config.isObject()) {
      throw new SpecException("missing `config` object");
    }
    String description = root.path("description").asText("");
    return sequential ? parseSequential(config, description, defaultL2)
        : FunctionalConfig.parse(config, description, defaultL2);
  }

  private static Network parseSequential(JsonNode config, String description, double defaultL2) {
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
    UnknownLayers unknown = new UnknownLayers();
    for (int i = 0; i < layersNode.size(); i++) {
      JsonNode l = layersNode.get(i);
      String where = "layer " + (i + 1);
      if (!l.isObject() || !l.has("class_name")) {
        throw new SpecException(where + ": expected {\"class_name\": ..., \"config\": {...}}");
      }
      unknownKeys(l, LAYER_KEYS, where);
      JsonNode named = l.path("config").path("name");
      unknown.check(l.get("class_name").asText(), named.isTextual() ? "layer '" + named.asText() + "'" : where);
    }
    unknown.throwIfAny();
    for (int i = 0; i < layersNode.size(); i++) {
      JsonNode l = layersNode.get(i);
      String where = "layer " + (i + 1);
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
      String layerName = cfg != null && cfg.hasNonNull("name") ? cfg.get("name").asText()
          : defaultName(lc, counters);
      if (!names.add(layerName)) {
        throw new SpecException(where + ": duplicate layer name '" + layerName + "'");
      }
      layers.add(LayerRegistry.get(lc).create(new LayerConfig(lc, layerName, cfg), defaultL2));
    }
    requireStandardInput(input);
    if (layers.isEmpty()) {
      throw new SpecException("the model has no layers after its InputLayer");
    }
    List<List<String>> inbound = new ArrayList<>();
    String previous = DEFAULT_INPUT_NAME;
    for (Layer l : layers) {
      inbound.add(List.of(previous));
      previous = l.name();
    }
    return new Network(name, description, DEFAULT_INPUT_NAME, layers, inbound, false);
  }

  static void requireStandardInput(Dims input) {
    if (!input.equals(INPUT)) {
      throw new SpecException("the model input must be " + INPUT + " (48x48 grayscale), got " + input
          + " (a Keras import with " + FerException.setting("input_size") + " set puts a Resizing layer in front of such a model)");
    }
  }

  /** Keras' default layer-name stem: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d. */
  public static String defaultNameStem(String className) {
    return LayerRegistry.snakeCase(className);
  }

  static String defaultName(String cls, Map<String, Integer> counters) {
    String stem = LayerRegistry.snakeCase(cls);
    int n = counters.merge(stem, 1, Integer::sum) - 1;
    return n == 0 ? stem : stem + "_" + n;
  }

  static Dims inputShape(JsonNode cfg, String where) {
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

  static void unknownKeys(JsonNode node, Set<String> allowed, String where) {
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
    Map<String, Dims> shapes = new HashMap<>();
    shapes.put(inputName, INPUT);
    Dims d = INPUT;
    for (int i = 0; i < layers.size(); i++) {
      List<Dims> in = new ArrayList<>();
      inbound.get(i).forEach(n -> in.add(shapes.get(n)));
      d = layers.get(i).build(in);
      shapes.put(layers.get(i).name(), d);
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

  /** The layers, each after the layers it reads; the output layer last. */
  public List<Layer> layers() {
    return layers;
  }

  /** True for a functional graph, false for a Sequential stack. */
  public boolean isFunctional() {
    return functional;
  }

  /** The name of the model's input (what layers reading the input face list as their input). */
  public String inputName() {
    return inputName;
  }

  /** The names of the layers (or the model input) whose outputs layer {@code index} reads. */
  public List<String> inputsOf(int index) {
    return inbound.get(index);
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

  /**
   * Refuses, before anything is built or written, a network whose weights cannot exist in this
   * JVM: one weight larger than a Java array, or all of them (with the copies training makes) more
   * than the heap can give.
   *
   * @param what the spec's file, for the message
   */
  public void checkFitsInMemory(String what) {
    long total = 0;
    for (Weight w : weights()) {
      MemoryBudget.checkArray(String.format(Locale.ROOT, "%s: weight %s (%,d values)", what, w.fullName(), w.size()),
          w.size() * Float.BYTES);
      total += w.size();
    }
    // initial values in Java, then TensorFlow's copy and the optimizer's slots beside them
    MemoryBudget.check(String.format(Locale.ROOT, "%s: a network of %,d weights", what, total), total * Float.BYTES * 2);
  }

  public List<Weight> weights() {
    List<Weight> w = new ArrayList<>();
    layers.forEach(l -> w.addAll(l.weights()));
    return w;
  }

  /** Output of the model: the probabilities, plus the logits of the final softmax. */
  public record Outputs(Operand<TFloat32> probs, Operand<TFloat32> logits) {}

  /**
   * Adds the forward pass; weights are created in ctx on first use. In training, with the
   * context's stochastic depth above 0, the residual branches are dropped per face: the k-th of L
   * with probability rate * k / L (the linear rule of Huang et al. 2016), the kept ones scaled by
   * 1/(1-p) so that inference, which keeps every branch, needs no change.
   */
  public Outputs forward(GraphContext ctx, Operand<TFloat32> input, boolean training) {
    Map<String, Operand<TFloat32>> values = new HashMap<>();
    values.put(inputName, input);
    int lastIndex = layers.size() - 1;
    Map<Integer, Integer> branches = training && ctx.stochasticDepth() > 0 ? residualBranches() : Map.of();
    int block = 0;
    for (int i = 0; i < lastIndex; i++) {
      List<Operand<TFloat32>> in = inputs(values, i);
      Integer branch = branches.get(i);
      if (branch != null) {
        double p = ctx.stochasticDepth() * ++block / branches.size();
        in = new ArrayList<>(in);
        in.set(branch, dropPath(ctx.tf.withSubScope(layers.get(i).name() + "_drop_path"), in.get(branch), p,
            ctx.nextSeed()));
      }
      values.put(layers.get(i).name(), layers.get(i).call(ctx, in, training));
    }
    Layer last = layers.get(lastIndex);
    Operand<TFloat32> logits = last.callLogits(ctx, inputs(values, lastIndex).get(0), training);
    Operand<TFloat32> probs = ctx.tf.withSubScope(last.name()).nn.softmax(logits);
    return new Outputs(probs, logits);
  }

  /** x with each face's values zeroed with probability p, the others scaled by 1/(1-p). */
  private static Operand<TFloat32> dropPath(Ops tf, Operand<TFloat32> x, double p,
      Operand<TInt64> seed) {
    // mask shape [N, 1, ..., 1]: one draw per face, broadcast over the rest
    Operand<TInt32> shape = tf.concat(List.of(tf.slice(tf.shape(x), tf.constant(new int[] {0}),
        tf.constant(new int[] {1})), tf.fill(tf.expandDims(tf.math.sub(tf.rank(x), tf.constant(1)), tf.constant(0)),
        tf.constant(1))), tf.constant(0));
    return Dropout.masked(tf, x, shape, p, seed);
  }

  /**
   * The residual additions and which of their two inputs is the branch (the other being the
   * shortcut): every Add of two inputs whose inputs lie at different depths, the deeper one being
   * the branch (depth = the longest chain of layers from the input). An identity shortcut is the
   * block's input, a projection shortcut one layer (or a few) deep, the branch several layers deep.
   * In layer order; empty for Sequential stacks and graphs without such additions.
   *
   * @return layer index -> position of the branch among its inputs
   */
  public Map<Integer, Integer> residualBranches() {
    Map<String, Integer> depth = new HashMap<>();
    depth.put(inputName, 0);
    Map<Integer, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      int d = 0;
      for (String n : inbound.get(i)) {
        d = Math.max(d, depth.get(n));
      }
      depth.put(layers.get(i).name(), d + 1);
      List<String> in = inbound.get(i);
      if (layers.get(i).className().equals("Add") && in.size() == 2) {
        int a = depth.get(in.get(0));
        int b = depth.get(in.get(1));
        if (a != b) {
          out.put(i, a > b ? 0 : 1);
        }
      }
    }
    return out;
  }

  private List<Operand<TFloat32>> inputs(Map<String, Operand<TFloat32>> values, int index) {
    List<Operand<TFloat32>> in = new ArrayList<>();
    inbound.get(index).forEach(n -> in.add(values.get(n)));
    return in;
  }

  /** The Keras JSON of this model (what `model.to_json()` would write for it). */
  public ObjectNode toJson() {
    if (functional) {
      return FunctionalConfig.toJson(this);
    }
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
    TextTable t;
    if (functional) {
      // Keras lists the input and says which outputs each layer reads
      t = new TextTable("Layer (type)", "Output Shape", "Param #", "Connected to").leftAlign(1).leftAlign(3);
      t.row(inputName + " (InputLayer)", INPUT, "0", "-");
      for (int i = 0; i < layers.size(); i++) {
        Layer l = layers.get(i);
        List<String> from = new ArrayList<>();
        inbound.get(i).forEach(n -> from.add(n + "[0][0]"));
        t.row(l.name() + " (" + l.className() + ")", l.outputDims(),
            String.format(Locale.ROOT, "%,d", l.paramCount()), String.join(", ", from));
      }
    } else {
      t = new TextTable("Layer (type)", "Output Shape", "Param #").leftAlign(1);
      for (Layer l : layers) {
        t.row(l.name() + " (" + l.className() + ")", l.outputDims(), String.format(Locale.ROOT, "%,d", l.paramCount()));
      }
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

package org.fertk.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fertk.model.layers.Merge;

/**
 * Reads and writes Keras' functional model config: Keras 3's {@code "Functional"} (each inbound
 * node {@code {"args": [...], "kwargs": {...}}} holding {@code __keras_tensor__} references) and
 * Keras 2's {@code "Model"} (each inbound node a list of {@code [layer, node, tensor, kwargs]}).
 * One input, one output, each layer called once.
 */
final class FunctionalConfig {
  private static final Set<String> CONFIG_KEYS = Set.of("name", "layers", "input_layers",
      "output_layers", "trainable", "dtype");

  /** A reference to output {@code tensor} of call {@code node} of a layer. */
  private record Ref(String layer, int node, int tensor) {}

  private FunctionalConfig() {}

  static Network parse(JsonNode config, String description, double defaultL2) {
    Network.unknownKeys(config, CONFIG_KEYS, "`config`");
    String modelName = config.path("name").asText("functional");
    JsonNode layersNode = config.get("layers");
    if (layersNode == null || !layersNode.isArray() || layersNode.isEmpty()) {
      throw new SpecException("`config.layers` must be a non-empty list");
    }
    Map<String, JsonNode> entries = new LinkedHashMap<>();
    UnknownLayers unknown = new UnknownLayers();
    for (int i = 0; i < layersNode.size(); i++) {
      JsonNode l = layersNode.get(i);
      if (!l.isObject() || !l.has("class_name")) {
        throw new SpecException("layer " + (i + 1) + ": expected {\"class_name\": ..., \"config\": {...}, \"inbound_nodes\": [...]}");
      }
      String name = l.hasNonNull("name") ? l.get("name").asText() : l.path("config").path("name").asText("");
      if (name.isEmpty()) {
        throw new SpecException("layer " + (i + 1) + ": a layer of a functional model needs a `name`");
      }
      Network.unknownKeys(l, Network.LAYER_KEYS, "layer '" + name + "'");
      if (entries.put(name, l) != null) {
        throw new SpecException("duplicate layer name '" + name + "'");
      }
      unknown.check(l.get("class_name").asText(), "layer '" + name + "'");
    }
    unknown.throwIfAny();

    List<String> inputLayers = entries.entrySet().stream()
        .filter(e -> e.getValue().get("class_name").asText().equals("InputLayer")).map(Map.Entry::getKey).toList();
    if (inputLayers.size() != 1) {
      throw new SpecException("the model must have one input (48x48 grayscale), it has "
          + (inputLayers.isEmpty() ? "no InputLayer" : inputLayers.size() + ": " + String.join(", ", inputLayers)));
    }
    String inputName = inputLayers.get(0);
    Network.requireStandardInput(Network.inputShape(entries.get(inputName).get("config"), "layer '" + inputName + "'"));
    checkEnds(config.get("input_layers"), "input_layers", List.of(inputName), entries);
    String output = checkEnds(config.get("output_layers"), "output_layers", null, entries);
    if (output.equals(inputName)) {
      throw new SpecException("`output_layers` names the input '" + inputName + "'");
    }

    Map<String, List<String>> inputsOf = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : entries.entrySet()) {
      if (e.getKey().equals(inputName)) {
        continue;
      }
      List<String> from = new ArrayList<>();
      for (Ref r : refs(e.getValue().get("inbound_nodes"), e.getKey())) {
        if (!entries.containsKey(r.layer())) {
          throw new SpecException("layer '" + e.getKey() + "' reads '" + r.layer()
              + "', which is not a layer of the model");
        }
        if (r.node() != 0 || r.tensor() != 0) {
          throw new SpecException("layer '" + e.getKey() + "' reads call " + r.node() + ", output "
              + r.tensor() + " of '" + r.layer() + "': shared layers and layers with several outputs are not supported");
        }
        from.add(r.layer());
      }
      inputsOf.put(e.getKey(), from);
    }
    List<String> order = topologicalOrder(inputsOf, inputName);
    requireConnected(order, inputsOf, output);

    List<Layer> layers = new ArrayList<>();
    List<List<String>> inbound = new ArrayList<>();
    for (String name : order) {
      JsonNode l = entries.get(name);
      String cls = l.get("class_name").asText();
      layers.add(LayerRegistry.get(cls).create(new LayerConfig(cls, name, l.get("config")), defaultL2));
      inbound.add(inputsOf.get(name));
    }
    return new Network(modelName, description, inputName, layers, inbound, true);
  }

  /** The one layer named by input_layers/output_layers (absent input_layers: the InputLayer). */
  private static String checkEnds(JsonNode node, String key, List<String> expected, Map<String, JsonNode> entries) {
    if (node == null && expected != null) {
      return expected.get(0);
    }
    List<String> names = new ArrayList<>();
    if (node != null && node.isArray() && node.size() > 0 && node.get(0).isTextual()) {
      names.add(node.get(0).asText()); // Keras 3 writes a single end without the outer list
    } else if (node != null && node.isArray()) {
      node.forEach(r -> names.add(r.path(0).asText("")));
    }
    if (names.size() != 1) {
      throw new SpecException("`" + key + "` must name one layer, e.g. [[\"dense\", 0, 0]], got " + node);
    }
    if (!entries.containsKey(names.get(0))) {
      throw new SpecException("`" + key + "` names '" + names.get(0) + "', which is not a layer of the model");
    }
    if (expected != null && !expected.equals(names)) {
      throw new SpecException("`" + key + "` names '" + names.get(0) + "', not the InputLayer '" + expected.get(0) + "'");
    }
    return names.get(0);
  }

  private static List<Ref> refs(JsonNode nodes, String layer) {
    if (nodes == null || !nodes.isArray() || nodes.isEmpty()) {
      throw new SpecException("layer '" + layer + "' has no `inbound_nodes` (which outputs does it read?)");
    }
    if (nodes.size() > 1) {
      throw new SpecException("layer '" + layer + "' is called " + nodes.size()
          + " times: shared layers are not supported");
    }
    JsonNode node = nodes.get(0);
    List<Ref> out = new ArrayList<>();
    if (node.isObject()) {
      collectKeras3(node.get("args"), out);
      collectKeras3(node.get("kwargs"), out);
    } else if (node.isArray()) {
      for (JsonNode e : node) {
        if (isKeras2Ref(e)) {
          out.add(keras2Ref(e));
          // Keras 2 passes a second tensor (MultiHeadAttention's value) in the call's kwargs
          e.path(3).forEach(v -> {
            if (isKeras2Ref(v)) {
              out.add(keras2Ref(v));
            }
          });
        }
      }
    }
    if (out.isEmpty()) {
      throw new SpecException("layer '" + layer + "': cannot read its `inbound_nodes` " + nodes);
    }
    return out;
  }

  private static boolean isKeras2Ref(JsonNode e) {
    return e.isArray() && e.size() >= 3 && e.get(0).isTextual() && e.get(1).isIntegralNumber();
  }

  private static Ref keras2Ref(JsonNode e) {
    return new Ref(e.get(0).asText(), e.get(1).asInt(), e.get(2).asInt());
  }

  private static void collectKeras3(JsonNode n, List<Ref> out) {
    if (n == null) {
      return;
    }
    if (n.isObject() && "__keras_tensor__".equals(n.path("class_name").asText())) {
      JsonNode h = n.path("config").path("keras_history");
      out.add(new Ref(h.path(0).asText(), h.path(1).asInt(), h.path(2).asInt()));
    } else if (n.isContainerNode()) {
      n.forEach(v -> collectKeras3(v, out));
    }
  }

  /** Kahn's algorithm, keeping the config's order among layers that are ready together. */
  private static List<String> topologicalOrder(Map<String, List<String>> inputsOf, String inputName) {
    Map<String, Integer> waiting = new HashMap<>();
    Map<String, List<String>> readers = new HashMap<>();
    inputsOf.forEach((layer, from) -> {
      int n = 0;
      for (String f : from) {
        if (!f.equals(inputName)) {
          n++;
          readers.computeIfAbsent(f, k -> new ArrayList<>()).add(layer);
        }
      }
      waiting.put(layer, n);
    });
    Deque<String> ready = new ArrayDeque<>();
    inputsOf.keySet().stream().filter(l -> waiting.get(l) == 0).forEach(ready::add);
    List<String> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      String l = ready.poll();
      order.add(l);
      for (String r : readers.getOrDefault(l, List.of())) {
        if (waiting.merge(r, -1, Integer::sum) == 0) {
          ready.add(r);
        }
      }
    }
    if (order.size() < inputsOf.size()) {
      List<String> stuck = inputsOf.keySet().stream().filter(l -> !order.contains(l)).toList();
      throw new SpecException("layers '" + String.join("', '", stuck)
          + "' form a cycle (or read one): each waits for another's output");
    }
    return order;
  }

  /** Every layer must lead to the output, which therefore comes last. */
  private static void requireConnected(List<String> order, Map<String, List<String>> inputsOf, String output) {
    Set<String> needed = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(output));
    while (!todo.isEmpty()) {
      String l = todo.pop();
      if (needed.add(l) && inputsOf.containsKey(l)) {
        todo.addAll(inputsOf.get(l));
      }
    }
    List<String> loose = order.stream().filter(l -> !needed.contains(l)).toList();
    if (!loose.isEmpty()) {
      throw new SpecException("layer" + (loose.size() > 1 ? "s '" : " '") + String.join("', '", loose)
          + "' " + (loose.size() > 1 ? "do" : "does") + " not lead to the output '" + output + "'");
    }
    order.remove(output);
    order.add(output);
  }

  /** Keras 3's functional JSON of a network. */
  static ObjectNode toJson(Network m) {
    ObjectNode root = LayerConfig.object();
    root.put("class_name", "Functional");
    if (!m.description().isEmpty()) {
      root.put("description", m.description());
    }
    ObjectNode cfg = root.putObject("config");
    cfg.put("name", m.name());
    ArrayNode arr = cfg.putArray("layers");
    ObjectNode in = arr.addObject();
    in.put("class_name", "InputLayer");
    in.put("name", m.inputName());
    ObjectNode inCfg = in.putObject("config");
    inCfg.putArray("batch_shape").addNull().add(Network.INPUT.get(0)).add(Network.INPUT.get(1)).add(Network.INPUT.get(2));
    inCfg.put("name", m.inputName());
    in.putArray("inbound_nodes");
    Map<String, Dims> shapes = new HashMap<>();
    shapes.put(m.inputName(), Network.INPUT);
    for (int i = 0; i < m.layers().size(); i++) {
      Layer l = m.layers().get(i);
      ObjectNode o = arr.addObject();
      o.put("class_name", l.className());
      o.put("name", l.name());
      o.set("config", l.config());
      ObjectNode node = o.putArray("inbound_nodes").addObject();
      ArrayNode args = node.putArray("args");
      ArrayNode target = l instanceof Merge ? args.addArray() : args; // merges take a list
      for (String from : m.inputsOf(i)) {
        target.add(tensor(from, shapes.get(from)));
      }
      node.putObject("kwargs");
      shapes.put(l.name(), l.outputDims());
    }
    cfg.putArray("input_layers").addArray().add(m.inputName()).add(0).add(0);
    cfg.putArray("output_layers").addArray().add(m.layers().get(m.layers().size() - 1).name()).add(0).add(0);
    return root;
  }

  private static ObjectNode tensor(String layer, Dims shape) {
    ObjectNode t = LayerConfig.object();
    t.put("class_name", "__keras_tensor__");
    ObjectNode c = t.putObject("config");
    ArrayNode s = c.putArray("shape").addNull();
    for (int v : shape.toArray()) {
      s.add(v);
    }
    c.put("dtype", "float32");
    c.putArray("keras_history").add(layer).add(0).add(0);
    return t;
  }
}

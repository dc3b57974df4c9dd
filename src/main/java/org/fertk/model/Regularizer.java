package org.fertk.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Keras L2 weight penalty: l2 * sum(w^2) added to the loss (L1 is not supported). */
public final class Regularizer {
  private Regularizer() {}

  /** The l2 factor of {"class_name": "L2", "config": {"l2": x}}, "l2", or L1L2 with l1 = 0; 0 if none. */
  public static double parseL2(LayerConfig c, String key) {
    JsonNode v = c.raw(key);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (v.isTextual() && v.textValue().equalsIgnoreCase("l2")) {
      return 0.01;
    }
    if (v.isObject() && v.has("class_name")) {
      String name = v.get("class_name").asText();
      JsonNode cfg = v.get("config");
      double l1 = cfg != null && cfg.has("l1") ? cfg.get("l1").asDouble() : 0;
      double l2 = cfg != null && cfg.has("l2") ? cfg.get("l2").asDouble() : 0.01;
      if ((name.equals("L2") || name.equals("L1L2")) && l1 == 0 && l2 >= 0) {
        return l2;
      }
    }
    throw c.invalid(key, "null or an L2 regularizer {\"class_name\": \"L2\", \"config\": {\"l2\": x}}", v);
  }

  public static JsonNode toJson(double l2) {
    if (l2 == 0) {
      return NullNode.instance;
    }
    ObjectNode o = LayerConfig.object();
    o.put("class_name", "L2");
    o.putObject("config").put("l2", l2);
    return o;
  }
}

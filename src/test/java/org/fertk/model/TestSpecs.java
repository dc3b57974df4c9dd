package org.fertk.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.fertk.util.Json;

/** Small specs written inline for tests (single quotes become double quotes). */
public final class TestSpecs {
  private TestSpecs() {}

  public static JsonNode json(String layers) {
    String text = "{'class_name': 'Sequential', 'config': {'name': 't', 'layers': [" + layers + "]}}";
    return Json.parse(text.replace('\'', '"'), "test spec");
  }

  public static Network model(String layers) {
    return Network.parse(json(layers), 0);
  }

  /**
   * A Keras 2-style functional spec ("Model") of the given layers (written with {@link #node}) after
   * an InputLayer named 'input_layer', with the named output.
   */
  public static Network graph(String output, String... nodes) {
    String text = "{'class_name': 'Model', 'config': {'name': 'g', 'layers': [{'class_name': 'InputLayer', "
        + "'name': 'input_layer', 'config': {'batch_input_shape': [null, 48, 48, 1], 'name': 'input_layer'}, "
        + "'inbound_nodes': []}, " + String.join(", ", nodes) + "], 'input_layers': [['input_layer', 0, 0]], "
        + "'output_layers': [['" + output + "', 0, 0]]}}";
    return Network.parse(Json.parse(text.replace('\'', '"'), "test spec"), 0);
  }

  /** One layer of a functional spec reading the outputs of the named layers. */
  public static String node(String cls, String name, String config, String... from) {
    StringBuilder in = new StringBuilder();
    for (String f : from) {
      in.append(in.length() == 0 ? "" : ", ").append("['").append(f).append("', 0, 0, {}]");
    }
    return "{'class_name': '" + cls + "', 'name': '" + name + "', 'config': " + config
        + ", 'inbound_nodes': [[" + in + "]]}";
  }

  public static final String OUT = "{'class_name': 'Dense', 'config': {'units': 7, 'activation': 'softmax'}}";
  public static final String FLATTEN = "{'class_name': 'Flatten', 'config': {}}";

  public static String conv(int filters, String extra) {
    return "{'class_name': 'Conv2D', 'config': {'filters': " + filters + ", 'kernel_size': 3" + extra + "}}";
  }
}

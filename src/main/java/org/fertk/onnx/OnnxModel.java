package org.fertk.onnx;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fertk.onnx.proto.OnnxIr;

/**
 * An ONNX model as the passes see it: its graph in the builder, and the header a rewritten model
 * keeps (IR version, opset, producer, provenance in metadata_props).
 *
 * @param graph the graph, to rewrite
 * @param irVersion the IR version
 * @param opset the default-domain opset
 * @param producer the producer's name
 * @param producerVersion the producer's version
 * @param metadata metadata_props, in order
 */
public record OnnxModel(OnnxGraph graph, int irVersion, int opset, String producer, String producerVersion,
    Map<String, String> metadata) {

  /**
   * Reads a model this toolkit wrote.
   *
   * @param m the protobuf
   * @param what the model's name for messages
   * @return the model
   */
  public static OnnxModel read(OnnxIr.Model m, String what) {
    int opset = 0;
    for (OnnxIr.OperatorSetId id : m.getOpsetImportList()) {
      if (id.getDomain().isEmpty()) {
        opset = (int) id.getVersion();
      }
    }
    Map<String, String> meta = new LinkedHashMap<>();
    m.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
    return new OnnxModel(OnnxGraph.read(m.getGraph(), what), (int) m.getIrVersion(), opset, m.getProducerName(),
        m.getProducerVersion(), meta);
  }

  /**
   * The same header around another graph, with one more metadata entry.
   *
   * @param g the rewritten graph
   * @param key metadata key
   * @param value metadata value
   * @return the new model
   */
  public OnnxModel with(OnnxGraph g, String key, String value) {
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.put(key, value);
    return new OnnxModel(g, irVersion, opset, producer, producerVersion, meta);
  }

  /** @return the protobuf, written by the graph builder */
  public OnnxIr.Model toProto() {
    return graph.toModel(irVersion, opset, producer, producerVersion, metadata);
  }
}

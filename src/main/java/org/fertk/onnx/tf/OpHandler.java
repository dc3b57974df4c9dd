package org.fertk.onnx.tf;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.NodeDef;

/** Converts one TF op type to ONNX nodes (one handler per op type, as in tf2onnx). */
interface OpHandler {
  /** Lowest ONNX opset the nodes this handler emits need. */
  int minOpset();

  /** Indices of the data inputs this handler reads as converted values (default: all). */
  default List<Integer> convertedInputs(NodeDef node, TfGraph tf) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < tf.dataInputs(node).size(); i++) {
      all.add(i);
    }
    return all;
  }

  void convert(NodeDef node, ConversionContext ctx);
}

package org.fertk.model;

import java.util.Map;
import java.util.TreeMap;
import org.fertk.model.layers.ActivationLayer;
import org.fertk.model.layers.BatchNormalization;
import org.fertk.model.layers.Conv2D;
import org.fertk.model.layers.Cropping2D;
import org.fertk.model.layers.Dense;
import org.fertk.model.layers.DepthwiseSeparable;
import org.fertk.model.layers.Dropout;
import org.fertk.model.layers.Flatten;
import org.fertk.model.layers.GlobalAveragePooling;
import org.fertk.model.layers.LSTM;
import org.fertk.model.layers.LayerNormalization;
import org.fertk.model.layers.Merge;
import org.fertk.model.layers.MultiHeadAttention;
import org.fertk.model.layers.Permute;
import org.fertk.model.layers.Pooling2D;
import org.fertk.model.layers.Rescaling;
import org.fertk.model.layers.Reshape;
import org.fertk.model.layers.Resizing;
import org.fertk.model.layers.SpatialDropout2D;
import org.fertk.model.layers.TimeDistributed;
import org.fertk.model.layers.ZeroPadding2D;

/** Keras class names to layer constructors. */
final class LayerRegistry {
  /** Creates a layer from its config; defaultL2 applies to kernels without their own regularizer. */
  @FunctionalInterface
  public interface Factory {
    Layer create(LayerConfig config, double defaultL2);
  }

  private static final Map<String, Factory> FACTORIES = new TreeMap<>();

  static {
    FACTORIES.put("Conv2D", Conv2D::new);
    FACTORIES.put("Cropping2D", (c, l2) -> new Cropping2D(c));
    FACTORIES.put("MaxPooling2D", (c, l2) -> new Pooling2D(c, true));
    FACTORIES.put("AveragePooling2D", (c, l2) -> new Pooling2D(c, false));
    FACTORIES.put("GlobalAveragePooling2D", (c, l2) -> new GlobalAveragePooling(c, 2));
    FACTORIES.put("GlobalAveragePooling1D", (c, l2) -> new GlobalAveragePooling(c, 1));
    FACTORIES.put("GlobalMaxPooling2D", (c, l2) -> new GlobalAveragePooling(c, 2, true));
    FACTORIES.put("GlobalMaxPooling1D", (c, l2) -> new GlobalAveragePooling(c, 1, true));
    FACTORIES.put("Rescaling", (c, l2) -> new Rescaling(c));
    FACTORIES.put("Resizing", (c, l2) -> new Resizing(c));
    FACTORIES.put("Permute", (c, l2) -> new Permute(c));
    FACTORIES.put("LayerNormalization", (c, l2) -> new LayerNormalization(c));
    FACTORIES.put("DepthwiseConv2D", (c, l2) -> new DepthwiseSeparable(c, l2, false));
    FACTORIES.put("SeparableConv2D", (c, l2) -> new DepthwiseSeparable(c, l2, true));
    FACTORIES.put("ZeroPadding2D", (c, l2) -> new ZeroPadding2D(c));
    FACTORIES.put("SpatialDropout2D", (c, l2) -> new SpatialDropout2D(c));
    FACTORIES.put("Flatten", (c, l2) -> new Flatten(c));
    FACTORIES.put("Dense", Dense::new);
    FACTORIES.put("Dropout", (c, l2) -> new Dropout(c));
    FACTORIES.put("BatchNormalization", (c, l2) -> new BatchNormalization(c));
    FACTORIES.put("Activation", (c, l2) -> new ActivationLayer(c));
    FACTORIES.put("Reshape", (c, l2) -> new Reshape(c));
    FACTORIES.put("TimeDistributed", TimeDistributed::new);
    FACTORIES.put("LSTM", LSTM::new);
    FACTORIES.put("MultiHeadAttention", MultiHeadAttention::new);
    for (Merge.Kind k : Merge.Kind.values()) {
      FACTORIES.put(k.keras(), (c, l2) -> new Merge(c, k));
    }
  }

  private LayerRegistry() {}

  public static Factory get(String className) {
    return FACTORIES.get(className);
  }

  public static String supported() {
    return "InputLayer, " + String.join(", ", FACTORIES.keySet());
  }

  /** Keras's default layer name stem: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d. */
  public static String snakeCase(String className) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < className.length(); i++) {
      char ch = className.charAt(i);
      boolean upper = Character.isUpperCase(ch);
      if (upper && i > 0) {
        char prev = className.charAt(i - 1);
        boolean nextLower = i + 1 < className.length() && Character.isLowerCase(className.charAt(i + 1));
        if (Character.isLowerCase(prev) || (Character.isUpperCase(prev) && nextLower)) {
          sb.append('_');
        }
      }
      sb.append(Character.toLowerCase(ch));
    }
    return sb.toString();
  }
}
